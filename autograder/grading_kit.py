"""What grader checks build, by data type: random DNA, torch models and data loaders made the
same on both sides of the boundary, and reference weights loaded into the student's model.

Comparisons and their feedback are in ``checks.py``; this module makes the inputs. Objects that
student code receives (a model, a loader) are built in the sandbox from torch's own classes
(``student.make``), with a twin built here, so an exercise is judged on its own and the
expected value is computed on the trusted side from the same starting point.
"""
import importlib
import math

import torch

from .checks import CheckFailed, describe
from .student import StudentError

BASES = "ACGT"

# -- DNA ------------------------------------------------------------------------------------------


def random_dna(rng, length, bases=BASES):
    """A random str of ``length`` characters drawn from ``bases``."""
    picks = torch.randint(len(bases), (length,), generator=rng).tolist()
    return "".join(bases[pick] for pick in picks)


def one_hot(sequence):
    """str of A C G T (N or any other letter: a row of zeros), upper case -> (L, 4) float32."""
    return torch.tensor([[float(base == column) for column in BASES] for base in sequence])


def random_one_hot(rng, n, length, with_n=False):
    """(n, length, 4) float32 one-hot DNA the student has not seen; ``with_n``: some positions
    are N (a row of zeros), drawn as a fifth letter."""
    tokens = torch.randint(5 if with_n else 4, (n, length), generator=rng)
    return torch.eye(5)[tokens, :4] if with_n else torch.eye(4)[tokens]


# -- models ---------------------------------------------------------------------------------------


def build(student, path, *args, **kwargs):
    """``path(*args, **kwargs)`` (e.g. "torch.nn.Linear"): in the sandbox as a Handle when
    ``student`` is given, here otherwise."""
    if student is not None:
        return student.make(path, *args, **kwargs)
    module_path, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module_path), name)(*args, **kwargs)


def sequential(student, layers):
    """nn.Sequential of ``layers``: (class name under torch.nn, args, kwargs) triples; in the
    sandbox when ``student`` is given, here otherwise."""
    return build(student, "torch.nn.Sequential",
                 *[build(student, f"torch.nn.{name}", *args, **kwargs)
                   for name, args, kwargs in layers])


def randomize(model, rng):
    """Overwrite every parameter with N(0, 1/fan_in) draws from ``rng`` (biases: fan_in 4)."""
    with torch.no_grad():
        for parameter in model.parameters():
            fan_in = parameter.shape[1] if parameter.dim() > 1 else 4
            parameter.copy_(torch.randn(parameter.shape, generator=rng) / math.sqrt(fan_in))
    return model


def restored(layers, state):
    """A local nn.Sequential of ``layers`` with the weights ``state`` (a state_dict)."""
    model = sequential(None, layers)
    model.load_state_dict(state)
    return model


def twin(student, layers, rng=None, state=None):
    """(local model, sandbox model): the same nn.Sequential of ``layers`` with the same weights,
    ``state`` (a state_dict) when given, else random draws from ``rng``."""
    local = randomize(sequential(None, layers), rng) if state is None else restored(layers, state)
    remote = sequential(student, layers)
    remote.call("load_state_dict", local.state_dict())
    return local, remote


def state_shapes(model):
    """{name: shape} of the tensors in the student's ``model.state_dict()``, in order."""
    state = model.call("state_dict")
    if not isinstance(state, dict):
        raise CheckFailed(expected="a model whose state_dict() holds tensors", got=describe(state),
                          hint="Your model must be an nn.Module (class Model(nn.Module)).")
    return {name: tuple(value.shape) for name, value in state.items()
            if isinstance(value, torch.Tensor)}


def pair_by_shape(shapes, tensors, same_size=False):
    """{student name: tensor}: each of ``tensors`` (the reference's parameters, in order) paired
    with the first entry of ``shapes`` ({name: shape}, the student's, in order) not yet used that
    has its shape (``same_size``: as many numbers, reshaped to the student's shape). So the
    student may name and order the layers freely. None when some tensor finds no place."""
    unused, pairs = dict(shapes), {}
    for tensor in tensors:
        name = next((name for name, shape in unused.items()
                     if shape == tuple(tensor.shape)
                     or same_size and math.prod(shape) == tensor.numel()), None)
        if name is None:
            return None
        pairs[name] = tensor.detach().reshape(unused.pop(name))
    return pairs


def load_state(model, state, strict=True):
    """``model.load_state_dict(state)`` in the sandbox; a refusal fails the check."""
    try:
        model.call("load_state_dict", state, strict=strict)
    except StudentError as error:
        raise CheckFailed(expected="the model accepts weights of the right shapes",
                          got=error.message, hint="Build the layers in __init__ as nn.Module "
                                                  "attributes.") from None


# -- data loaders ---------------------------------------------------------------------------------


def loader(student, x, y, batch_size):
    """An unshuffled DataLoader over (x, y): in the sandbox when ``student`` is given, here
    otherwise."""
    dataset = build(student, "torch.utils.data.TensorDataset", x, y)
    return build(student, "torch.utils.data.DataLoader", dataset, batch_size=batch_size)


def gradient_probe_loader(student, x, y, batch_size):
    """A DataLoader in the sandbox whose batches are views of a leaf tensor that requires grad.

    A model whose first layer is an in-place ReLU can only run on such a batch under
    ``torch.no_grad()``: PyTorch refuses ("a view of a leaf Variable that requires grad ...")
    while it tracks gradients, so the student's function fails exactly when it tracks them.
    Otherwise it is an ordinary loader: ``len(loader.dataset)`` is the number of sequences,
    ``len(loader)`` the number of batches, each batch ``batch_size`` sequences (the last one
    fewer) in order.
    """
    dataset = student.make("torch.utils.data.TensorDataset", x.clone().requires_grad_(), y)
    batches = [student.make("builtins.slice", start, start + batch_size)
               for start in range(0, len(x), batch_size)]
    return student.make("torch.utils.data.DataLoader", dataset, batch_size=None, sampler=batches)


# -- training -------------------------------------------------------------------------------------

TRAINING_STEPS = ("optimizer.zero_grad()", "loss.backward()", "optimizer.step()")


def replay_sgd(model, batches, lr, loss_of, order=TRAINING_STEPS, step_each_batch=True,
               optimizer=torch.optim.SGD):
    """Train the local ``model`` in place with SGD at ``lr``, as a training loop would, right or
    with a typical mistake; returns the batch losses (floats).

    batches: (x, y) pairs, one per step (the same full batch ``epochs`` times for full-batch
    training); loss_of(model, x, y): the loss tensor of a batch. Each batch computes its loss,
    then runs the steps of ``order`` (names from ``TRAINING_STEPS``, in any order, some may be
    missing); step_each_batch=False: the optimizer steps once, after the last batch;
    optimizer: another torch.optim class than SGD, the mistake of using it.
    """
    optimizer = optimizer(model.parameters(), lr=lr)
    losses = []
    for x, y in batches:
        loss = loss_of(model, x, y)
        for step in order:
            if step == "optimizer.zero_grad()":
                optimizer.zero_grad()
            elif step == "loss.backward()":
                loss.backward()
            elif step_each_batch:
                optimizer.step()
        losses.append(loss.item())
    if not step_each_batch:
        optimizer.step()
    return losses
