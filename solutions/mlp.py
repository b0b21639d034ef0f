"""Assignment 03 reference: a multilayer perceptron, and why it needs its nonlinearity.

A stack of Linear layers without activations is just one Linear layer; a ReLU between them is
what lets the network learn more than a linear model. Then: count parameters, and watch the
validation loss to pick the epoch before the model starts to overfit.
"""
import torch
from torch import nn

from solutions.promoter_classifier import accuracy, train_epoch


def relu(x):
    """max(0, x) elementwise; x: float tensor, any shape. Returns a new tensor."""
    return torch.where(x > 0, x, torch.zeros_like(x))


def collapse_linear_stack(layers):
    """The single Linear layer equivalent to ``layers`` (nn.Linear, applied in order, no
    activations between): (W, b) with W: (out, in) and b: (out,), y = x @ W.T + b.

    Two layers compose to one: W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2).
    """
    layers = list(layers)
    weight, bias = layers[0].weight, _bias(layers[0])
    for layer in layers[1:]:
        weight, bias = layer.weight @ weight, layer.weight @ bias + _bias(layer)
    return weight.detach(), bias.detach()


def _bias(layer):
    return layer.bias if layer.bias is not None else torch.zeros(layer.out_features)


class MLP(nn.Module):
    """Linear -> ReLU for each hidden size, then Linear -> 1 -> sigmoid.

    ``layers`` is an nn.Sequential, so for ``hidden_sizes=[64, 16]`` the parameters are
    ``layers.0.*`` (in->64), ``layers.2.*`` (64->16) and ``layers.4.*`` (16->1): the k-th Linear
    sits at index 2k, the ReLUs at odd indices, the Sigmoid last.
    """

    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())

    def forward(self, x):
        """x: (N, L, 4) one-hot or (N, L*4) float32 -> (N,) float32 probabilities."""
        return self.layers(x.flatten(start_dim=1)).squeeze(1)


def count_parameters(model):
    """Number of trainable parameters (int): every weight and bias an optimizer would update."""
    return sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)


def mean_loss(model, loader, loss_fn):
    """Mean loss per sequence over ``loader`` (float), in eval mode and without gradients."""
    model.eval()
    total_loss, n_seen = 0.0, 0
    with torch.no_grad():
        for x, y in loader:
            total_loss += loss_fn(model(x), y).item() * len(y)
            n_seen += len(y)
    return total_loss / n_seen


def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    """Train for ``epochs`` epochs, measuring on ``val_loader`` after each one.

    Returns {"train_loss": [...], "val_loss": [...], "val_accuracy": [...]}, one float per epoch.
    """
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        history["val_loss"].append(mean_loss(model, val_loader, loss_fn))
        history["val_accuracy"].append(accuracy(model, val_loader))
    return history


def best_epoch(history):
    """0-based index of the epoch with the lowest validation loss (the first one on ties):
    training longer than that only fits noise in the training set."""
    val_loss = history["val_loss"]
    return val_loss.index(min(val_loss))
