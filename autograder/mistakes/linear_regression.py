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
    Mistake("gradient_descent_step", "forgot to zero the gradients", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    return loss.item()
""", "forgot to zero the gradients"),
    Mistake("gradient_descent_step", "updated outside torch.no_grad()", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss.backward()
    w -= lr * w.grad
    b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    return loss.item()
""", "torch.no_grad()"),
    Mistake("gradient_descent_step", "moved along the gradient", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss.backward()
    with torch.no_grad():
        w += lr * w.grad
        b += lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    return loss.item()
""", "moved along the gradient"),
    Mistake("gradient_descent_step", "forgot the learning rate", """
def gradient_descent_step(w, b, x, y, lr):
    loss = mse(predict(x, w, b), y)
    loss.backward()
    with torch.no_grad():
        w -= w.grad
        b -= b.grad
    w.grad.zero_()
    b.grad.zero_()
    return loss.item()
""", "learning rate"),
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
    Mistake("train_linear_regression", "one loss too many", """
def train_linear_regression(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = [mse(predict(x, w, b), y).item()]
    for _ in range(epochs):
        losses.append(gradient_descent_step(w, b, x, y, lr))
    return w, b, losses
""", "once per epoch"),
    Mistake("train_linear_regression", "random initial weights", """
def train_linear_regression(x, y, lr, epochs):
    w = torch.randn((), requires_grad=True)
    b = torch.randn((), requires_grad=True)
    losses = [gradient_descent_step(w, b, x, y, lr) for _ in range(epochs)]
    return w, b, losses
""", "Start from w = b = 0"),
    Mistake("train_linear_regression", "fake loss curve", """
def train_linear_regression(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    return w, b, [1.0 / (epoch + 1) for epoch in range(epochs)]
""", "gradient_descent_step per epoch"),
    Mistake("train_with_optimizer", "output (N, 1) against targets (N,)", """
def train_with_optimizer(model, x, y, lr, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
""", "broadcasts"),
    Mistake("train_with_optimizer", "forgot optimizer.zero_grad()", """
def train_with_optimizer(model, x, y, lr, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        loss = loss_fn(model(x).squeeze(-1), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
""", "zero_grad"),
    Mistake("train_with_optimizer", "trained a new model instead of the given one", """
def train_with_optimizer(model, x, y, lr, epochs):
    model = nn.Linear(x.shape[1], 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x).squeeze(-1), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
""", "model you were given"),
]
