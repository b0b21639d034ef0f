"""Implementations that the student-facing text allows, in styles the reference does not use,
keep every point: one per fairness fix of issue 14 (the science helper's corpus holds more).

Each is graded as the typical mistakes are (``mistake_session``: one kernel per assignment runs
the reference notebook, then each alternative cell in turn), and must score full marks.
"""
from pathlib import Path

import nbformat
import pytest

from autograder.mistakes import Mistake
from mistake_session import grade_mistakes

REPO = Path(__file__).resolve().parents[1]

ALTERNATIVES = {
    "02_promoter_classifier": [
        Mistake("accuracy", "divides by len(loader.dataset)", """
def accuracy(model, loader):
    model.eval()
    with torch.no_grad():
        n_correct = sum(((model(x) > 0.5).float() == y).sum().item() for x, y in loader)
    return n_correct / len(loader.dataset)
"""),
        Mistake("PromoterDataset", "labels kept as a float tensor built from a list", """
class PromoterDataset(Dataset):
    def __init__(self, seqs, labels):
        self.x = torch.stack([one_hot(seq) for seq in seqs])
        self.y = torch.tensor(list(labels), dtype=torch.float32)

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]
"""),
    ],
    "03_mlp": [
        Mistake("train_with_validation", "divides the validation loss by len(val_loader.dataset)",
                """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        with torch.no_grad():
            total = sum(loss_fn(model(x), y).item() * len(y) for x, y in val_loader)
        history["val_loss"].append(total / len(val_loader.dataset))
        history["val_accuracy"].append(accuracy(model, val_loader))
    return history
"""),
    ],
    "04_cnn": [
        Mistake("DNACNN", "flattens the pooled maps positions first", """
class DNACNN(nn.Module):
    def __init__(self, seq_len, n_filters, kernel_size, pool_size):
        super().__init__()
        self.conv = nn.Conv1d(4, n_filters, kernel_size)
        self.pool_size = pool_size
        self.fc = nn.Linear(flattened_size(seq_len, kernel_size, n_filters, pool_size), 1)

    def forward(self, x):
        maps = torch.nn.functional.max_pool1d(torch.relu(self.conv(x.permute(0, 2, 1))),
                                              self.pool_size)
        positions_first = maps.permute(0, 2, 1).reshape(len(x), -1)  # (N, P * n_filters)
        return torch.sigmoid(self.fc(positions_first))[:, 0]
"""),
        Mistake("filter_from_motif", "a regular expression per position", """
import re


def filter_from_motif(motif):
    positions = re.findall(r"\\[([^\\]]*)\\]|(.)", motif.upper())
    if not positions or "".join(f"[{group}]" if group else base
                                for group, base in positions) != motif.upper():
        raise ValueError(f"{motif!r} is not a motif")
    rows = []
    for group, base in positions:
        symbols = group or base
        if not symbols or any(symbol not in IUPAC for symbol in symbols):
            raise ValueError(f"{symbols!r} is not a base or an IUPAC code")
        allowed = set("".join(IUPAC[symbol] for symbol in symbols))
        rows.append([1.0 if column in allowed else 0.0 for column in "ACGT"])
    return torch.tensor(rows)
"""),
    ],
}


@pytest.mark.parametrize("assignment", list(ALTERNATIVES))
def test_allowed_alternatives_keep_full_marks(assignment):
    source = nbformat.read(next((REPO / "source" / assignment).glob("*.ipynb")), as_version=4)
    _, results = grade_mistakes(source, ALTERNATIVES[assignment], assignment)
    lost = {f"{alternative.exercise} / {alternative.what}": feedback
            for alternative, exercise, feedback in results if exercise.fraction < 1.0}
    assert lost == {}
