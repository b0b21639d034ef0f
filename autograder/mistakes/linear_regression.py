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
    Mistake.edit("train_linear_regression", "one loss too many", "once per epoch",
                 ("    losses = []\n", "    losses = [mse(predict(x, w, b), y).item()]\n")),
    Mistake.edit("train_linear_regression", "random initial weights", "Start from w = b = 0",
                 ("w = torch.zeros(", "w = torch.randn("), ("b = torch.zeros(", "b = torch.randn(")),
    Mistake("train_linear_regression", "fake loss curve", """
def train_linear_regression(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    return w, b, [1.0 / (epoch + 1) for epoch in range(epochs)]
""", "gradient_descent_step per epoch"),
    Mistake.edit("train_with_optimizer", "output (N, 1) against targets (N,)", "broadcasts",
                 ("loss_fn(model(x).squeeze(-1), y)", "loss_fn(model(x), y)")),
    Mistake.edit("train_with_optimizer", "forgot optimizer.zero_grad()", "zero_grad",
                 ("        optimizer.zero_grad()\n", "")),
    Mistake.edit("train_with_optimizer", "trained a new model instead of the given one",
                 "model you were given",
                 ("    optimizer = torch.optim.SGD",
                  "    model = nn.Linear(x.shape[1], 1)\n    optimizer = torch.optim.SGD")),
]
