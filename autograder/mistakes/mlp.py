"""Typical mistakes in assignment 03 (a multilayer perceptron)."""
from . import Mistake

MISTAKES = [
    Mistake("relu", "set the negative entries of x to 0 in place", """
def relu(x):
    x[x < 0] = 0
    return x
""", "in place"),
    Mistake("relu", "min instead of max", """
def relu(x):
    return torch.minimum(x, torch.zeros_like(x))
""", "not min(0, x)"),
    Mistake("relu", "returned the step function", """
def relu(x):
    return (x > 0).float()
""", "step function"),
    Mistake("relu", "absolute value", """
def relu(x):
    return x.abs()
""", "absolute value"),
    Mistake("relu", "a Python loop that flattens the tensor", """
def relu(x):
    return torch.tensor([max(0.0, value) for value in x.flatten().tolist()])
""", "elementwise"),

    Mistake("collapse_linear_stack", "multiplied the weights in the wrong order", """
def collapse_linear_stack(layers):
    weight, bias = layers[0].weight, layers[0].bias
    for layer in layers[1:]:
        weight = weight @ layer.weight
        bias = layer.weight @ bias + layer.bias
    return weight.detach(), bias.detach()
""", "later layer's weight goes on the left"),
    Mistake("collapse_linear_stack", "added up the biases", """
def collapse_linear_stack(layers):
    weight, bias = layers[0].weight, layers[0].bias
    for layer in layers[1:]:
        weight = layer.weight @ weight
        bias = bias + layer.bias
    return weight.detach(), bias.detach()
""", "not b1 + b2"),
    Mistake("collapse_linear_stack", "layers built with bias=False crash", """
def collapse_linear_stack(layers):
    weight, bias = layers[0].weight, layers[0].bias
    for layer in layers[1:]:
        weight, bias = layer.weight @ weight, layer.weight @ bias + layer.bias
    return weight.detach(), bias.detach()
""", "bias=False"),
    Mistake("collapse_linear_stack", "only the first two layers", """
def collapse_linear_stack(layers):
    first, second = layers[0], layers[-1] if len(layers) < 3 else layers[1]
    if len(layers) == 1:
        return first.weight.detach(), first.bias.detach()
    weight = second.weight @ first.weight
    bias = second.weight @ first.bias + second.bias
    return weight.detach(), bias.detach()
""", "every layer"),
    Mistake("collapse_linear_stack", "returned W transposed", """
def collapse_linear_stack(layers):
    weight = layers[0].weight.T
    bias = layers[0].bias if layers[0].bias is not None else torch.zeros(layers[0].out_features)
    for layer in layers[1:]:
        layer_bias = layer.bias if layer.bias is not None else torch.zeros(layer.out_features)
        weight, bias = weight @ layer.weight.T, layer.weight @ bias + layer_bias
    return weight.detach(), bias.detach()
""", "not transposed"),

    Mistake("MLP", "a ReLU after the output layer", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.ReLU(), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x.flatten(start_dim=1)).squeeze(1)
""", "ReLU after the output layer"),
    Mistake("MLP", "no nonlinearity between the hidden layers", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers.append(nn.Linear(width, hidden))
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x.flatten(start_dim=1)).squeeze(1)
""", "Missing nonlinearity"),
    Mistake("MLP", "the sigmoid twice", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())

    def forward(self, x):
        return torch.sigmoid(self.layers(x.flatten(start_dim=1))).squeeze(1)
""", "sigmoid twice"),
    Mistake("MLP", "layers kept in a plain Python list", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        self.layers, width = [], in_features
        for hidden in hidden_sizes:
            self.layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers += [nn.Linear(width, 1), nn.Sigmoid()]

    def forward(self, x):
        x = x.flatten(start_dim=1)
        for layer in self.layers:
            x = layer(x)
        return x.squeeze(1)
""", "plain Python list"),
    Mistake("MLP", "an output layer with two units", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 2), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x.flatten(start_dim=1))[:, 1]
""", "one probability per sequence"),
    Mistake("MLP", "output of shape (N, 1)", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x.flatten(start_dim=1))
""", "Squeeze"),
    Mistake("MLP", "squeeze() drops the batch dimension of a single sequence", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x.flatten(start_dim=1)).squeeze()
""", "also removes the batch dimension"),
    Mistake("MLP", "flattened the batch dimension too", """
class MLP(nn.Module):
    def __init__(self, in_features, hidden_sizes):
        super().__init__()
        layers, width = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x.flatten()).squeeze(-1)
""", "keep the batch dimension"),

    Mistake("count_parameters", "counted the frozen parameters too", """
def count_parameters(model):
    return sum(parameter.numel() for parameter in model.parameters())
""", "requires_grad False"),
    Mistake("count_parameters", "counted the parameter tensors", """
def count_parameters(model):
    return len([parameter for parameter in model.parameters() if parameter.requires_grad])
""", "parameter tensors, not the numbers"),
    Mistake("count_parameters", "counted only the weights", """
def count_parameters(model):
    return sum(parameter.numel() for name, parameter in model.named_parameters()
               if "weight" in name and parameter.requires_grad)
""", "Biases are parameters too"),
    Mistake("count_parameters", "returned a tensor", """
def count_parameters(model):
    return torch.stack([torch.tensor(parameter.numel()) for parameter in model.parameters()
                        if parameter.requires_grad]).sum()
""", "not a tensor"),

    Mistake("train_with_validation", "validation with gradient tracking on", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        total_loss, n_seen = 0.0, 0
        for x, y in val_loader:
            total_loss += loss_fn(model(x), y).item() * len(y)
            n_seen += len(y)
        history["val_loss"].append(total_loss / n_seen)
        history["val_accuracy"].append(accuracy(model, val_loader))
    return history
""", "torch.no_grad()"),
    Mistake("train_with_validation", "measured on the training loader", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        total_loss, n_seen = 0.0, 0
        with torch.no_grad():
            for x, y in train_loader:
                total_loss += loss_fn(model(x), y).item() * len(y)
                n_seen += len(y)
        history["val_loss"].append(total_loss / n_seen)
        history["val_accuracy"].append(accuracy(model, train_loader))
    return history
""", "measured on the training loader"),
    Mistake("train_with_validation", "measured before training each epoch", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        model.eval()
        total_loss, n_seen = 0.0, 0
        with torch.no_grad():
            for x, y in val_loader:
                total_loss += loss_fn(model(x), y).item() * len(y)
                n_seen += len(y)
        history["val_loss"].append(total_loss / n_seen)
        history["val_accuracy"].append(accuracy(model, val_loader))
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
    return history
""", "measured before training"),
    Mistake("train_with_validation", "forgot model.eval()", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        total_loss, n_seen = 0.0, 0
        with torch.no_grad():
            for x, y in val_loader:
                total_loss += loss_fn(model(x), y).item() * len(y)
                n_seen += len(y)
        history["val_loss"].append(total_loss / n_seen)
        history["val_accuracy"].append(accuracy(model, val_loader))
    return history
""", "model.eval()"),
    Mistake("train_with_validation", "added up the batch losses", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        val_loss = 0.0
        with torch.no_grad():
            for x, y in val_loader:
                val_loss += loss_fn(model(x), y).item()
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(accuracy(model, val_loader))
    return history
""", "added up the batch losses"),
    Mistake("train_with_validation", "stored loss tensors", """
def train_with_validation(model, train_loader, val_loader, optimizer, loss_fn, epochs):
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        total_loss, n_seen = 0.0, 0
        with torch.no_grad():
            for x, y in val_loader:
                total_loss = total_loss + loss_fn(model(x), y) * len(y)
                n_seen += len(y)
        history["val_loss"].append(total_loss / n_seen)
        history["val_accuracy"].append(accuracy(model, val_loader))
    return history
""", "loss.item()"),

    Mistake("best_epoch", "counted epochs from 1", """
def best_epoch(history):
    val_loss = history["val_loss"]
    return val_loss.index(min(val_loss)) + 1
""", "Count epochs from 0"),
    Mistake("best_epoch", "the highest validation accuracy", """
def best_epoch(history):
    val_accuracy = history["val_accuracy"]
    return val_accuracy.index(max(val_accuracy))
""", "not the highest validation accuracy"),
    Mistake("best_epoch", "the lowest training loss", """
def best_epoch(history):
    train_loss = history["train_loss"]
    return train_loss.index(min(train_loss))
""", "Use the validation loss"),
    Mistake("best_epoch", "the last of tied epochs", """
def best_epoch(history):
    best = 0
    for epoch, loss in enumerate(history["val_loss"]):
        if loss <= history["val_loss"][best]:
            best = epoch
    return best
""", "return the first"),
    Mistake("best_epoch", "returned a tensor", """
def best_epoch(history):
    return torch.tensor(history["val_loss"]).argmin()
""", "Return a Python int"),
]
