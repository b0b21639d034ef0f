"""Assignment 02 reference: is this DNA sequence a non-TATA promoter?

DNA as numbers (tokens, one-hot), the sigmoid and the binary cross-entropy by hand, then a
logistic regression on one-hot DNA trained with PyTorch's Dataset, DataLoader and optimizer.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

TOKENS = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}


def tokenize(seq):
    """seq: str of A, C, G, T, N in any case -> (L,) int64 tokens, A=0 C=1 G=2 T=3 N=4."""
    tokens = []
    for position, base in enumerate(seq):
        if base.upper() not in TOKENS:
            raise ValueError(f"{base!r} at position {position} is not a DNA base "
                             f"(expected A, C, G, T or N)")
        tokens.append(TOKENS[base.upper()])
    return torch.tensor(tokens, dtype=torch.long)


def one_hot(seq):
    """seq: str of length L -> (L, 4) float32, columns A C G T.

    Row i of the identity matrix is the one-hot vector of token i. N (token 4) could be any
    base, so dropping the fifth column leaves it a row of zeros.
    """
    return torch.eye(5)[tokenize(seq), :4]


def encode_batch(seqs):
    """seqs: N str of one length L -> (N, L, 4) float32 one-hot."""
    lengths = {len(seq) for seq in seqs}
    if len(lengths) > 1:
        raise ValueError(f"all sequences must have the same length, got lengths {sorted(lengths)}")
    return torch.stack([one_hot(seq) for seq in seqs])


def sigmoid(z):
    """σ(z) = 1 / (1 + e^-z), elementwise; z: float tensor, any shape.

    e^-z overflows for very negative z, so we only ever exponentiate -|z| (≤ 0):
    for z ≥ 0, σ(z) = 1 / (1 + e^-|z|); for z < 0, σ(z) = e^z / (1 + e^z) = e^-|z| / (1 + e^-|z|).
    """
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def binary_cross_entropy(p, y, eps=1e-7):
    """Mean of -[y log p + (1 - y) log(1 - p)]; p: (N,) probabilities, y: (N,) 0/1 float.

    p is clamped to [eps, 1 - eps] first: log(0) = -inf would make a single confident
    mistake an infinite loss.
    """
    p = p.clamp(eps, 1 - eps)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


class PromoterDataset(Dataset):
    """Item i: (one-hot of seqs[i], (L, 4) float32; labels[i] as a 0-d float32 tensor)."""

    def __init__(self, seqs, labels):
        self.x = encode_batch(list(seqs))  # encoded once, not at every epoch
        self.y = torch.tensor([float(label) for label in labels])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    """(train_loader, test_loader). Training batches are shuffled every epoch (in an order fixed
    by ``seed``) so the model does not learn the order of the data; the test set is not."""
    shuffle_order = torch.Generator().manual_seed(seed)
    return (DataLoader(train_ds, batch_size=batch_size, shuffle=True, generator=shuffle_order),
            DataLoader(test_ds, batch_size=batch_size, shuffle=False))


class LogisticRegression(nn.Module):
    """p(promoter | x) = σ(w · flatten(x) + b): one weight per (position, base).

    Parameters: ``linear.weight`` (1, L*4) and ``linear.bias`` (1,).
    """

    def __init__(self, seq_len):
        super().__init__()
        self.linear = nn.Linear(seq_len * 4, 1)

    def forward(self, x):
        """x: (N, L, 4) float32 one-hot -> (N,) float32 probabilities."""
        return sigmoid(self.linear(x.flatten(start_dim=1))).squeeze(1)


def train_epoch(model, loader, optimizer, loss_fn):
    """One pass over ``loader``; returns the mean loss per sequence over the epoch (float)."""
    model.train()
    total_loss, n_seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)  # loss is a batch mean; the last batch may be smaller
        n_seen += len(y)
    return total_loss / n_seen


def accuracy(model, loader):
    """Fraction of sequences classified correctly, predicting 1 when p > 0.5 (float).

    Leaves the model in eval mode.
    """
    model.eval()
    n_correct, n_seen = 0, 0
    with torch.no_grad():
        for x, y in loader:
            n_correct += ((model(x) > 0.5).float() == y).sum().item()
            n_seen += len(y)
    return n_correct / n_seen
