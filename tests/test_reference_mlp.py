"""The assignment 03 reference (solutions.mlp): ReLU, why a stack of Linear layers needs it,
the MLP's layout and size, and training with a validation set."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from solutions.mlp import (MLP, best_epoch, collapse_linear_stack, count_parameters, mean_loss,
                           relu, train_with_validation)

quick = settings(deadline=None, max_examples=30)


@quick
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30))
def test_relu_agrees_with_torch_and_leaves_its_input_alone(values):
    x = torch.tensor(values)
    before = x.clone()
    torch.testing.assert_close(relu(x), torch.relu(x))
    assert torch.equal(x, before)


def test_relu_keeps_the_shape():
    assert relu(torch.randn(2, 3, 4)).shape == (2, 3, 4)


@quick
@given(st.lists(st.integers(1, 6), min_size=2, max_size=5), st.integers(0, 2**31 - 1),
       st.booleans())
def test_a_collapsed_linear_stack_computes_what_the_stack_computes(widths, seed, with_bias):
    torch.manual_seed(seed)
    layers = [nn.Linear(n_in, n_out, bias=with_bias or i == 0)
              for i, (n_in, n_out) in enumerate(zip(widths, widths[1:]))]
    weight, bias = collapse_linear_stack(layers)
    assert weight.shape == (widths[-1], widths[0]) and bias.shape == (widths[-1],)
    x = torch.randn(5, widths[0])
    torch.testing.assert_close(x @ weight.T + bias, nn.Sequential(*layers)(x).detach())


def test_mlp_layers_are_linear_relu_pairs_then_linear_and_sigmoid():
    model = MLP(in_features=20, hidden_sizes=[8, 4])
    assert [type(layer) for layer in model.layers] == [
        nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear, nn.Sigmoid]
    assert list(model.state_dict()) == ["layers.0.weight", "layers.0.bias", "layers.2.weight",
                                        "layers.2.bias", "layers.4.weight", "layers.4.bias"]
    assert [model.layers[i].weight.shape for i in (0, 2, 4)] == [(8, 20), (4, 8), (1, 4)]


def test_an_mlp_without_hidden_layers_is_a_logistic_regression():
    model = MLP(12, [])
    assert [type(layer) for layer in model.layers] == [nn.Linear, nn.Sigmoid]


def test_mlp_takes_one_hot_or_flattened_input():
    torch.manual_seed(0)
    model = MLP(5 * 4, [7])
    x = torch.rand(3, 5, 4)
    assert model(x).shape == (3,)
    torch.testing.assert_close(model(x), model(x.reshape(3, 20)))
    assert ((model(x) > 0) & (model(x) < 1)).all()


def test_count_parameters_matches_a_hand_count():
    assert count_parameters(MLP(1004, [64, 16])) == (1004 * 64 + 64) + (64 * 16 + 16) + (16 + 1)


def test_count_parameters_counts_only_trainable_ones():
    model = MLP(10, [5])
    model.layers[0].requires_grad_(False)
    assert count_parameters(model) == 5 + 1


def separable_loaders():
    """Train and validation loaders of a problem an MLP learns: the label is x[:, 0] > 0."""
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(96, 6, generator=generator)
    y = (x[:, 0] > 0).float()
    return (DataLoader(TensorDataset(x[:64], y[:64]), batch_size=16, shuffle=True,
                       generator=generator),
            DataLoader(TensorDataset(x[64:], y[64:]), batch_size=16))


def test_train_with_validation_records_one_entry_per_epoch_and_learns():
    train_loader, val_loader = separable_loaders()
    torch.manual_seed(0)
    model = MLP(6, [8])
    history = train_with_validation(model, train_loader, val_loader,
                                    torch.optim.Adam(model.parameters(), lr=0.05),
                                    nn.BCELoss(), epochs=15)
    assert sorted(history) == ["train_loss", "val_accuracy", "val_loss"]
    assert all(len(values) == 15 for values in history.values())
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert history["val_accuracy"][-1] > 0.85
    assert history["val_loss"][-1] == pytest.approx(mean_loss(model, val_loader, nn.BCELoss()))
    assert not model.training


def test_validation_does_not_train():
    train_loader, val_loader = separable_loaders()
    torch.manual_seed(0)
    model = MLP(6, [8])
    before = {name: value.clone() for name, value in model.state_dict().items()}
    mean_loss(model, val_loader, nn.BCELoss())
    assert all(torch.equal(before[name], value) for name, value in model.state_dict().items())


@pytest.mark.parametrize("val_loss, expected", [([0.9, 0.5, 0.4, 0.6], 2), ([0.3, 0.5], 0),
                                                ([0.7, 0.2, 0.2, 0.3], 1)])
def test_best_epoch_is_the_first_lowest_validation_loss(val_loss, expected):
    assert best_epoch({"train_loss": [0.0] * len(val_loss), "val_loss": val_loss,
                       "val_accuracy": [0.5] * len(val_loss)}) == expected
