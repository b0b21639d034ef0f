"""Typical mistakes in assignment 02 (DNA tokens, one-hot encoding, a logistic-regression
promoter classifier)."""
from . import Mistake

MISTAKES = [
    # -- tokenize ------------------------------------------------------------------------------
    Mistake("tokenize", "forgot lowercase input", """
def tokenize(seq):
    token_of = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}
    tokens = []
    for position, base in enumerate(seq):
        if base not in token_of:
            raise ValueError(f"{base!r} at position {position} is not a DNA base")
        tokens.append(token_of[base])
    return torch.tensor(tokens)
""", "Lowercase input must work"),
    Mistake("tokenize", "counted from 1", """
def tokenize(seq):
    token_of = {"A": 1, "C": 2, "G": 3, "T": 4, "N": 5}
    tokens = []
    for position, base in enumerate(seq):
        if base.upper() not in token_of:
            raise ValueError(f"{base!r} at position {position} is not a DNA base")
        tokens.append(token_of[base.upper()])
    return torch.tensor(tokens)
""", "Count from 0"),
    Mistake("tokenize", "let the dictionary raise KeyError", """
def tokenize(seq):
    token_of = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}
    return torch.tensor([token_of[base.upper()] for base in seq])
""", "You raised KeyError"),
    Mistake("tokenize", "numbered the bases in base-pair order", """
def tokenize(seq):
    token_of = {"A": 0, "T": 1, "C": 2, "G": 3, "N": 4}
    tokens = []
    for position, base in enumerate(seq):
        if base.upper() not in token_of:
            raise ValueError(f"{base!r} at position {position} is not a DNA base")
        tokens.append(token_of[base.upper()])
    return torch.tensor(tokens)
""", "alphabetical order"),
    Mistake("tokenize", "float tokens", """
def tokenize(seq):
    tokens = []
    for position, base in enumerate(seq):
        if base.upper() not in "ACGTN":
            raise ValueError(f"{base!r} at position {position} is not a DNA base")
        tokens.append("ACGTN".index(base.upper()))
    return torch.tensor(tokens, dtype=torch.float32)
""", "Tokens are whole numbers"),
    Mistake("tokenize", "error message without the position", """
def tokenize(seq):
    tokens = []
    for base in seq:
        if base.upper() not in "ACGTN":
            raise ValueError("invalid DNA base")
        tokens.append("ACGTN".index(base.upper()))
    return torch.tensor(tokens, dtype=torch.long)
""", "names the character and its position"),

    # -- one_hot -------------------------------------------------------------------------------
    Mistake("one_hot", "(4, L) instead of (L, 4)", """
def one_hot(seq):
    tokens = tokenize(seq)
    encoded = torch.zeros(4, len(tokens))
    for position, token in enumerate(tokens.tolist()):
        if token < 4:
            encoded[token, position] = 1.0
    return encoded
""", "(4, L) instead of (L, 4)"),
    Mistake("one_hot", "columns in the wrong order", """
def one_hot(seq):
    column_of = {"A": 0, "T": 1, "C": 2, "G": 3}
    encoded = torch.zeros(len(seq), 4)
    for position, base in enumerate(seq.upper()):
        if base in column_of:
            encoded[position, column_of[base]] = 1.0
    return encoded
""", "channel order"),
    Mistake("one_hot", "one_hot with 4 classes, so N fails", """
def one_hot(seq):
    return torch.nn.functional.one_hot(tokenize(seq), num_classes=4)
""", "5 classes"),
    Mistake("one_hot", "kept a column for N", """
def one_hot(seq):
    return torch.nn.functional.one_hot(tokenize(seq), num_classes=5).float()
""", "drop N's column"),
    Mistake("one_hot", "N as 0.25 everywhere", """
def one_hot(seq):
    encoded = torch.eye(5)[tokenize(seq), :4]
    encoded[tokenize(seq) == 4] = 0.25
    return encoded
""", "not 0.25"),
    Mistake("one_hot", "a lookup table without lowercase", """
def one_hot(seq):
    rows = {"A": [1.0, 0.0, 0.0, 0.0], "C": [0.0, 1.0, 0.0, 0.0], "G": [0.0, 0.0, 1.0, 0.0],
            "T": [0.0, 0.0, 0.0, 1.0], "N": [0.0, 0.0, 0.0, 0.0]}
    return torch.tensor([rows[base] for base in seq])
""", "Lowercase input must work"),

    # -- encode_batch --------------------------------------------------------------------------
    Mistake("encode_batch", "no length check", """
def encode_batch(seqs):
    return torch.stack([one_hot(seq) for seq in seqs])
""", "raise ValueError if not"),
    Mistake("encode_batch", "each sequence as (4, L)", """
def encode_batch(seqs):
    if len({len(seq) for seq in seqs}) > 1:
        raise ValueError("all sequences must have the same length")
    return torch.stack([one_hot(seq).T for seq in seqs])
""", "not (4, L)"),
    Mistake("encode_batch", "torch.cat instead of torch.stack", """
def encode_batch(seqs):
    if len({len(seq) for seq in seqs}) > 1:
        raise ValueError("all sequences must have the same length")
    return torch.cat([one_hot(seq) for seq in seqs])
""", "torch.cat"),
    Mistake("encode_batch", "stacked along the wrong dimension", """
def encode_batch(seqs):
    if len({len(seq) for seq in seqs}) > 1:
        raise ValueError("all sequences must have the same length")
    return torch.stack([one_hot(seq) for seq in seqs], dim=1)
""", "new first dimension"),

    # -- sigmoid -------------------------------------------------------------------------------
    Mistake("sigmoid", "sign error in the exponent", """
def sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, e / (1 + e), 1 / (1 + e))
""", "Sign error"),
    Mistake("sigmoid", "the textbook formula, which overflows", """
def sigmoid(z):
    return 1 / (1 + torch.exp(-z))
""", "overflows to inf"),
    Mistake("sigmoid", "e^z / (1 + e^z), which gives nan", """
def sigmoid(z):
    return torch.exp(z) / (1 + torch.exp(z))
""", "inf / inf = nan"),
    Mistake("sigmoid", "used torch.sigmoid", """
def sigmoid(z):
    return torch.sigmoid(z)
""", "not about torch.sigmoid"),

    # -- binary_cross_entropy ------------------------------------------------------------------
    Mistake("binary_cross_entropy", "no clamping", """
def binary_cross_entropy(p, y, eps=1e-7):
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
""", "BCE without clamping"),
    Mistake("binary_cross_entropy", "summed instead of averaged", """
def binary_cross_entropy(p, y, eps=1e-7):
    p = p.clamp(eps, 1 - eps)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum()
""", "mean, not sum"),
    Mistake("binary_cross_entropy", "forgot the minus sign", """
def binary_cross_entropy(p, y, eps=1e-7):
    p = p.clamp(eps, 1 - eps)
    return (y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
""", "forgot the minus sign"),
    Mistake("binary_cross_entropy", "only the positive term", """
def binary_cross_entropy(p, y, eps=1e-7):
    p = p.clamp(eps, 1 - eps)
    return -(y * torch.log(p)).mean()
""", "(1 - y) log(1 - p) term"),
    Mistake("binary_cross_entropy", "eps too small for float32", """
def binary_cross_entropy(p, y, eps=1e-12):
    p = p.clamp(eps, 1 - eps)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
""", "1 - 1e-8 is exactly 1"),
    Mistake("binary_cross_entropy", "returned a Python float", """
def binary_cross_entropy(p, y, eps=1e-7):
    p = p.clamp(eps, 1 - eps)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean().item()
""", "not loss.item()"),

    # -- PromoterDataset -----------------------------------------------------------------------
    Mistake("PromoterDataset", "integer labels", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.x = encode_batch(list(seqs))
        self.y = torch.tensor(list(labels))

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
""", "must be float32"),
    Mistake("PromoterDataset", "labels of shape (1,)", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.seqs = list(seqs)
        self.labels = [float(label) for label in labels]

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, i):
        return one_hot(self.seqs[i]), torch.tensor([self.labels[i]])
""", "should be 0-d"),
    Mistake("PromoterDataset", "tokens instead of one-hot", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.x = torch.stack([tokenize(seq) for seq in seqs])
        self.y = torch.tensor([float(label) for label in labels])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
""", "not the tokens"),
    Mistake("PromoterDataset", "sequences as (4, L)", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.x = encode_batch(list(seqs)).transpose(1, 2)
        self.y = torch.tensor([float(label) for label in labels])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
""", "(4, L) instead of (L, 4)"),
    Mistake("PromoterDataset", "labels as Python floats", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.x = encode_batch(list(seqs))
        self.labels = [float(label) for label in labels]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.x[i], self.labels[i]
""", "Return the label as a tensor"),

    # -- make_loaders --------------------------------------------------------------------------
    Mistake("make_loaders", "shuffled the test set too", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    return (DataLoader(train_ds, batch_size=batch_size, shuffle=True),
            DataLoader(test_ds, batch_size=batch_size, shuffle=True))
""", "Do not shuffle the test set"),
    Mistake("make_loaders", "did not shuffle the training set", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    return (DataLoader(train_ds, batch_size=batch_size),
            DataLoader(test_ds, batch_size=batch_size))
""", "must shuffle"),
    Mistake("make_loaders", "returned the loaders the other way round", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    return (DataLoader(test_ds, batch_size=batch_size, shuffle=False),
            DataLoader(train_ds, batch_size=batch_size, shuffle=True))
""", "in this order"),
    Mistake("make_loaders", "a fixed batch size", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    return (DataLoader(train_ds, batch_size=64, shuffle=True),
            DataLoader(test_ds, batch_size=64, shuffle=False))
""", "Pass batch_size"),
    Mistake("make_loaders", "shuffled the training set only once", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    order = torch.randperm(len(train_ds), generator=torch.Generator().manual_seed(seed))
    shuffled = torch.utils.data.Subset(train_ds, order.tolist())
    return (DataLoader(shuffled, batch_size=batch_size),
            DataLoader(test_ds, batch_size=batch_size))
""", "Shuffle anew every epoch"),

    # -- LogisticRegression --------------------------------------------------------------------
    Mistake("LogisticRegression", "returned (N, 1)", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(seq_len * 4, 1)

    def forward(self, x):
        return sigmoid(self.linear(x.flatten(start_dim=1)))
""", "squeeze the last dimension"),
    Mistake("LogisticRegression", "one weight per position, not per base", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(seq_len, 1)

    def forward(self, x):
        return sigmoid(self.linear(x.flatten(start_dim=1))).squeeze(1)
""", "seq_len * 4"),
    Mistake("LogisticRegression", "forgot the sigmoid", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(seq_len * 4, 1)

    def forward(self, x):
        return self.linear(x.flatten(start_dim=1)).squeeze(1)
""", "apply the sigmoid"),
    Mistake("LogisticRegression", ".squeeze() drops the batch dimension of one sequence", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(seq_len * 4, 1)

    def forward(self, x):
        return sigmoid(self.linear(x.flatten(start_dim=1))).squeeze()
""", "also removes the batch dimension"),
    Mistake("LogisticRegression", "flattened the whole batch", """
class LogisticRegression(nn.Module):
    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(seq_len * 4, 1)

    def forward(self, x):
        return sigmoid(self.linear(x.flatten())).squeeze(-1)
""", "x.flatten() would merge"),

    # -- train_epoch ---------------------------------------------------------------------------
    Mistake("train_epoch", "forgot optimizer.zero_grad()", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total_loss, n_seen = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        n_seen += len(y)
    return total_loss / n_seen
""", "forgot optimizer.zero_grad()"),
    Mistake("train_epoch", "averaged the batch means", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total_loss = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(loader)
""", "Weight each batch's loss by its size"),
    Mistake("train_epoch", "labels and predictions swapped in the loss", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total_loss, n_seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(y, model(x))
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        n_seen += len(y)
    return total_loss / n_seen
""", "the model's output first"),
    Mistake("train_epoch", "optimizer.step() after the loop", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total_loss, n_seen = 0.0, 0
    optimizer.zero_grad()
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        total_loss += loss.item() * len(y)
        n_seen += len(y)
    optimizer.step()
    return total_loss / n_seen
""", "Only one step was taken"),
    Mistake("train_epoch", "returned the loss of the last batch", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    return loss.item()
""", "not the loss of the last batch"),
    Mistake("train_epoch", "accumulated loss tensors", """
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total_loss, n_seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss * len(y)
        n_seen += len(y)
    return total_loss / n_seen
""", "accumulate loss.item()"),

    # -- accuracy ------------------------------------------------------------------------------
    Mistake("accuracy", "tracked gradients (no torch.no_grad())", """
def accuracy(model, loader):
    model.eval()
    n_correct, n_seen = 0, 0
    for x, y in loader:
        n_correct += ((model(x) > 0.5).float() == y).sum().item()
        n_seen += len(y)
    return n_correct / n_seen
""", "torch.no_grad()"),
    Mistake("accuracy", "forgot model.eval()", """
def accuracy(model, loader):
    n_correct, n_seen = 0, 0
    with torch.no_grad():
        for x, y in loader:
            n_correct += ((model(x) > 0.5).float() == y).sum().item()
            n_seen += len(y)
    return n_correct / n_seen
""", "model.eval()"),
    Mistake("accuracy", "averaged the batch accuracies", """
def accuracy(model, loader):
    model.eval()
    batch_accuracies = []
    with torch.no_grad():
        for x, y in loader:
            batch_accuracies.append(((model(x) > 0.5).float() == y).float().mean().item())
    return sum(batch_accuracies) / len(batch_accuracies)
""", "averaging batch accuracies"),
    Mistake("accuracy", "thresholded at 0 as if the outputs were scores", """
def accuracy(model, loader):
    model.eval()
    n_correct, n_seen = 0, 0
    with torch.no_grad():
        for x, y in loader:
            n_correct += ((model(x) > 0).float() == y).sum().item()
            n_seen += len(y)
    return n_correct / n_seen
""", "not at 0"),
    Mistake("accuracy", "divided by the number of batches", """
def accuracy(model, loader):
    model.eval()
    n_correct = 0
    with torch.no_grad():
        for x, y in loader:
            n_correct += ((model(x) > 0.5).float() == y).sum().item()
    return n_correct / len(loader)
""", "not by the number of batches"),
    Mistake("accuracy", "switched back to train mode", """
def accuracy(model, loader):
    model.eval()
    n_correct, n_seen = 0, 0
    with torch.no_grad():
        for x, y in loader:
            n_correct += ((model(x) > 0.5).float() == y).sum().item()
            n_seen += len(y)
    model.train()
    return n_correct / n_seen
""", "do not switch back to train mode"),
]
