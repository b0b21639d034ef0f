"""Correct alternatives for assignment 03 (a multilayer perceptron for promoters)."""
from . import Variant

VARIANTS = [
    # -- relu ----------------------------------------------------------------------------------
    Variant("relu", "multiplied by the mask x > 0", """
def relu(x):
    return x * (x > 0)
"""),
    Variant("relu", "clamp at 0", """
def relu(x):
    return torch.clamp(x, min=0)
"""),
    Variant("relu", "torch.where with a scalar zero", """
def relu(x):
    return torch.where(x > 0, x, 0.0)
"""),
    # -- collapse_linear_stack -----------------------------------------------------------------
    Variant("collapse_linear_stack", "probe the stack with zeros and the identity", """
def collapse_linear_stack(layers):
    def stack(x):
        for layer in layers:
            x = layer(x)
        return x

    with torch.no_grad():
        b = stack(torch.zeros(1, layers[0].in_features))[0]
        W = (stack(torch.eye(layers[0].in_features)) - b).T
    return W, b
"""),
    Variant("collapse_linear_stack", "start from the identity map", """
def collapse_linear_stack(layers):
    W = torch.eye(layers[0].in_features)
    b = torch.zeros(layers[0].in_features)
    for layer in layers:
        layer_bias = 0.0 if layer.bias is None else layer.bias
        W, b = layer.weight @ W, layer.weight @ b + layer_bias
    return W.detach(), b.detach()
"""),
    # -- MLP -----------------------------------------------------------------------------------
    Variant("MLP", "nn.ModuleList with F.relu and torch.sigmoid in forward", """
import torch.nn.functional as F

class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        widths = [in_features] + list(hidden_sizes)
        self.hidden = nn.ModuleList(nn.Linear(n_in, n_out)
                                    for n_in, n_out in zip(widths, widths[1:]))
        self.output = nn.Linear(widths[-1], 1)

    def forward(self, x):
        x = x.flatten(start_dim=1)
        for layer in self.hidden:
            x = F.relu(layer(x))
        return torch.sigmoid(self.output(x)).squeeze(1)
"""),
    Variant("MLP", "nn.Flatten inside a named nn.Sequential", """
from collections import OrderedDict

class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers = [("flatten", nn.Flatten())]
        width = in_features
        for number, hidden in enumerate(hidden_sizes):
            layers += [(f"dense{number}", nn.Linear(width, hidden)), (f"relu{number}", nn.ReLU())]
            width = hidden
        layers += [("output", nn.Linear(width, 1)), ("sigmoid", nn.Sigmoid())]
        self.network = nn.Sequential(OrderedDict(layers))

    def forward(self, x):
        return self.network(x)[:, 0]
"""),
    # -- count_parameters ----------------------------------------------------------------------
    Variant("MLP", "the output layer made before the hidden layers", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        widths = [in_features, *hidden_sizes]
        self.output = nn.Sequential(nn.Linear(widths[-1], 1), nn.Sigmoid())
        self.hidden = nn.ModuleList(nn.Linear(n_in, n_out)
                                    for n_in, n_out in zip(widths, widths[1:]))

    def forward(self, x):
        h = x.flatten(start_dim=1)
        for layer in self.hidden:
            h = torch.relu(layer(h))
        return self.output(h).squeeze(1)
"""),
    Variant("count_parameters", "a loop adding numel", """
def count_parameters(model):
    total = 0
    for parameter in model.parameters():
        if parameter.requires_grad:
            total += parameter.numel()
    return total
"""),
    Variant("count_parameters", "math.prod of the shapes", """
import math

def count_parameters(model):
    return sum(math.prod(p.shape) for p in filter(lambda p: p.requires_grad, model.parameters()))
"""),
    # -- train_with_validation -----------------------------------------------------------------
    Variant("train_with_validation", "divides the validation loss by len(val_loader.dataset)", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        total = 0.0
        with torch.no_grad():
            for x, y in val_loader:
                total += loss_fn(model(x), y).item() * len(y)
        history["val_loss"].append(total / len(val_loader.dataset))
        history["val_accuracy"].append(accuracy(model, val_loader))
    return history
"""),
    Variant("train_with_validation", "the validation loss over all batches concatenated", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    train_losses, val_losses, val_accuracies = [], [], []
    for _ in range(epochs):
        train_losses.append(train_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        with torch.no_grad():
            probabilities = torch.cat([model(x) for x, _ in val_loader])
            labels = torch.cat([y for _, y in val_loader])
            val_losses.append(loss_fn(probabilities, labels).item())
        val_accuracies.append(accuracy(model, val_loader))
    return {"train_loss": train_losses, "val_loss": val_losses, "val_accuracy": val_accuracies}
"""),
    # -- best_epoch ----------------------------------------------------------------------------
    Variant("best_epoch", "min over the indices", """
def best_epoch(history):
    losses = history["val_loss"]
    return min(range(len(losses)), key=losses.__getitem__)
"""),
    Variant("best_epoch", "torch.argmin in float64", """
def best_epoch(history):
    return int(torch.tensor(history["val_loss"], dtype=torch.float64).argmin())
"""),
    Variant("best_epoch", "a loop keeping the first strict minimum", """
def best_epoch(history):
    best = 0
    for epoch, loss in enumerate(history["val_loss"]):
        if loss < history["val_loss"][best]:
            best = epoch
    return best
"""),
    Variant("best_epoch", "a stable sort keeps the first of equal losses", """
def best_epoch(history):
    return sorted(enumerate(history["val_loss"]), key=lambda pair: pair[1])[0][0]
"""),
]
