"""The assignment 02 reference (solutions.promoter_classifier) reproduces the slides and agrees
with PyTorch's built-ins."""
import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from solutions.promoter_classifier import (LogisticRegression, PromoterDataset, accuracy,
                                           binary_cross_entropy, encode_batch, make_loaders,
                                           one_hot, sigmoid, tokenize, train_epoch)

SLIDE_SEQUENCE = "ACCGTCACCTA"
dna = st.text(alphabet="ACGTacgtNn", min_size=1, max_size=60)
# The first call into torch can be slow; a deadline would only measure that.
quick = settings(deadline=None, max_examples=50)


def test_tokenize_the_slide_sequence():
    assert tokenize(SLIDE_SEQUENCE).tolist() == [0, 1, 1, 2, 3, 1, 0, 1, 1, 3, 0]
    assert tokenize(SLIDE_SEQUENCE).dtype == torch.long


def test_tokenize_is_case_insensitive_and_knows_n():
    assert tokenize("acgtN").tolist() == [0, 1, 2, 3, 4]


def test_tokenize_names_the_bad_character_and_its_position():
    with pytest.raises(ValueError, match=r"'x' at position 2"):
        tokenize("ACxG")


def test_one_hot_of_the_slide_sequence():
    rows = {"A": [1, 0, 0, 0], "C": [0, 1, 0, 0], "G": [0, 0, 1, 0], "T": [0, 0, 0, 1]}
    encoded = one_hot(SLIDE_SEQUENCE)
    assert encoded.dtype == torch.float32 and encoded.shape == (11, 4)
    assert encoded.tolist() == [rows[base] for base in SLIDE_SEQUENCE]


def test_n_is_a_row_of_zeros():
    assert one_hot("ANC")[1].tolist() == [0, 0, 0, 0]


@quick
@given(dna)
def test_one_hot_agrees_with_torch_one_hot(seq):
    assert torch.equal(one_hot(seq), F.one_hot(tokenize(seq), 5)[:, :4].float())


def test_encode_batch_stacks_one_hot_sequences():
    batch = encode_batch(["ACGT", "TTTT", "NACG"])
    assert batch.shape == (3, 4, 4) and batch.dtype == torch.float32
    assert torch.equal(batch[2], one_hot("NACG"))


def test_encode_batch_refuses_sequences_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        encode_batch(["ACGT", "ACG"])


@quick
@given(st.lists(st.floats(-80, 80), min_size=1, max_size=20))
def test_sigmoid_agrees_with_torch(values):
    z = torch.tensor(values)
    torch.testing.assert_close(sigmoid(z), torch.sigmoid(z))


def test_sigmoid_of_huge_inputs_is_finite_without_warnings():
    z = torch.tensor([-1000.0, -100.0, 0.0, 100.0, 1000.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = sigmoid(z)
        p.sum().backward()
    assert p.tolist() == [0.0, pytest.approx(0.0, abs=1e-40), 0.5, 1.0, 1.0]
    assert torch.isfinite(z.grad).all()


@quick
@given(st.lists(st.tuples(st.floats(0.01, 0.99), st.sampled_from([0.0, 1.0])),
                min_size=1, max_size=20))
def test_binary_cross_entropy_agrees_with_torch(pairs):
    p, y = torch.tensor(pairs).T
    torch.testing.assert_close(binary_cross_entropy(p, y), F.binary_cross_entropy(p, y))


def test_binary_cross_entropy_is_finite_at_p_exactly_0_and_1():
    p, y = torch.tensor([0.0, 1.0, 0.0, 1.0]), torch.tensor([1.0, 0.0, 0.0, 1.0])
    loss = binary_cross_entropy(p, y)
    assert torch.isfinite(loss) and loss > 5  # two confident mistakes cost a lot
    assert binary_cross_entropy(p[2:], y[2:]) < 1e-5  # two confident right answers cost nothing


def test_promoter_dataset_items_are_one_hot_and_a_float_label():
    dataset = PromoterDataset(["ACGT", "TTGA", "CCNA"], [1, 0, 1])
    assert len(dataset) == 3
    x, y = dataset[2]
    assert torch.equal(x, one_hot("CCNA"))
    assert y.dtype == torch.float32 and y.shape == () and y.item() == 1.0


def test_make_loaders_shuffles_training_batches_only():
    seqs = ["".join("ACGT"[(i >> k) % 4] for k in (0, 2, 4)) for i in range(64)]
    dataset = PromoterDataset(seqs, [i % 2 for i in range(64)])
    train_loader, test_loader = make_loaders(dataset, dataset, batch_size=16)
    train_order = torch.cat([x for x, _ in train_loader])
    test_order = torch.cat([x for x, _ in test_loader])
    assert next(iter(test_loader))[0].shape == (16, 3, 4)
    assert torch.equal(test_order, dataset.x)
    assert not torch.equal(train_order, dataset.x)
    assert torch.equal(train_order.sum(dim=0), dataset.x.sum(dim=0))  # same sequences


def test_logistic_regression_is_sigmoid_of_a_linear_function_of_the_flattened_one_hot():
    torch.manual_seed(0)
    model = LogisticRegression(seq_len=5)
    assert sorted(model.state_dict()) == ["linear.bias", "linear.weight"]
    assert model.linear.weight.shape == (1, 20)
    x = encode_batch(["ACGTN", "TTTTT", "GATCA"])
    w, b = model.linear.weight[0], model.linear.bias
    expected = torch.sigmoid(x.reshape(3, 20) @ w + b)
    torch.testing.assert_close(model(x), expected)
    assert model(x).shape == (3,)


def tiny_problem():
    """Sequences with an A at position 0 are positives: a logistic regression learns it fast."""
    seqs = ["".join("ACGT"[(i * 7 + k * 3) % 4] for k in range(6)) for i in range(40)]
    return PromoterDataset(seqs, [seq[0] == "A" for seq in seqs])


def test_train_epoch_returns_the_mean_loss_per_sequence():
    dataset = tiny_problem()
    loader, _ = make_loaders(dataset, dataset, batch_size=16)  # batches of 16, 16 and 8
    torch.manual_seed(0)
    model = LogisticRegression(6)
    frozen = torch.optim.SGD(model.parameters(), lr=0.0)
    mean_loss = train_epoch(model, loader, frozen, nn.BCELoss())
    assert isinstance(mean_loss, float)
    assert mean_loss == pytest.approx(nn.BCELoss()(model(dataset.x), dataset.y).item(), rel=1e-5)


def test_training_lowers_the_loss_and_reaches_full_accuracy_on_a_tiny_problem():
    dataset = tiny_problem()
    train_loader, test_loader = make_loaders(dataset, dataset, batch_size=8)
    torch.manual_seed(0)
    model = LogisticRegression(6)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    losses = [train_epoch(model, train_loader, optimizer, nn.BCELoss()) for _ in range(30)]
    assert model.training
    assert losses[-1] < losses[0] / 5
    assert accuracy(model, test_loader) == 1.0
    assert not model.training


class FixedOutputs(nn.Module):
    """Returns the probabilities it was given, one per sequence in order."""

    def __init__(self, probabilities):
        super().__init__()
        self.probabilities = torch.tensor(probabilities)

    def forward(self, x):
        assert not torch.is_grad_enabled()
        return self.probabilities[:len(x)]


def test_accuracy_thresholds_at_one_half_under_no_grad():
    dataset = PromoterDataset(["A", "C", "G", "T"], [1, 0, 0, 1])
    _, loader = make_loaders(dataset, dataset, batch_size=4)
    assert accuracy(FixedOutputs([0.9, 0.2, 0.7, 0.5]), loader) == 0.5  # 0.5 predicts 0
