"""Correct alternatives for assignment 01 (linear regression by gradient descent)."""
from . import Variant

VARIANTS = [
    # -- predict -------------------------------------------------------------------------------
    Variant("predict", "torch.mul and torch.add", """
def predict(x, w, b):
    return torch.add(torch.mul(x, w), b)
"""),
    Variant("predict", "parameters made tensors first, bias written first", """
def predict(x, w, b):
    w = torch.as_tensor(w, dtype=x.dtype)
    b = torch.as_tensor(b, dtype=x.dtype)
    return b + x * w
"""),
    Variant("predict", "the bias first", """
def predict(x, w, b):
    return b + w * x
"""),
    Variant("predict", "the slope times x named first", """
def predict(x, w, b):
    scaled = w * x
    return scaled + b
"""),
    # -- mse -----------------------------------------------------------------------------------
    Variant("mse", "sum of products divided by N", """
def mse(y_pred, y_true):
    difference = y_pred - y_true
    return (difference * difference).sum() / len(difference)
"""),
    Variant("mse", "torch.nn.functional.mse_loss", """
import torch.nn.functional as F

def mse(y_pred, y_true):
    return F.mse_loss(y_pred, y_true)
"""),
    Variant("mse", "dot product of the error with itself", """
def mse(y_pred, y_true):
    error = y_pred - y_true
    return error @ error / error.numel()
"""),
    Variant("mse", "torch.mean of the squares", """
def mse(y_pred, y_true):
    return torch.mean((y_pred - y_true) ** 2)
"""),
    Variant("mse", "pow(2)", """
def mse(y_pred, y_true):
    return (y_true - y_pred).pow(2).mean()
"""),
    # -- gradient_descent_step -----------------------------------------------------------------
    Variant("gradient_descent_step", "in-place sub_ and gradients set to None", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss.backward()
    with torch.no_grad():
        w.sub_(lr * w.grad)
        b.sub_(lr * b.grad)
    w.grad = None
    b.grad = None
    return loss.item()
"""),
    Variant("gradient_descent_step", "a loop over the two parameters", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss.backward()
    for parameter in (w, b):
        with torch.no_grad():
            parameter -= lr * parameter.grad
        parameter.grad.zero_()
    return float(loss)
"""),
    Variant("gradient_descent_step", "the loss kept as a float first, zeroed inside no_grad", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss_value = loss.item()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return loss_value
"""),
    Variant("gradient_descent_step", "one loop updates and zeroes each parameter", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss.backward()
    with torch.no_grad():
        for parameter in [w, b]:
            parameter.sub_(lr * parameter.grad)
            parameter.grad.zero_()
    return loss.item()
"""),
    # -- normalize -----------------------------------------------------------------------------
    Variant("normalize", "the sample standard deviation written out", """
def normalize(x):
    mean = x.sum() / len(x)
    std = torch.sqrt(((x - mean) ** 2).sum() / (len(x) - 1))
    return (x - mean) / std, mean, std
"""),
    Variant("normalize", "numpy round trip with ddof=1", """
import numpy as np

def normalize(x):
    values = x.numpy()
    mean, std = values.mean(), values.std(ddof=1)
    return torch.from_numpy((values - mean) / std), torch.tensor(mean), torch.tensor(std)
"""),
    Variant("normalize", "torch.std_mean", """
def normalize(x):
    std, mean = torch.std_mean(x)
    return (x - mean) / std, mean, std
"""),
    Variant("normalize", "the square root of x.var()", """
def normalize(x):
    mean, std = x.mean(), x.var().sqrt()
    return (x - mean) / std, mean, std
"""),
    Variant("normalize", "one line", """
def normalize(x):
    return (x - x.mean()) / x.std(), x.mean(), x.std()
"""),
    Variant("normalize", "torch.mean and torch.std, Greek names", """
def normalize(x):
    mu, sigma = torch.mean(x), torch.std(x)
    return (x - mu) / sigma, mu, sigma
"""),
    # -- train_linear_regression ---------------------------------------------------------------
    Variant("train_linear_regression", "a list comprehension over the epochs", """
def train_linear_regression(x, y, lr, epochs):
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    losses = [gradient_descent_step(w, b, x, y, lr) for _ in range(epochs)]
    return w, b, losses
"""),
    Variant("train_linear_regression", "the whole step written inline", """
def train_linear_regression(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for epoch in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
        losses.append(loss.item())
    return w, b, losses
"""),
    # -- train_with_optimizer ------------------------------------------------------------------
    Variant("train_with_optimizer", "the squared error by hand, first column of the output", """
def train_with_optimizer(model, x, y, lr, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = ((model(x)[:, 0] - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
"""),
    Variant("train_with_optimizer", "F.mse_loss on view(-1), set_to_none", """
import torch.nn.functional as F

def train_with_optimizer(model, x, y, lr, epochs):
    optimizer = torch.optim.SGD(params=model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x).view(-1), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    return losses
"""),
    Variant("train_with_optimizer", "zero_grad after the step, the loss by hand", """
def train_with_optimizer(model, x, y, lr, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr)
    losses = []
    for _ in range(epochs):
        loss = ((model(x).squeeze(-1) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(loss))
    return losses
"""),
    Variant("train_with_optimizer", "nn.MSELoss with the targets made a column", """
def train_with_optimizer(model, x, y, lr, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    targets = y.unsqueeze(1)  # (N, 1), like the model's output
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
"""),
]
