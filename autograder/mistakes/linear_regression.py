"""Typical mistakes in assignment 01 (linear regression by gradient descent)."""
from . import Mistake

MISTAKES = [
    Mistake("predict", "swapped the slope and the bias", """
def predict(x, w, b):
    return b * x + w
""", "swapped w and b"),
    Mistake("predict", "forgot the bias", """
def predict(x, w, b):
    return w * x
""", "forgot to add the bias"),
    Mistake("predict", "detached the result from the graph", """
def predict(x, w, b):
    return torch.as_tensor((w * x + b).detach().numpy())
""", "Do not detach"),
    Mistake("predict", "scaled x in place", """
def predict(x, w, b):
    x *= w
    return x + b
""", "in place"),
    Mistake.edit("predict", "subtracted the bias", "the sign of b is flipped",
                 ("return w * x + b", "return w * x - b")),
    Mistake("mse", "summed instead of averaged", """
def mse(y_pred, y_true):
    return ((y_pred - y_true) ** 2).sum()
""", "mean, not sum"),
    Mistake("mse", "mean absolute error", """
def mse(y_pred, y_true):
    return (y_pred - y_true).abs().mean()
""", "mean absolute error"),
    Mistake("mse", "root mean squared error", """
def mse(y_pred, y_true):
    return ((y_pred - y_true) ** 2).mean().sqrt()
""", "root mean squared error"),
    Mistake("mse", "returned a Python float", """
def mse(y_pred, y_true):
    return ((y_pred - y_true) ** 2).mean().item()
""", "not loss.item()"),
    Mistake.edit("mse", "halved the loss", "Do not halve it", (".mean()", ".mean() / 2")),
    Mistake.edit("gradient_descent_step", "forgot to zero the gradients",
                 "forgot to zero the gradients",
                 ("    w.grad.zero_()  # backward() adds to .grad: start the next step from zero\n"
                  "    b.grad.zero_()\n", "")),
    Mistake.edit("gradient_descent_step", "updated outside torch.no_grad()", "torch.no_grad()",
                 ("    with torch.no_grad():  # the update itself is not part of the model\n", ""),
                 ("        w -= lr * w.grad\n        b -= lr * b.grad\n",
                  "    w -= lr * w.grad\n    b -= lr * b.grad\n")),
    Mistake.edit("gradient_descent_step", "moved along the gradient", "moved along the gradient",
                 ("w -= lr * w.grad", "w += lr * w.grad"),
                 ("b -= lr * b.grad", "b += lr * b.grad")),
    Mistake.edit("gradient_descent_step", "forgot the learning rate", "learning rate",
                 ("w -= lr * w.grad", "w -= w.grad"), ("b -= lr * b.grad", "b -= b.grad")),
    Mistake.edit("gradient_descent_step", "updated w only", "b not updated",
                 ("        b -= lr * b.grad\n", "")),
    Mistake.edit("gradient_descent_step", "the wrong sign on b's update",
                 "the update of b has the wrong sign", ("b -= lr * b.grad", "b += lr * b.grad")),
    Mistake.edit("gradient_descent_step", "zeroed the gradients before the update",
                 "gradients zeroed before the update",
                 ("    w.grad.zero_()  # backward() adds to .grad: start the next step from zero\n"
                  "    b.grad.zero_()\n", ""),
                 ("    with torch.no_grad():", "    w.grad.zero_()\n    b.grad.zero_()\n"
                                              "    with torch.no_grad():")),
    Mistake.edit("gradient_descent_step", "zeroed only w's gradient", "gradient of b not zeroed",
                 ("    b.grad.zero_()\n", "")),
    Mistake("normalize", "min-max scaling", """
def normalize(x):
    mean, std = x.mean(), x.std()
    return (x - x.min()) / (x.max() - x.min()), mean, std
""", "min-max scaling"),
    Mistake("normalize", "only centered", """
def normalize(x):
    mean, std = x.mean(), x.std()
    return x - mean, mean, std
""", "forgot to divide by the std"),
    Mistake("normalize", "divided by the variance", """
def normalize(x):
    mean, std = x.mean(), x.std()
    return (x - mean) / x.var(), mean, std
""", "variance"),
    Mistake("normalize", "returned the statistics of the normalized data", """
def normalize(x):
    x_normalized = (x - x.mean()) / x.std()
    return x_normalized, x_normalized.mean(), x_normalized.std()
""", "statistics of the normalized x"),
    Mistake.edit("normalize", "left out the parentheses", "(x - mean) / std",
                 ("(x - mean) / std", "x - mean / std")),
    Mistake.edit("normalize", "returned std before mean", "in this order",
                 ("return (x - mean) / std, mean, std", "return (x - mean) / std, std, mean")),
    Mistake.edit("train_linear_regression", "one loss too many", "once per epoch",
                 ("    losses = []\n", "    losses = [mse(predict(x, w, b), y).item()]\n")),
    Mistake.edit("train_linear_regression", "random initial weights", "Start from w = b = 0",
                 ("w = torch.zeros(", "w = torch.randn("),
                 ("b = torch.zeros(", "b = torch.randn(")),
    Mistake("train_linear_regression", "fake loss curve", """
def train_linear_regression(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    return w, b, [1.0 / (epoch + 1) for epoch in range(epochs)]
""", "gradient_descent_step per epoch"),
    Mistake.edit("train_linear_regression", "epochs counted from 1", "range(1, epochs)",
                 ("range(epochs)", "range(1, epochs)")),
    Mistake.edit("train_linear_regression", "created w and b inside the loop", "created anew",
                 ("    w = torch.zeros((), requires_grad=True)\n"
                  "    b = torch.zeros((), requires_grad=True)\n    losses = []\n"
                  "    for epoch in range(epochs):\n",
                  "    losses = []\n    for epoch in range(epochs):\n"
                  "        w = torch.zeros((), requires_grad=True)\n"
                  "        b = torch.zeros((), requires_grad=True)\n")),
    Mistake.edit("train_linear_regression", "recorded the loss after each update",
                 "the loss before the epoch's update",
                 ("        losses.append(gradient_descent_step(w, b, x, y, lr))",
                  "        gradient_descent_step(w, b, x, y, lr)\n"
                  "        losses.append(mse(predict(x, w, b), y).item())")),
    Mistake.edit("train_with_optimizer", "output (N, 1) against targets (N,)", "broadcasts",
                 ("loss_fn(model(x).squeeze(-1), y)", "loss_fn(model(x), y)")),
    Mistake.edit("train_with_optimizer", "forgot optimizer.zero_grad()", "zero_grad",
                 ("        optimizer.zero_grad()\n", "")),
    Mistake.edit("train_with_optimizer", "trained a new model instead of the given one",
                 "model you were given",
                 ("    optimizer = torch.optim.SGD",
                  "    model = nn.Linear(x.shape[1], 1)\n    optimizer = torch.optim.SGD")),
    Mistake.edit("train_with_optimizer", "optimizer.step() before loss.backward()",
                 "optimizer.step() after loss.backward()",
                 ("        loss.backward()\n        optimizer.step()\n",
                  "        optimizer.step()\n        loss.backward()\n")),
    Mistake.edit("train_with_optimizer", "zero_grad() between backward() and step()",
                 "no zero_grad() between the two",
                 ("        optimizer.zero_grad()\n", ""),
                 ("        optimizer.step()\n", "        optimizer.zero_grad()\n"
                                                "        optimizer.step()\n")),
    Mistake.edit("train_with_optimizer", "an optimizer over the weight only", "bias did not change",
                 ("SGD(model.parameters(), lr=lr)", "SGD([model.weight], lr=lr)")),
    Mistake.edit("train_with_optimizer", "a summed loss", "summed loss",
                 ("nn.MSELoss()", 'nn.MSELoss(reduction="sum")')),
]
