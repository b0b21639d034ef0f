"""Correct alternatives for assignment 02 (DNA tokens, one-hot, logistic regression)."""
from . import Variant

VARIANTS = [
    # -- tokenize ------------------------------------------------------------------------------
    Variant("tokenize", "str.index on the upper-cased sequence", """
def tokenize(seq):
    upper = seq.upper()
    for position, base in enumerate(upper):
        if base not in "ACGTN":
            raise ValueError(f"{seq[position]!r} at position {position} is not a DNA base")
    return torch.tensor(["ACGTN".index(base) for base in upper], dtype=torch.long)
"""),
    Variant("tokenize", "regular expression check, numpy lookup table", """
import re
import numpy as np

def tokenize(seq):
    bad = re.search(r"[^ACGTNacgtn]", seq)
    if bad:
        raise ValueError(f"{bad.group()!r} at position {bad.start()} is not a DNA base")
    table = np.zeros(256, dtype=np.int64)
    for token, base in enumerate("ACGTN"):
        table[ord(base)] = table[ord(base.lower())] = token
    return torch.from_numpy(table[np.frombuffer(seq.encode("ascii"), dtype=np.uint8)])
"""),
    # -- one_hot -------------------------------------------------------------------------------
    Variant("one_hot", "F.one_hot with five classes, N column dropped", """
import torch.nn.functional as F

def one_hot(seq):
    return F.one_hot(tokenize(seq), num_classes=5)[:, :4].float()
"""),
    Variant("one_hot", "a loop filling a zero tensor", """
def one_hot(seq):
    encoded = torch.zeros(len(seq), 4)
    for position, token in enumerate(tokenize(seq).tolist()):
        if token < 4:  # N stays a row of zeros
            encoded[position, token] = 1.0
    return encoded
"""),
    Variant("one_hot", "broadcast comparison with arange(4)", """
def one_hot(seq):
    return (tokenize(seq).unsqueeze(1) == torch.arange(4)).to(torch.float32)
"""),
    # -- encode_batch --------------------------------------------------------------------------
    Variant("encode_batch", "set of lengths, map", """
def encode_batch(seqs):
    if len(set(map(len, seqs))) > 1:
        raise ValueError("encode_batch needs sequences of one length")
    return torch.stack(list(map(one_hot, seqs)))
"""),
    Variant("encode_batch", "a preallocated tensor filled row by row", """
def encode_batch(seqs):
    length = len(seqs[0])
    batch = torch.zeros(len(seqs), length, 4)
    for row, seq in enumerate(seqs):
        if len(seq) != length:
            raise ValueError(f"sequence {row} has length {len(seq)}, not {length} like the first")
        batch[row] = one_hot(seq)
    return batch
"""),
    Variant("encode_batch", "tokens stacked, then F.one_hot on the whole batch", """
import torch.nn.functional as F

def encode_batch(seqs):
    if any(len(seq) != len(seqs[0]) for seq in seqs):
        raise ValueError("all sequences must have the same length")
    tokens = torch.stack([tokenize(seq) for seq in seqs])  # (N, L)
    return F.one_hot(tokens, num_classes=5)[..., :4].float()
"""),
    # -- sigmoid -------------------------------------------------------------------------------
    Variant("sigmoid", "boolean masks filling an empty tensor", """
def sigmoid(z):
    result = torch.empty_like(z)
    positive = z >= 0
    result[positive] = 1 / (1 + torch.exp(-z[positive]))
    e = torch.exp(z[~positive])
    result[~positive] = e / (1 + e)
    return result
"""),
    Variant("sigmoid", "clamped exponents in both branches", """
def sigmoid(z):
    for_positive = 1 / (1 + torch.exp(-z.clamp(min=0)))
    e = torch.exp(z.clamp(max=0))
    return torch.where(z >= 0, for_positive, e / (1 + e))
"""),
    Variant("sigmoid", "exp(-softplus(-z)) through the stable logaddexp", """
def sigmoid(z):
    return torch.exp(-torch.logaddexp(torch.zeros_like(z), -z))
"""),
    # -- binary_cross_entropy ------------------------------------------------------------------
    Variant("binary_cross_entropy", "sum divided by N", """
def binary_cross_entropy(p, y, eps=1e-7):
    p = torch.clamp(p, min=eps, max=1 - eps)
    losses = -(y * p.log() + (1 - y) * (1 - p).log())
    return losses.sum() / len(p)
"""),
    Variant("binary_cross_entropy", "torch.where on the label", """
def binary_cross_entropy(p, y, eps=1e-7):
    p = p.clamp(eps, 1 - eps)
    return torch.where(y == 1, -torch.log(p), -torch.log(1 - p)).mean()
"""),
    Variant("binary_cross_entropy", "F.binary_cross_entropy after the clamp", """
import torch.nn.functional as F

def binary_cross_entropy(p, y, eps=1e-7):
    return F.binary_cross_entropy(p.clamp(eps, 1 - eps), y)
"""),
    # -- PromoterDataset -----------------------------------------------------------------------
    Variant("PromoterDataset", "labels through numpy (positions, not a pandas index)", """
import numpy as np

class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.x = encode_batch(list(seqs))
        self.y = torch.as_tensor(np.asarray(labels, dtype=np.float32))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
"""),
    Variant("PromoterDataset", "a list of ready (x, y) pairs", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.examples = [(one_hot(seq), torch.tensor(float(label)))
                         for seq, label in zip(seqs, labels)]

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]
"""),
    Variant("PromoterDataset", "labels kept as a float tensor built from a list", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.x = torch.stack([one_hot(seq) for seq in seqs])
        self.y = torch.tensor(list(labels), dtype=torch.float32)

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]
"""),
    # -- make_loaders --------------------------------------------------------------------------
    Variant("make_loaders", "keyword arguments, generator seeded on its own line", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    generator = torch.Generator()
    generator.manual_seed(seed)
    train_loader = DataLoader(dataset=train_ds, batch_size=batch_size, shuffle=True,
                              generator=generator)
    test_loader = DataLoader(dataset=test_ds, batch_size=batch_size)
    return train_loader, test_loader
"""),
    Variant("make_loaders", "an explicit RandomSampler", """
from torch.utils.data import RandomSampler

def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    sampler = RandomSampler(train_ds, generator=torch.Generator().manual_seed(seed))
    return (DataLoader(train_ds, batch_size, sampler=sampler),
            DataLoader(test_ds, batch_size, shuffle=False))
"""),
    Variant("make_loaders", "returns the two loaders as a list", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    shuffled = DataLoader(train_ds, batch_size=batch_size, shuffle=True,
                          generator=torch.Generator().manual_seed(seed))
    return [shuffled, DataLoader(test_ds, batch_size=batch_size)]
"""),
    # -- LogisticRegression --------------------------------------------------------------------
    Variant("LogisticRegression", "reshape and the first output column", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(in_features=seq_len * 4, out_features=1)

    def forward(self, x):
        return sigmoid(self.linear(x.reshape(len(x), -1)))[:, 0]
"""),
    Variant("LogisticRegression", "an nn.Flatten module, squeeze(-1)", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(seq_len * 4, 1)

    def forward(self, x):
        return sigmoid(self.linear(self.flatten(x)).squeeze(-1))
"""),
    Variant("LogisticRegression", "the score by einsum over the layer's weight", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(seq_len * 4, 1)

    def forward(self, x):
        scores = torch.einsum("nf,of->n", x.flatten(1), self.linear.weight) + self.linear.bias
        return sigmoid(scores)
"""),
    # -- train_epoch ---------------------------------------------------------------------------
    Variant("train_epoch", "lists of batch losses and sizes", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    batch_losses, batch_sizes = [], []
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
        batch_sizes.append(x.shape[0])
    return sum(l * n for l, n in zip(batch_losses, batch_sizes)) / sum(batch_sizes)
"""),
    Variant("train_epoch", "divides by len(loader.dataset)", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
    return total / len(loader.dataset)
"""),
    Variant("train_epoch", "gradients zeroed after each step", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    optimizer.zero_grad()
    total, count = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
"""),
    # -- accuracy ------------------------------------------------------------------------------
    Variant("accuracy", "divides by len(loader.dataset)", """
def accuracy(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in loader:
            correct += ((model(x) > 0.5).float() == y).sum().item()
    return correct / len(loader.dataset)
"""),
    Variant("accuracy", "all predictions concatenated first", """
def accuracy(model, loader):
    model.eval()
    predictions, labels = [], []
    with torch.no_grad():
        for x, y in loader:
            predictions.append(model(x) > 0.5)
            labels.append(y)
    return (torch.cat(predictions).float() == torch.cat(labels)).float().mean().item()
"""),
    Variant("accuracy", "gt and numel", """
def accuracy(model, loader):
    model.eval()
    n_correct = n_total = 0
    with torch.no_grad():
        for x, y in loader:
            n_correct += int((model(x).gt(0.5) == y.bool()).sum())
            n_total += y.numel()
    return n_correct / n_total
"""),
    Variant("accuracy", "torch.inference_mode instead of no_grad", """
def accuracy(model, loader):
    model.eval()
    n_correct, n_seen = 0, 0
    with torch.inference_mode():
        for x, y in loader:
            n_correct += (torch.round(model(x)) == y).sum().item()
            n_seen += len(x)
    return n_correct / n_seen
"""),
]
