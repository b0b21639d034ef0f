"""Typical mistakes in assignment 03 (a multilayer perceptron)."""
from . import Mistake

# What several mistakes change in the reference cells (the notebook's solution cells).
RAW_BIASES = (  # collapse_linear_stack reading layer.bias, None for a layer built with bias=False
    ("    weight = layers[0].weight\n    bias = layers[0].bias if layers[0].bias is not None "
     "else torch.zeros(layers[0].out_features)\n", "    weight, bias = layers[0].weight, "
     "layers[0].bias\n"),
    ("        layer_bias = layer.bias if layer.bias is not None else "
     "torch.zeros(layer.out_features)\n", ""),
    ("layer.weight @ bias + layer_bias", "layer.weight @ bias + layer.bias"))
FORWARD = "return self.layers(x.flatten(start_dim=1)).squeeze(1)"  # MLP.forward
TRAIN_LINE = ('        history["train_loss"].append(train_epoch(model, train_loader, optimizer, '
              'loss_fn))\n')
ACCURACY_LINE = '        history["val_accuracy"].append(accuracy(model, val_loader))\n'

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
    Mistake("relu", "the sign flipped inside", """
def relu(x):
    return torch.where(-x > 0, -x, torch.zeros_like(x))
""", "max(0, -x)"),

    Mistake.edit("collapse_linear_stack", "multiplied the weights in the wrong order",
                 "later layer's weight goes on the left", *RAW_BIASES,
                 ("weight, bias = layer.weight @ weight,",
                  "weight, bias = weight @ layer.weight,")),
    Mistake.edit("collapse_linear_stack", "added up the biases", "not b1 + b2", *RAW_BIASES,
                 ("layer.weight @ bias + layer.bias", "bias + layer.bias")),
    Mistake.edit("collapse_linear_stack", "layers built with bias=False crash", "bias=False",
                 *RAW_BIASES),
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

    Mistake.edit("MLP", "a ReLU after the output layer", "ReLU after the output layer",
                 ("nn.Linear(width, 1), nn.Sigmoid())",
                  "nn.Linear(width, 1), nn.ReLU(), nn.Sigmoid())")),
    Mistake.edit("MLP", "no nonlinearity between the hidden layers", "Missing nonlinearity",
                 ("layers += [nn.Linear(width, hidden), nn.ReLU()]",
                  "layers.append(nn.Linear(width, hidden))")),
    Mistake.edit("MLP", "the sigmoid twice", "sigmoid twice",
                 (FORWARD, "return torch.sigmoid(self.layers(x.flatten(start_dim=1))).squeeze(1)")),
    Mistake.edit("MLP", "layers kept in a plain Python list", "plain Python list",
                 ("layers, width = [], in_features", "self.layers, width = [], in_features"),
                 ("            layers += [", "            self.layers += ["),
                 ("self.layers = nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())",
                  "self.layers += [nn.Linear(width, 1), nn.Sigmoid()]"),
                 (FORWARD, "x = x.flatten(start_dim=1)\n        for layer in self.layers:\n"
                           "            x = layer(x)\n        return x.squeeze(1)")),
    Mistake.edit("MLP", "an output layer with two units", "one probability per sequence",
                 ("nn.Linear(width, 1), nn.Sigmoid())", "nn.Linear(width, 2), nn.Sigmoid())"),
                 (FORWARD, "return self.layers(x.flatten(start_dim=1))[:, 1]")),
    Mistake.edit("MLP", "output of shape (N, 1)", "Squeeze",
                 (FORWARD, "return self.layers(x.flatten(start_dim=1))")),
    Mistake.edit("MLP", "squeeze() drops the batch dimension of a single sequence",
                 "also removes the batch dimension",
                 (FORWARD, "return self.layers(x.flatten(start_dim=1)).squeeze()")),
    Mistake.edit("MLP", "flattened the batch dimension too", "keep the batch dimension",
                 (FORWARD, "return self.layers(x.flatten()).squeeze(-1)")),

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
    Mistake("count_parameters", "went over the layers, counting a shared layer twice", """
def count_parameters(model):
    return sum(parameter.numel() for layer in model
               for parameter in layer.parameters() if parameter.requires_grad)
""", "counted twice"),

    Mistake.edit("train_with_validation", "validation with gradient tracking on",
                 "torch.no_grad()",
                 ("        with torch.no_grad():  # only measuring: no gradients, no updates\n",
                  ""),
                 ("            for x, y in val_loader:\n"
                  "                total_loss += loss_fn(model(x), y).item() * len(y)\n"
                  "                n_seen += len(y)\n",
                  "        for x, y in val_loader:\n"
                  "            total_loss += loss_fn(model(x), y).item() * len(y)\n"
                  "            n_seen += len(y)\n")),
    Mistake.edit("train_with_validation", "measured on the training loader",
                 "measured on the training loader",
                 ("for x, y in val_loader:", "for x, y in train_loader:"),
                 ("accuracy(model, val_loader)", "accuracy(model, train_loader)")),
    Mistake.edit("train_with_validation", "measured before training each epoch",
                 "measured before training", (TRAIN_LINE, ""),
                 (ACCURACY_LINE, ACCURACY_LINE + TRAIN_LINE)),
    Mistake.edit("train_with_validation", "forgot model.eval()", "model.eval()",
                 ("        model.eval()\n", "")),
    Mistake.edit("train_with_validation", "added up the batch losses",
                 "the sum of the batch means",
                 ("loss_fn(model(x), y).item() * len(y)", "loss_fn(model(x), y).item()"),
                 ("append(total_loss / n_seen)", "append(total_loss)")),
    Mistake.edit("train_with_validation", "stored loss tensors", "loss.item()",
                 ("total_loss += loss_fn(model(x), y).item() * len(y)",
                  "total_loss = total_loss + loss_fn(model(x), y) * len(y)")),

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
    Mistake.edit("train_with_validation", "train_epoch called twice per epoch",
                 "a second call trains the model",
                 (TRAIN_LINE, "        train_epoch(model, train_loader, optimizer, loss_fn)\n"
                              + TRAIN_LINE)),
    Mistake.edit("train_with_validation", "the validation loss of the last batch only",
                 "the last batch alone",
                 ("total_loss += loss_fn(model(x), y).item() * len(y)",
                  "total_loss = loss_fn(model(x), y).item() * len(y)"),
                 ("                n_seen += len(y)\n", "                n_seen = len(y)\n")),
    Mistake("collapse_linear_stack", "returned (b, W)", """
def collapse_linear_stack(layers):
    weight = layers[0].weight
    bias = layers[0].bias if layers[0].bias is not None else torch.zeros(layers[0].out_features)
    for layer in layers[1:]:
        layer_bias = layer.bias if layer.bias is not None else torch.zeros(layer.out_features)
        weight, bias = layer.weight @ weight, layer.weight @ bias + layer_bias
    return bias.detach(), weight.detach()
""", "W and b swapped"),
]
