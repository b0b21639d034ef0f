"""Assignment 01: linear regression by gradient descent (body weight from height).

The model is Y = wX + b, the loss is the mean squared error, and training repeats one
gradient-descent step per epoch on all the data (full batch).
"""
import torch
from torch import nn


def predict(x, w, b):
    """The line w * x + b.

    x: (N,) float32 inputs (e.g. heights); w, b: 0-d or (1,) float tensors, or Python floats.
    Returns (N,) float32 predictions (e.g. body weights), still connected to the autograd graph.
    """
    return w * x + b


def mse(y_pred, y_true):
    """Mean squared error: the average of (y_pred - y_true) ** 2.

    y_pred, y_true: (N,) float32. Returns a 0-d float32 tensor that keeps the autograd graph,
    so ``mse(...).backward()`` reaches the parameters behind y_pred.
    """
    return ((y_pred - y_true) ** 2).mean()


def gradient_descent_step(w, b, x, y, lr):
    """One step of gradient descent on the MSE of the line w * x + b.

    w, b: 0-d float32 tensors with requires_grad=True, updated in place;
    x, y: (N,) float32; lr: the learning rate (a float).
    Returns the loss before the update, as a Python float.
    """
    loss = mse(predict(x, w, b), y)
    loss.backward()
    with torch.no_grad():  # the update itself is not part of the model
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()  # backward() adds to .grad: start the next step from zero
    b.grad.zero_()
    return loss.item()


def normalize(x):
    """Standardize x to mean 0 and standard deviation 1.

    x: (N,) float32. Returns (x_normalized, mean, std): x_normalized (N,) float32 and the 0-d
    mean and std of x, where std is torch's default ``x.std()`` (the sample standard deviation,
    dividing by N - 1). Keep mean and std to normalize new inputs the same way.
    """
    mean, std = x.mean(), x.std()
    return (x - mean) / std, mean, std


def train_linear_regression(x, y, lr, epochs):
    """Fit the line w * x + b by gradient descent, starting from w = b = 0.

    x, y: (N,) float32; lr: learning rate; epochs: number of full passes over the data.
    Returns (w, b, losses): w and b 0-d float32 tensors, losses a list of `epochs` floats
    (the loss of each epoch, before its update).
    """
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for epoch in range(epochs):
        losses.append(gradient_descent_step(w, b, x, y, lr))
    return w, b, losses


def train_with_optimizer(model, x, y, lr, epochs):
    """Train ``model`` (an nn.Linear(n_features, 1)) with SGD on the MSE, full batch.

    x: (N, n_features) float32; y: (N,) float32 targets, compared with model(x).squeeze(-1)
    (the model's output is (N, 1)). The model is trained in place.
    Returns the list of per-epoch losses (floats, each before that epoch's update).
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x).squeeze(-1), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
