"""Hidden grader of assignment 03: a multilayer perceptron, and why it needs its nonlinearity.

Every input is drawn here, every expected value comes from ``solutions.mlp``. Models and data
loaders that the student's functions receive are built in the sandbox from torch's own classes
(``student.make``) with weights copied from a twin built here, so both sides start equal. The
student's MLP is judged by behaviour: its parameter shapes and counts, the shape of its output,
and its output after loading the reference's weights.

A check of a side property (a shape or dtype kept, the input left alone, a plain int, one entry
per epoch, no gradients tracked) first asks for the right values on the same call: code that does
no work has many side properties, and must not earn points for them.
"""
import math

import numpy as np
import pytest
import torch
from torch import nn

import solutions.mlp as reference
from autograder.checks import (CheckFailed, call_explained, describe, exercise, expect,
                               expect_close, expect_equal, expect_one_per_sequence, expect_tensor,
                               expect_updated, explain_error, is_close, show_curves)
from autograder.diagnosis import Suspect, across, batches, named, off_by_one
from autograder.grading_kit import (gradient_probe_loader, loader, pair_by_shape,
                                    random_one_hot, randomize, restored, twin)
from autograder.student import StudentError


def maybe(compute):
    """The value of a typical mistake, or None when that mistake would not even run here."""
    try:
        return compute()
    except (RuntimeError, TypeError, ValueError, IndexError):
        return None


def known(mistakes):
    """The suspects of ``mistakes`` whose wrong code ran (``maybe`` gave a value)."""
    return [suspect for suspect in mistakes if suspect.value is not None]


# -- relu ----------------------------------------------------------------------------------------

RELU_HINT = ("ReLU keeps positive values and sets negative ones to 0, elementwise, keeping the "
             "shape of x.")
IN_PLACE_HINT = ("You changed x in place (e.g. `x[x < 0] = 0` or `x.clamp_(...)`): build a new "
                 "tensor instead, such as torch.where(x > 0, x, torch.zeros_like(x)).")
IN_PLACE = "changed x in place"


def relu_mistakes(x):
    """What typical wrong ReLUs return for x."""
    return [named(x, "x returned unchanged", "negative values must become 0."),
            named(x.abs(), "the absolute value", "negative values become 0, they do not flip "
                                                 "sign."),
            named(x.clamp(max=0), "the negative part kept",
                  "ReLU is max(0, x), not min(0, x): keep the positive part."),
            named((x > 0).to(x.dtype), "the step function",
                  "return x itself where it is positive, not 1."),
            named(torch.where(x > 0, x, 0.01 * x), "a leaky ReLU",
                  "negative values become exactly 0."),
            named(x.neg().clamp(min=0), "the sign flipped inside: max(0, -x)",
                  "ReLU is max(0, x)."),
            named(-x.clamp(min=0), "the sign of the result flipped", "ReLU is max(0, x).")]


@exercise("relu")
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 4, 6)], ids=["1-d", "2-d", "3-d"])
def test_relu_is_max_of_0_and_x(student, rng, shape):
    """relu returns max(0, x) elementwise"""
    x = 3 * torch.randn(shape, generator=rng)
    got = student.call("relu", x)
    expect_tensor(got, hint="Return a torch tensor, e.g. torch.where(x > 0, x, 0 * x).")
    expect_close(got, reference.relu(x), hint=RELU_HINT, mistakes=lambda: relu_mistakes(x))


@exercise("relu")
def test_relu_keeps_shape_and_dtype(student, rng):
    """relu of a float64 batch of matrices is right and keeps the shape and dtype of its input"""
    x = torch.randn(2, 3, 4, generator=rng, dtype=torch.float64)
    got = student.call("relu", x)
    expect_tensor(got, shape=(2, 3, 4), hint="Work elementwise (torch.where, clamp, maximum) so "
                                             "the result has the shape of x; do not flatten.",
                  mistake="the shape of x not kept")
    expect_close(got, reference.relu(x), hint=RELU_HINT, mistakes=lambda: relu_mistakes(x))
    expect_tensor(got, dtype=torch.float64, hint="Keep the dtype of x: build the zeros with "
                                                 "torch.zeros_like(x), not a new float32 tensor.")


@exercise("relu")
def test_relu_leaves_x_unchanged(student, rng):
    """relu computes max(0, x) without changing its input x"""
    x = torch.randn(20, generator=rng)
    kept = student.put(x.clone())
    got = student.call("relu", kept)
    expect_close(got, reference.relu(x), hint=RELU_HINT, mistakes=lambda: relu_mistakes(x))
    expect_close(kept.value(), x, hint=IN_PLACE_HINT,
                 mistakes=[Suspect(value, IN_PLACE, IN_PLACE_HINT)
                           for value in (reference.relu(x), x.clamp(max=0))])


@exercise("relu")
def test_relu_keeps_the_graph(student, rng):
    """relu keeps the autograd graph (gradients flow through it)"""
    x = torch.randn(6, generator=rng).requires_grad_()
    try:
        result = student.call_keep("relu", x)
    except StudentError as error:
        explain_error(error, {"in-place operation": (IN_PLACE, IN_PLACE_HINT)})
    expect_close(result.value(), reference.relu(x), hint=RELU_HINT,
                 mistakes=lambda: relu_mistakes(x.detach()))
    expect(result.attr("grad_fn") is not None, "a result with a grad_fn",
           describe(result.value()) + " without grad_fn",
           "Use tensor operations only (no .tolist(), numpy or .detach()), so a network built "
           "with your relu can still learn.", mistake="the result detached from the graph")


# -- collapse_linear_stack -----------------------------------------------------------------------

def linear_stack(student, widths, rng, biases=None):
    """(local layers, sandbox layers): nn.Linear widths[0] -> widths[1] -> ..., same weights."""
    biases = biases or [True] * (len(widths) - 1)
    local, remote = [], []
    for n_in, n_out, bias in zip(widths, widths[1:], biases):
        layer = randomize(nn.Linear(n_in, n_out, bias=bias), rng)
        remote_layer = student.make("torch.nn.Linear", n_in, n_out, bias=bias)
        remote_layer.call("load_state_dict", layer.state_dict())
        local.append(layer)
        remote.append(remote_layer)
    return local, remote


def _bias(layer):
    return layer.bias if layer.bias is not None else torch.zeros(layer.out_features)


def _fold(layers, combine):
    weight, bias = layers[0].weight, _bias(layers[0])
    for layer in layers[1:]:
        weight, bias = combine(weight, bias, layer)
    return weight.detach(), bias.detach()


ORDER_HINT = ("Multiply in the order the layers are applied: the later layer's weight goes on "
              "the left (W = W2 @ W1), because y = W2 (W1 x + b1) + b2.")


def collapse_mistakes(layers):
    """Suspects whose value is the (W, b) a typical wrong implementation returns for
    ``layers``."""
    def folded(combine, first_layers=layers):
        return maybe(lambda: _fold(first_layers, combine))

    return known([
        Suspect(folded(lambda w, b, layer: (w @ layer.weight, layer.weight @ b + _bias(layer))),
                "the weights multiplied in the wrong order", ORDER_HINT),
        Suspect(folded(lambda w, b, layer: (w @ layer.weight, b @ layer.weight + _bias(layer))),
                "the weights multiplied in the wrong order", ORDER_HINT),
        named(folded(lambda w, b, layer: (layer.weight @ w, b + _bias(layer))),
              "the biases added up", "the first layer's bias also passes through the second "
                                     "layer's weights: b = W2 @ b1 + b2, not b1 + b2."),
        named(folded(lambda w, b, layer: (layer.weight @ w, _bias(layer))),
              "only the last bias kept",
              "the earlier biases pass through the later layers: b = W2 @ b1 + b2."),
        named(folded(lambda w, b, layer: (layer.weight @ w, layer.weight @ b)),
              "the later layers' biases left out", "b = W2 @ b1 + b2."),
        named(folded(lambda w, b, layer: (layer.weight @ w, layer.weight @ b + _bias(layer)),
                     layers[:2]),
              "only the first two layers folded in", "fold in every layer of the list."),
        named(maybe(lambda: (reference.collapse_linear_stack(layers)[0],
                             torch.zeros(layers[-1].out_features))),
              "the biases left out", "b = W2 @ b1 + b2 (a layer without bias counts as zero)."),
        named(maybe(lambda: tuple(t.T if t.dim() == 2 else t
                                  for t in reference.collapse_linear_stack(layers))),
              "W returned transposed",
              "nn.Linear stores its weight as (out_features, in_features) and computes "
              "x @ W.T + b: return W in that layout, not transposed."),
        named(maybe(lambda: reference.collapse_linear_stack(layers)[::-1]), "W and b swapped",
              "return (W, b), in this order."),
    ])


def expect_collapsed(got, layers):
    expected_weight, expected_bias = reference.collapse_linear_stack(layers)
    expect(isinstance(got, (tuple, list)) and len(got) == 2, "a tuple (W, b)", describe(got),
           "Return two tensors: the weight W and the bias b of the single layer.")
    weight, bias = got
    if is_close(weight, expected_weight) and is_close(bias, expected_bias):
        return
    mistakes = collapse_mistakes(layers)
    for (mistaken_weight, mistaken_bias), mistake, hint in mistakes:
        if is_close(weight, mistaken_weight) and is_close(bias, mistaken_bias):
            raise CheckFailed(expected=f"W {describe(expected_weight)}; "
                                       f"b {describe(expected_bias)}",
                              got=f"W {describe(weight)}; b {describe(bias)}", hint=hint,
                              mistake=mistake)
    expect_close(weight, expected_weight,
                 hint="W is the product of the weights, last layer on the left: "
                      "W = W_k @ ... @ W2 @ W1, of shape (out, in).",
                 mistakes=[Suspect(value[0], mistake, hint) for value, mistake, hint in mistakes])
    expect_close(bias, expected_bias,
                 hint="b collects every bias, each passed through the weights of the layers "
                      "after it: b = W2 @ b1 + b2.",
                 mistakes=[Suspect(value[1], mistake, hint) for value, mistake, hint in mistakes])


def call_collapse(student, remote_layers):
    return call_explained(student.call, "collapse_linear_stack", remote_layers, hints={
            "shapes cannot be multiplied": ("the weights multiplied in the wrong order",
                                            "Multiply in the order the layers are applied: the "
                                            "later layer's weight goes on the left (W2 @ W1)."),
            "NoneType": ("a layer built with bias=False not handled",
                         "A layer built with bias=False has layer.bias = None: use a zero bias "
                         "(torch.zeros(layer.out_features)) for it."),
            "must match the size": ("a bias not passed through the later weights",
                                    "Pass each bias through the later layers' weights "
                                    "(b = W2 @ b1 + b2); check the order of the product.")})


@exercise("collapse_linear_stack", weight=2)
@pytest.mark.parametrize("widths", [(3, 5, 2), (4, 6, 3, 2), (2, 7, 5, 4, 1)],
                         ids=["3 -> 5 -> 2", "4 -> 6 -> 3 -> 2", "2 -> 7 -> 5 -> 4 -> 1"])
def test_collapsed_layer_matches_the_stack(student, rng, widths):
    """the collapsed (W, b) equals the stack of layers of different widths"""
    local, remote = linear_stack(student, widths, rng)
    expect_collapsed(call_collapse(student, remote), local)


@exercise("collapse_linear_stack", weight=2)
def test_collapsed_square_stack(student, rng):
    """a stack of three square layers (4 -> 4 -> 4 -> 4) collapses to the right W and b"""
    local, remote = linear_stack(student, (4, 4, 4, 4), rng)
    expect_collapsed(call_collapse(student, remote), local)


@exercise("collapse_linear_stack")
@pytest.mark.parametrize("biases", [(False, True), (True, False, True)],
                         ids=["first without bias", "middle without bias"])
def test_layers_without_bias(student, rng, biases):
    """layers built with bias=False count as a zero bias"""
    local, remote = linear_stack(student, (3, 4, 2, 3)[:len(biases) + 1], rng, list(biases))
    expect_collapsed(call_collapse(student, remote), local)


@exercise("collapse_linear_stack")
def test_a_single_layer_collapses_to_itself(student, rng):
    """a list with one layer gives that layer's own W and b (and a list of two, their product)"""
    # The two-layer list keeps `return layers[0].weight, layers[0].bias` from earning the check.
    for widths in ((5, 3), (5, 3, 4)):
        local, remote = linear_stack(student, widths, rng)
        expect_collapsed(call_collapse(student, remote), local)


# -- MLP -----------------------------------------------------------------------------------------

MLP_CONFIGS = [(20, [16, 8]), (1004, [64]), (12, []), (40, [5, 6, 7])]
NO_PARAMETERS_HINT = ("PyTorch sees no parameters in your model: keep the layers in an "
                      "nn.Sequential (or nn.ModuleList) assigned to self; a plain Python list "
                      "hides them from model.parameters() and the optimizer.")
MLP_HINT = ("Per hidden size: Linear then ReLU; then the output Linear with one unit, then the "
            "sigmoid.")
FLATTEN_HINT = ("Flatten each sequence but keep the batch dimension: x.flatten(start_dim=1) "
                "turns (N, L, 4) into (N, L * 4) and leaves (N, L * 4) as it is.")


def student_mlp(student, in_features, hidden_sizes):
    return call_explained(student.call_keep, "MLP", in_features, hidden_sizes, hints={
        "NoneType": ("hidden_sizes not read as a list of widths",
                     "hidden_sizes is a list of widths; build one Linear -> ReLU pair per "
                     "entry.")})


def parameter_shapes(student, model):
    """[(name, shape)] of the student's model parameters, in registration order."""
    parameters = student.make("builtins.list", model.call("named_parameters")).value()
    return [(name, tuple(tensor.shape)) for name, tensor in parameters]


def architecture_problem(shapes, in_features, hidden_sizes):
    """(mistake, hint): the likeliest reason why the parameter shapes are not the MLP's."""
    if not shapes:
        return "layers kept in a plain Python list (no parameters)", NO_PARAMETERS_HINT
    weights = [shape for shape in shapes if len(shape) == 2]
    if weights and weights[-1][0] != 1:
        return ("the output layer has more than one unit",
                f"The output layer must be Linear(last width, 1): one probability per "
                f"sequence, but yours has {weights[-1][0]} outputs.")
    if weights and weights[0][1] != in_features:
        return ("the first layer's input size is not in_features",
                f"The first Linear layer takes in_features = {in_features} inputs, but yours "
                f"takes {weights[0][1]}.")
    if len(weights) != len(hidden_sizes) + 1:
        return ("not one hidden layer per entry of hidden_sizes",
                f"hidden_sizes={hidden_sizes} needs {len(hidden_sizes)} hidden Linear layers "
                f"plus the output layer: {len(hidden_sizes) + 1} in all, but yours has "
                f"{len(weights)}. Build one Linear -> ReLU pair per entry of hidden_sizes.")
    if len(shapes) != 2 * len(weights):
        return ("a Linear layer without bias",
                "Every Linear layer has a bias: keep nn.Linear's default bias=True.")
    return ("the layer widths do not follow hidden_sizes",
            f"The layers should be {' -> '.join(map(str, [in_features, *hidden_sizes, 1]))}: "
            "each Linear takes the previous layer's width as its input size.")


def expected_shapes(in_features, hidden_sizes):
    model = reference.MLP(in_features, hidden_sizes)
    return [(name, tuple(tensor.shape)) for name, tensor in model.named_parameters()]


def load_reference_weights(student, model, local):
    """Copy ``local``'s parameters into the student's ``model``, whatever its layers are called."""
    got = parameter_shapes(student, model)
    wanted = [tuple(tensor.shape) for tensor in local.parameters()]
    pairs = pair_by_shape(dict(got), list(local.parameters()))
    if pairs is None or len(pairs) != len(got):
        in_features, hidden_sizes = wanted[0][1], [shape[0] for shape in wanted[:-2:2]]
        mistake, hint = architecture_problem([shape for _, shape in got], in_features,
                                             hidden_sizes)
        raise CheckFailed(expected="the parameters of " + " -> ".join(
            map(str, [in_features, *hidden_sizes, 1])) + " Linear layers",
            got=", ".join(f"{name} {shape}" for name, shape in got) or "no parameters",
            hint=hint, mistake=mistake)
    model.call("load_state_dict", pairs, strict=False)


def mlp_variant(local, x, hidden="relu", output_relu=False, output="sigmoid", flatten="as is"):
    """What an MLP with ``local``'s weights computes when built with a typical mistake
    (flatten="transposed": x flattened as (N, 4, L))."""
    linears = [layer for layer in local.layers if isinstance(layer, nn.Linear)]
    activation = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
                  "none": lambda h: h}[hidden]
    h = (x if flatten == "as is" else x.transpose(1, 2)).flatten(start_dim=1)
    with torch.no_grad():
        for layer in linears[:-1]:
            h = activation(layer(h))
        z = linears[-1](h).squeeze(1)
        z = torch.relu(z) if output_relu else z
        return {"sigmoid": torch.sigmoid, "none": lambda v: v,
                "twice": lambda v: torch.sigmoid(torch.sigmoid(v))}[output](z)


def call_model(model, x):
    return call_explained(model, x, hints={"shapes cannot be multiplied": (
        "the batch dimension flattened too", FLATTEN_HINT)})


def output_with_reference_weights(student, rng, seq_len, hidden_sizes, n, flat=False):
    """(the student's MLP's output, the reference's, the typical mistakes' outputs) on n random
    sequences, all with the same weights: so only an MLP that computes something earns its
    shape checks."""
    local = randomize(reference.MLP(seq_len * 4, hidden_sizes), rng)
    model = student_mlp(student, seq_len * 4, hidden_sizes)
    load_reference_weights(student, model, local)
    x = random_one_hot(rng, n, seq_len)
    with torch.no_grad():
        return (call_model(model, x.flatten(start_dim=1) if flat else x), local(x),
                mlp_mistakes(local, x))


@exercise("MLP", weight=0.5)
@pytest.mark.parametrize("in_features, hidden_sizes", MLP_CONFIGS,
                         ids=[f"{n} inputs, hidden sizes {', '.join(map(str, sizes)) or 'none'}"
                              for n, sizes in MLP_CONFIGS])
def test_mlp_has_the_parameters_of_its_layers(student, in_features, hidden_sizes):
    """MLP(in_features, hidden_sizes) has the weights and biases of its Linear layers"""
    model = student_mlp(student, in_features, hidden_sizes)
    got = parameter_shapes(student, model)
    wanted = expected_shapes(in_features, hidden_sizes)
    n_got, n_wanted = (sum(math.prod(shape) for _, shape in pairs) for pairs in (got, wanted))
    mistake, hint = architecture_problem([shape for _, shape in got], in_features, hidden_sizes)
    expect(sorted(shape for _, shape in got) == sorted(shape for _, shape in wanted),
           f"{n_wanted:,} parameters in tensors of shapes {[shape for _, shape in wanted]}",
           f"{n_got:,} parameters in tensors of shapes {[shape for _, shape in got]}",
           hint, mistake=mistake)


@exercise("MLP")
@pytest.mark.parametrize("flat", [False, True], ids=["(N, L, 4)", "(N, L*4)"])
def test_mlp_gives_one_probability_per_sequence(student, rng, flat):
    """the MLP maps N sequences, one-hot (N, L, 4) or flattened (N, L*4), to N probabilities"""
    seq_len, n = 10, 6
    got, expected, mistakes = output_with_reference_weights(student, rng, seq_len, [8], n, flat)
    expect_one_per_sequence(got, n)
    expect(bool(((got > 0) & (got < 1)).all()), "probabilities strictly between 0 and 1",
           describe(got), "End the network with a sigmoid.", mistake="no sigmoid at the end")
    expect_close(got, expected, hint=MLP_HINT, mistakes=mistakes)


@exercise("MLP")
def test_mlp_keeps_the_batch_dimension_for_one_sequence(student, rng):
    """one sequence in gives its probability, of shape (1,), out"""
    got, expected, mistakes = output_with_reference_weights(student, rng, 7, [5], 1)
    expect_one_per_sequence(got, 1)
    expect_close(got, expected, hint=MLP_HINT, mistakes=mistakes)


@exercise("MLP", weight=2)
@pytest.mark.parametrize("hidden_sizes", [[16, 8], [6]],
                         ids=["hidden sizes 16, 8", "hidden size 6"])
def test_mlp_with_reference_weights_computes_the_reference_output(student, rng, hidden_sizes):
    """with the reference's weights loaded, the MLP computes what the reference computes"""
    seq_len = 9
    local = randomize(reference.MLP(seq_len * 4, hidden_sizes), rng)
    model = student_mlp(student, seq_len * 4, hidden_sizes)
    load_reference_weights(student, model, local)
    x = random_one_hot(rng, 12, seq_len)
    got = call_model(model, x)
    with torch.no_grad():
        expected = local(x)
    if isinstance(got, torch.Tensor) and got.shape != expected.shape and got.numel() == 12:
        got = got.reshape(expected.shape)  # the shape has its own check
    expect_close(got, expected, hint=MLP_HINT, mistakes=lambda: mlp_mistakes(local, x))


def mlp_mistakes(local, x):
    """What MLPs built with a typical mistake compute with ``local``'s weights on x."""
    return [
        named(mlp_variant(local, x, output_relu=True), "a ReLU after the output layer",
              "it clips every negative score to 0, so no sequence can get a probability below "
              "0.5. Only hidden layers get a ReLU."),
        named(mlp_variant(local, x, hidden="none"), "missing nonlinearity between the layers",
              "without a ReLU after each hidden Linear the layers collapse into one linear "
              "layer (section 2)."),
        named(mlp_variant(local, x, output="twice"), "the sigmoid twice",
              "you apply the sigmoid twice (e.g. nn.Sigmoid() in the layers and torch.sigmoid "
              "in forward): the outputs are squeezed into (0.5, 0.73). Apply it once, at the "
              "end."),
        named(mlp_variant(local, x, output="none"), "the sigmoid left out",
              "the output should be a probability: end with a sigmoid after the output "
              "layer."),
        named(mlp_variant(local, x, output_relu=True, output="none"),
              "a ReLU after the output layer and no sigmoid", "end with Linear -> sigmoid."),
        *(named(mlp_variant(local, x, hidden=other), f"{other} as the hidden activation",
                f"the hidden layers use ReLU, not {other}, as their activation.")
          for other in ("sigmoid", "tanh")),
        named(mlp_variant(local, x, flatten="transposed"), "flattened (N, 4, L), not (N, L, 4)",
              "flatten x as it comes, with x.flatten(start_dim=1)."),
    ]


# -- count_parameters ----------------------------------------------------------------------------

MODELS = {
    "a Linear layer": [("Linear", (7, 3), {})],
    "an MLP": [("Linear", (20, 16), {}), ("ReLU", (), {}), ("Linear", (16, 8), {}),
               ("ReLU", (), {}), ("Linear", (8, 1), {}), ("Sigmoid", (), {})],
    "a convolutional network": [("Conv1d", (4, 8, 5), {}), ("ReLU", (), {}),
                                ("Flatten", (), {}), ("Linear", (8 * 12, 1), {})],
}


def count_mistakes(model):
    parameters = list(model.parameters())
    trainable = [p for p in parameters if p.requires_grad]
    return [named(sum(p.numel() for p in parameters), "the frozen parameters counted too",
                  "count only trainable parameters: skip those with requires_grad False (frozen "
                  "layers)."),
            named(len(trainable), "the parameter tensors counted, not the numbers in them",
                  "you counted the parameter tensors, not the numbers in them: add up "
                  "p.numel() for each tensor."),
            named(sum(p.numel() for p in trainable if p.dim() > 1), "the biases left out",
                  "biases are parameters too: count every parameter tensor, not only the "
                  "weights."),
            named(sum(p.numel() for p in trainable if p.dim() == 1), "only the biases counted",
                  "the weights are parameters too: count every parameter tensor."),
            named(sum(p.shape[0] for p in trainable), "only the first dimension counted",
                  "len(p) or p.shape[0] is only the first dimension: p.numel() counts every "
                  "number in the tensor."),
            named(sum(p.numel() for layer in model._modules.values() for p in layer.parameters()
                      if p.requires_grad), "a shared layer counted twice",
                  "a layer used twice in a model has its parameters once: go over "
                  "model.parameters(), which lists each parameter tensor once."),
            named(sum(p.numel() for p in parameters if not p.requires_grad),
                  "only the frozen parameters counted",
                  "count the parameters with requires_grad True.")]


def as_int(value):
    """``value`` as an int when it is an integer of some kind (a numpy integer, a one-element
    integer tensor); otherwise unchanged. Whether it is a plain int has a check of its own."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        return int(value)
    if not isinstance(value, (bool, float)) and hasattr(value, "__index__"):
        return int(value.__index__())
    return value


def expect_count(got, model):
    expected = reference.count_parameters(model)
    expect_equal(as_int(got), expected, hint="Add up p.numel() over model.parameters() for "
                                             "every p with requires_grad.",
                 mistakes=lambda: count_mistakes(model))


@exercise("count_parameters")
@pytest.mark.parametrize("kind", list(MODELS))
def test_count_parameters_counts_every_weight_and_bias(student, rng, kind):
    """count_parameters counts every weight and bias of a model"""
    local, remote = twin(student, MODELS[kind], rng)
    expect_count(student.call("count_parameters", remote), local)


@exercise("count_parameters", weight=2)
def test_count_parameters_skips_frozen_layers(student, rng):
    """parameters of a frozen layer (requires_grad False) are not counted"""
    local, remote = twin(student, MODELS["an MLP"], rng)
    local[0].requires_grad_(False)
    remote.call("__getitem__", 0).call("requires_grad_", False)
    expect_count(student.call("count_parameters", remote), local)


@exercise("count_parameters")
def test_count_parameters_counts_a_shared_layer_once(student):
    """a layer used twice in a model is counted once, as model.parameters() lists it"""
    layer = student.make("torch.nn.Linear", 6, 6)
    remote = student.make("torch.nn.Sequential", layer, student.make("torch.nn.ReLU"), layer)
    local_layer = nn.Linear(6, 6)
    local = nn.Sequential(local_layer, nn.ReLU(), local_layer)
    expect_count(student.call("count_parameters", remote), local)


@exercise("count_parameters")
def test_count_parameters_returns_an_int(student, rng):
    """count_parameters returns the count as a plain int"""
    local, remote = twin(student, MODELS["an MLP"], rng)
    got = student.call("count_parameters", remote)
    expect_count(got, local)
    expect(isinstance(got, (int, np.integer)) and not isinstance(got, bool), "a Python int",
           describe(got), "Return a Python int (e.g. sum(p.numel() for p in ...)), not a "
                          "tensor: an int prints and formats like a number everywhere.",
           mistake=f"returned a {type(got).__name__}, not an int")


# -- train_with_validation -----------------------------------------------------------------------

N_FEATURES, BATCH = 6, 8
PROBE = [("Linear", (N_FEATURES, 8), {}), ("ReLU", (), {}), ("Linear", (8, 1), {}),
         ("Sigmoid", (), {}), ("Flatten", (0,), {})]
HISTORY_KEYS = ["train_loss", "val_accuracy", "val_loss"]


def separable(rng, n):
    """x (n, 6) float32; y (n,) 0/1 float32, the side of a plane through 0 (with a few flips)."""
    x = torch.randn(n, N_FEATURES, generator=rng)
    y = (x[:, 0] + 0.5 * x[:, 1] - 0.3 * x[:, 2] > 0).float()
    flip = torch.rand(n, generator=rng) < 0.1
    return x, torch.where(flip, 1 - y, y)


class Run:
    """One training set-up, built on both sides: a model with the same weights, unshuffled
    loaders over the same data, SGD with the same learning rate, and BCE."""

    def __init__(self, student, rng, layers=PROBE, n_train=48, n_val=32, lr=0.5):
        self.student, self.layers, self.lr = student, layers, lr
        self.train_data, self.val_data = separable(rng, n_train), separable(rng, n_val)
        self.local, self.remote = twin(student, layers, rng)
        self.initial_state = {name: value.clone() for name, value in
                              self.local.state_dict().items()}
        self._wrong_runs = {}

    def student_history(self, epochs, val_loader=None, floats_only=False):
        """The student's history, trained in the sandbox; CheckFailed when it is not a dict of
        ``epochs`` numbers per key (``floats_only``: plain floats, not tensors)."""
        student = self.student
        optimizer = student.make("torch.optim.SGD", self.remote.call("parameters"), lr=self.lr)
        history = student.call("train_with_validation", self.remote,
                               loader(student, *self.train_data, BATCH),
                               val_loader or loader(student, *self.val_data, BATCH), optimizer,
                               student.make("torch.nn.BCELoss"), epochs)
        expect_history_layout(history, epochs, floats_only)
        return {key: [float(value) if isinstance(value, torch.Tensor) and value.numel() == 1
                      else value for value in values] for key, values in history.items()}

    def fresh_local(self):
        return restored(self.layers, self.initial_state)

    def reference_history(self, epochs):
        model = self.fresh_local()
        history = reference.train_with_validation(
            model, loader(None, *self.train_data, BATCH), loader(None, *self.val_data, BATCH),
            torch.optim.SGD(model.parameters(), lr=self.lr), nn.BCELoss(), epochs)
        return history, model

    def wrong_runs(self, epochs):
        """[(mistake, hint, history, trained state)]: what typical wrong loops record epoch by
        epoch on this set-up, and the weights they end with (a history holds only the keys a
        mistake changes). Replayed once per number of epochs."""
        if epochs not in self._wrong_runs:
            self._wrong_runs[epochs] = self._replayed_wrong_runs(epochs)
        return self._wrong_runs[epochs]

    def _replayed_wrong_runs(self, epochs):
        runs = self._measured_wrongly(epochs)
        for mistake, hint, extra in (
                ("train_epoch called twice per epoch",
                 "Call train_epoch once per epoch and record what it returns: a second call "
                 "trains the model a second time.", ("train",)),
                ("trained on the validation set too",
                 "Train with train_epoch on train_loader only; the validation set is only "
                 "measured (no backward, no optimizer step).", ("val",))):
            model, history = self._trained(epochs, extra)
            runs.append((mistake, hint, history, model.state_dict()))
        return runs

    def _loaders(self):
        return loader(None, *self.train_data, BATCH), loader(None, *self.val_data, BATCH)

    def _trained(self, epochs, extra):
        """(model, history) of a loop that also trains on the loaders named in ``extra``
        ("train", "val") after each epoch of training, and measures as it should."""
        model, loss_fn = self.fresh_local(), nn.BCELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=self.lr)
        train_loader, val_loader = self._loaders()
        history = {key: [] for key in HISTORY_KEYS}
        for _ in range(epochs):
            for name in ("train", *extra):  # train_loss: the last loss on the training set
                loss = reference.train_epoch(model, {"train": train_loader,
                                                     "val": val_loader}[name], optimizer, loss_fn)
                recorded = loss if name == "train" else recorded
            history["train_loss"].append(recorded)
            history["val_loss"].append(reference.mean_loss(model, val_loader, loss_fn))
            history["val_accuracy"].append(reference.accuracy(model, val_loader))
        return model, history

    def _measured_wrongly(self, epochs):
        """The wrong ways of measuring during one right training run."""
        model, loss_fn = self.fresh_local(), nn.BCELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=self.lr)
        train_loader, val_loader = self._loaders()
        found = {key: [] for key in ("val_before", "val_on_train", "val_train_mode",
                                     "accuracy_on_train", "accuracy_before")}
        train_batches, val_batches = [], []
        for _ in range(epochs):
            found["val_before"].append(reference.mean_loss(model, val_loader, loss_fn))
            found["accuracy_before"].append(reference.accuracy(model, val_loader))
            model.train()
            losses = []
            for x, y in train_loader:
                optimizer.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                optimizer.step()
                losses.append((loss.item(), len(y)))
            train_batches.append(batches(*zip(*losses), "sequences"))
            found["val_on_train"].append(reference.mean_loss(model, train_loader, loss_fn))
            model.eval()
            with torch.no_grad():
                val_batches.append(batches(*zip(*[(loss_fn(model(x), y).item(), len(y))
                                                  for x, y in val_loader]), "sequences"))
            model.train()  # a loop that forgot model.eval()
            with torch.no_grad():
                found["val_train_mode"].append(
                    sum(loss_fn(model(x), y).item() * len(y) for x, y in val_loader)
                    / len(self.val_data[1]))
            found["accuracy_on_train"].append(reference.accuracy(model, train_loader))
        before = "measure after it, so the last entry is the model you end up with."
        on_train = "the validation loss and accuracy come from val_loader."
        return [*((mistake, hint, {"train_loss": values}, None)
                  for values, mistake, hint in across(train_batches)),
                *((mistake, hint, {"val_loss": values}, None)
                  for values, mistake, hint in across(val_batches)),
                ("measured before training the epoch",
                 f"Measured before training the epoch: {before}",
                 {"val_loss": found["val_before"], "val_accuracy": found["accuracy_before"]},
                 None),
                ("measured on the training loader",
                 f"Measured on the training loader: {on_train}",
                 {"val_loss": found["val_on_train"], "val_accuracy": found["accuracy_on_train"]},
                 None),
                (TRAINING_MODE, "Call model.eval() before measuring on validation data: in "
                                "training mode, batch norm and dropout change the outputs.",
                 {"val_loss": found["val_train_mode"]}, None)]

    def suspects(self, key, epochs):
        """The suspects for ``history[key]`` after ``epochs``."""
        return [Suspect(history[key], mistake, hint)
                for mistake, hint, history, _ in self.wrong_runs(epochs) if key in history]

    def expect_entry(self, key, epochs, hint):
        """The student's ``history[key]`` after ``epochs`` equals the reference's, and the
        typical wrong loops are named."""
        got = self.student_history(epochs)
        expected, _ = self.reference_history(epochs)
        expect_close(got[key], expected[key], rtol=1e-4, hint=hint,
                     mistakes=lambda: self.suspects(key, epochs))


TRAINING_MODE = "the model measured in training mode"


def expect_history_layout(history, epochs, floats_only):
    expect(isinstance(history, dict), "a dict with the keys train_loss, val_loss, val_accuracy",
           describe(history), "Return the history as a dict of three lists.",
           mistake=f"returned a {type(history).__name__}, not a dict")
    expect(sorted(history) == HISTORY_KEYS, "the keys train_loss, val_loss, val_accuracy",
           f"the keys {sorted(map(str, history))}",
           'Use exactly these keys: "train_loss", "val_loss" and "val_accuracy".',
           mistake="the history's keys misnamed")
    for key in HISTORY_KEYS:
        values = history[key]
        expect(isinstance(values, (list, tuple)), f"{key} as a list of floats",
               describe(values), "Store each history entry as a list with one float per epoch.",
               mistake="a history entry that is not a list")
        expect(len(values) == epochs, f"{epochs} entries in {key} for {epochs} epochs",
               describe(values),
               "Append exactly one value per epoch to each list (none before training starts).",
               mistake="not one entry per epoch")
        tensors = [value for value in values if isinstance(value, torch.Tensor)]
        expect(not (floats_only and tensors), f"plain floats in {key}", describe(values),
               "Store plain numbers (loss.item()), not tensors: a stored loss tensor keeps its "
               "whole autograd graph alive.", mistake="stored tensors, not floats")


@exercise("train_with_validation")
def test_history_has_one_float_per_epoch(student, rng):
    """the history has train_loss, val_loss and val_accuracy, one right float per epoch"""
    run, epochs = Run(student, rng), 3
    got = run.student_history(epochs, floats_only=True)
    expected, _ = run.reference_history(epochs)
    for key in HISTORY_KEYS:
        expect_close(got[key], expected[key], rtol=1e-4,
                     hint=f"{key}: each epoch, train with train_epoch on train_loader, then "
                          "measure the mean loss and the accuracy on val_loader.",
                     mistakes=lambda: run.suspects(key, epochs))


@exercise("train_with_validation", weight=2)
def test_validation_loss_is_measured_after_each_epoch(student, rng):
    """val_loss is the mean loss per validation sequence after each epoch of training"""
    Run(student, rng).expect_entry(
        "val_loss", 4, hint="After each epoch's train_epoch, average loss_fn over val_loader, "
                            "weighting each batch by its number of sequences.")


@exercise("train_with_validation")
def test_training_loss_is_the_epoch_mean(student, rng):
    """train_loss is each epoch's mean training loss (what train_epoch returns)"""
    Run(student, rng).expect_entry(
        "train_loss", 3,
        hint="Record what train_epoch(model, train_loader, optimizer, loss_fn) returns.")


@exercise("train_with_validation")
def test_validation_accuracy_is_measured_on_the_validation_set(student, rng):
    """val_accuracy is the accuracy on val_loader after each epoch"""
    Run(student, rng).expect_entry(
        "val_accuracy", 3, hint="Record accuracy(model, val_loader) after each epoch.")


@exercise("train_with_validation")
def test_only_the_training_set_trains_the_model(student, rng):
    """after training, the weights are those of training on train_loader only"""
    run, epochs = Run(student, rng), 3
    run.student_history(epochs)
    _, trained = run.reference_history(epochs)
    got = run.remote.call("state_dict")
    expected = trained.state_dict()
    expect_updated(got, expected, run.initial_state,
                   hint="The model you were given did not change: train it with train_epoch on "
                        "train_loader in every epoch.")

    def flat(state):
        return torch.cat([state[name].reshape(-1) for name in expected])

    expect_close(flat(got), flat(expected), rtol=1e-4,
                 hint="Train with train_epoch on train_loader only, once per epoch; the "
                      "validation set is only measured (no backward, no optimizer step).",
                 mistakes=lambda: [Suspect(flat(state), mistake, hint)
                                   for mistake, hint, _, state in run.wrong_runs(epochs)
                                   if state])


@exercise("train_with_validation")
def test_validation_runs_without_gradients(student, rng):
    """the validation pass runs under torch.no_grad()"""
    # The model first applies an in-place ReLU to its input, which the probe loader's batches
    # refuse while gradients are tracked: the call fails exactly when the validation pass
    # tracks gradients. Otherwise it is an ordinary loader (len(loader.dataset) works).
    layers = [("ReLU", (), {"inplace": True}), *PROBE]
    run = Run(student, rng, layers=layers)
    val_loader = gradient_probe_loader(student, *run.val_data, BATCH)
    try:
        got = run.student_history(2, val_loader)
    except StudentError as error:
        if "leaf Variable" in error.message:
            raise CheckFailed(expected="the model run on validation data without gradient "
                                       "tracking",
                              got="your validation pass tracked gradients",
                              hint="Measure inside `with torch.no_grad():`: validation only "
                                   "looks, so no gradients (model.eval() alone does not turn "
                                   "them off). Never train on val_loader.",
                              mistake="validation with gradient tracking") from None
        raise
    expected, _ = run.reference_history(2)
    expect_close(got["val_loss"], expected["val_loss"], rtol=1e-4,
                 hint="After each epoch's train_epoch, average loss_fn over val_loader, "
                      "weighting each batch by its number of sequences.",
                 mistakes=lambda: run.suspects("val_loss", 2))


@exercise("train_with_validation")
def test_validation_runs_in_eval_mode(student, rng):
    """the validation loss is measured in eval mode (model.eval())"""
    layers = [("Linear", (N_FEATURES, 8), {}), ("BatchNorm1d", (8,), {}), ("ReLU", (), {}),
              ("Linear", (8, 1), {}), ("Sigmoid", (), {}), ("Flatten", (0,), {})]
    run, epochs = Run(student, rng, layers=layers, lr=0.1), 2
    got = run.student_history(epochs)
    expected, _ = run.reference_history(epochs)
    expect_close(got["val_loss"], expected["val_loss"], rtol=1e-4,
                 hint="Call model.eval() before the validation pass (batch norm and dropout "
                      "behave differently in training), and average the loss per sequence.",
                 mistakes=lambda: run.suspects("val_loss", epochs))


@exercise("train_with_validation")
def test_training_lowers_the_validation_loss(student, rng, figures):
    """on a learnable problem the validation loss falls and the accuracy rises"""
    run, epochs = Run(student, rng, n_train=96, lr=0.3), 12
    got = run.student_history(epochs)
    expected, _ = run.reference_history(epochs)
    curves = {"training loss": "train_loss", "validation loss": "val_loss"}
    show_curves(figures, "Your losses beside the reference's (lr 0.3, 12 epochs)",
                {name: got[key] for name, key in curves.items()},
                {name: expected[key] for name, key in curves.items()})
    expect_close(got["val_loss"][0], expected["val_loss"][0], rtol=1e-4,
                 hint="The first validation loss is measured after the first epoch of training, "
                      "on val_loader.")
    expect(got["val_loss"][-1] < got["val_loss"][0] and got["val_accuracy"][-1] >= 0.75,
           "a falling validation loss and a validation accuracy of at least 75%",
           f"val_loss {got['val_loss'][0]:.3f} -> {got['val_loss'][-1]:.3f}, "
           f"val_accuracy {got['val_accuracy'][-1]:.2f}",
           "Each epoch: train_epoch on the training loader, then measure on val_loader.")


# -- best_epoch ----------------------------------------------------------------------------------

def history_with_minimum(rng, epochs, best, peak):
    """A plausible history whose validation loss is lowest at ``best`` and validation accuracy
    highest at ``peak``; the training loss is lowest one epoch before the last."""
    steps = 0.01 + 0.05 * torch.rand(epochs, generator=rng)
    val_loss = [0.4 + float(steps[min(e, best):max(e, best)].sum()) for e in range(epochs)]
    train_loss = [0.7 - 0.04 * e for e in range(epochs)]
    if epochs > 2:
        train_loss[-1] = train_loss[-2] + 0.01
    val_accuracy = [0.7 + 0.01 * e for e in range(epochs)]
    val_accuracy[peak] = 0.95
    return {"train_loss": train_loss, "val_loss": val_loss, "val_accuracy": val_accuracy}


def best_epoch_mistakes(history):
    val_loss = history["val_loss"]
    lowest = val_loss.index(min(val_loss))
    tied_last = len(val_loss) - 1 - val_loss[::-1].index(min(val_loss))
    accuracy = history["val_accuracy"]
    return [*off_by_one(lowest, "epoch", hints={
                "one epoch too many": "One epoch too many: count epochs from 0, like the lists "
                                      "in history: the first epoch is index 0."}),
            named(tied_last, "the last of tied epochs",
                  "several epochs tie for the lowest validation loss: return the first of "
                  "them."),
            named(accuracy.index(max(accuracy)), "the highest validation accuracy",
                  "stop at the lowest validation loss, not the highest validation accuracy."),
            named(accuracy.index(min(accuracy)), "the lowest validation accuracy",
                  "stop at the lowest validation loss."),
            named(history["train_loss"].index(min(history["train_loss"])),
                  "the lowest training loss",
                  "use the validation loss: the training loss keeps falling while the model "
                  "overfits."),
            named(val_loss.index(max(val_loss)), "the highest validation loss",
                  "the best epoch has the lowest validation loss, not the highest."),
            named(len(val_loss) - 1, "the last epoch",
                  "the best epoch is the one with the lowest validation loss, not the last "
                  "one."),
            named(len(val_loss) - 1 - lowest, "counted from the end",
                  "the index of the lowest validation loss counts from the first epoch.")]


def expect_best_epoch(got, history):
    expected = reference.best_epoch(history)
    got = as_int(got)
    if isinstance(got, float) and got in history["val_loss"]:
        raise CheckFailed(expected=f"int {expected}", got=describe(got),
                          hint="Return the epoch's index, not its validation loss.",
                          mistake="returned the lowest validation loss, not its epoch")
    expect_equal(got, expected, hint="Return the index of the smallest value in "
                                     'history["val_loss"].',
                 mistakes=lambda: best_epoch_mistakes(history))


@exercise("best_epoch", weight=2)
@pytest.mark.parametrize("epochs, minima",
                         [(8, [(3, 5)]), (12, [(7, 2)]), (5, [(0, 2), (4, 1)])],
                         ids=["lowest at 3 of 8", "lowest at 7 of 12", "lowest first or last of 5"])
def test_best_epoch_is_the_lowest_validation_loss(student, rng, epochs, minima):
    """best_epoch is the 0-based index of the lowest validation loss"""
    # (best, peak): validation loss lowest at best, validation accuracy highest at peak. An
    # answer of 0 comes with another answer, so that `return 0` cannot earn the check.
    for best, peak in minima:
        history = history_with_minimum(rng, epochs, best, peak)
        expect_best_epoch(student.call("best_epoch", history), history)


@exercise("best_epoch")
def test_best_epoch_takes_the_first_of_tied_epochs(student, rng):
    """when several epochs tie for the lowest validation loss, the first one is the best"""
    history = history_with_minimum(rng, 9, 3, 1)
    history["val_loss"][6] = history["val_loss"][3]
    expect_best_epoch(student.call("best_epoch", history), history)


@exercise("best_epoch")
def test_best_epoch_of_short_histories(student, rng):
    """a history of one epoch has its best epoch at 0, one of two or three its lowest val_loss"""
    single = {"train_loss": [0.6], "val_loss": [0.65], "val_accuracy": [0.7]}
    for history in (single, history_with_minimum(rng, 2, 1, 0), history_with_minimum(rng, 3, 0, 2)):
        expect_best_epoch(student.call("best_epoch", history), history)


@exercise("best_epoch")
def test_best_epoch_returns_an_int(student, rng):
    """best_epoch returns the index as a plain int, usable as a list index"""
    history = history_with_minimum(rng, 6, 2, 4)
    got = student.call("best_epoch", history)
    expect_best_epoch(got, history)
    expect(isinstance(got, (int, np.integer)) and not isinstance(got, bool), "a Python int",
           describe(got), "Return a Python int: list.index gives one, and int(...) converts a "
                          "tensor or numpy number.",
           mistake=f"returned a {type(got).__name__}, not an int")
