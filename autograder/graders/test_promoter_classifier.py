"""Hidden grader of assignment 02: DNA tokens, one-hot encoding and a logistic-regression
promoter classifier.

Every input is drawn here (the student never sees it), every expected value comes from
``solutions.promoter_classifier``, and typical mistakes are recognized by what they return.
Models, datasets, loaders and optimizers that the checks need are built in the sandbox from
torch's own classes (``student.make``), so each exercise is judged on its own; only plain
tensors and numbers come back, and every verdict is reached here.

A check of a side property (a dtype, a shape, a Python float, finite at the extremes, not
torch.sigmoid, eval mode) first asks for the right values on the same call: code that does no
work has many side properties, and must not earn points for them.
"""
import functools
import itertools
import math
import re

import pytest
import torch
from torch import nn

import solutions.promoter_classifier as reference
from autograder.checks import (CheckFailed, call_explained, describe, exercise, expect,
                               expect_close, expect_equal, expect_one_per_sequence, expect_raises,
                               expect_tensor, expect_updated, explain_error, is_close)
from autograder.diagnosis import (Suspect, batches, ends, layouts, mean_over, named, off_by_one,
                                  orders, terms)
from autograder.grader_runner import COURSE_SEED
from autograder.grading_kit import (TRAINING_STEPS, gradient_probe_loader, loader, pair_by_shape,
                                    random_dna, random_one_hot, replay_sgd, restored,
                                    state_shapes, twin)
from autograder.student import Handle, StudentError
from dlbio_student.data import synthetic_dna

# The notebook trains this model in section 11 and states the reference's test accuracy. It is
# graded as an item of its own (grade cell "grade_promoter_model"): it judges what the notebook
# did with all the exercises, not one function.
TRAINED_MODEL = "promoter_model"
STATED_TEST_ACCURACY = 0.85
ACCURACY_MARGIN = 0.05
REQUIRED_TEST_ACCURACY = round(STATED_TEST_ACCURACY - ACCURACY_MARGIN, 2)
HELD_OUT_SEED = COURSE_SEED  # the held-out sequences change with the course seed

CHANNEL_ORDER_HINT = ("The columns must be in the order A, C, G, T (channel order): column 0 "
                      "for A, 1 for C, 2 for G, 3 for T.")
TRANSPOSED_HINT = ("You returned (4, L) instead of (L, 4): one row per position, one column per "
                   "base.")
LOWERCASE = "lowercase bases not read"
N_ERRORS = {"'N'": ("N not handled", "N marks a base that sequencing could not read: it is "
                                     "token 4, and a row of zeros in the one-hot encoding.")}
LOWERCASE_HINT = ("Lowercase input must work: genome files write repeats in lowercase. Convert "
                  "each base with .upper() before looking it up.")
FLATTEN_HINT = ("After x.flatten(start_dim=1) each sequence is seq_len * 4 numbers: use "
                "nn.Linear(seq_len * 4, 1), and flatten from dimension 1 (x.flatten() would merge "
                "the whole batch into one row).")
CLAMP_HINT = ("BCE without clamping: log(0) = -inf, and even 0 * log(0) is nan. Clamp p to "
              "[eps, 1 - eps] with eps = 1e-7 before the logs (not smaller: in float32, "
              "1 - 1e-8 is exactly 1).")
UNCLAMPED = "p not clamped, or eps too small for float32 (log 0)"
BCE_HINT = "Average -[y log p + (1 - y) log(1 - p)] over the sequences."
MODEL_HINT = "Flatten each sequence, apply the linear layer, then the sigmoid."
SIGMOID_HINT = "σ(z) = 1 / (1 + e^(-z))."
HUGE_SCORES_HINT = ("For large |z|, e^(-z) or e^z overflows to inf (and inf / inf = nan): "
                    "exponentiate only -|z|, as the notebook shows.")
ZERO_GRAD_HINT = ("You forgot optimizer.zero_grad(): PyTorch adds each batch's gradients to the "
                  "previous ones, so every step followed the sum of all past gradients.")
LOSS_ORDER_HINT = "Call loss_fn(prediction, target): the model's output first, the labels second."
STACK_HINT = "Stack the one-hot encodings: torch.stack([one_hot(seq) for seq in seqs])."


def all_bases_dna(rng, length):
    """A random sequence with every one of A, C, G, T, N in it (so column mix-ups show)."""
    return "".join(sorted("ACGTN", key=lambda _: torch.rand((), generator=rng).item())) + \
        random_dna(rng, length - 5, "ACGTN")


def mixed_case(rng, seq):
    lower = torch.rand(len(seq), generator=rng) < 0.5
    return "".join(base.lower() if low else base for base, low in zip(seq, lower.tolist()))


def _call_or_fail(student, name, seq, *, expected, hint):
    """The student's ``name(seq)`` on a mixed-case ``seq``; an exception there fails the check,
    naming lowercase input as the mistake when the uppercase sequence goes through."""
    try:
        return call_explained(student.call, name, seq, hints=N_ERRORS)
    except StudentError as error:
        if error.kind != "exception":
            raise
        upper_case_works = True
        try:
            student.call(name, seq.upper())
        except StudentError:
            upper_case_works = False
        raise CheckFailed(expected=expected, got=error.message, hint=hint,
                          mistake=LOWERCASE if upper_case_works else "") from None


# -- tokenize -----------------------------------------------------------------------------------

TOKENS_HINT = "Number the bases A=0, C=1, G=2, T=3, N=4."


def _token_mistakes(seq):
    """What typical wrong tokenizers return for ``seq``."""
    tokens = reference.tokenize(seq)
    mistakes = [named(tokens + 1, "counted from 1", "count from 0: A=0, C=1, G=2, T=3, N=4."),
                named(torch.where(tokens == 4, -1, tokens), "N numbered -1",
                      "N (a base that could not be read) is token 4."),
                *layouts(tokens, ("L", "positions")), *ends(tokens, "base")]
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3):
            mistakes.append(named(torch.tensor(list(order) + [4])[tokens],
                                  "bases numbered in another order",
                                  "the tokens are A=0, C=1, G=2, T=3 (alphabetical order), "
                                  "and N=4."))
    return mistakes


@exercise("tokenize", weight=2)
@pytest.mark.parametrize("length", [11, 60, 251])
def test_tokenize_matches_the_token_table(student, rng, length):
    """tokenize numbers A, C, G, T, N as 0, 1, 2, 3, 4"""
    seq = all_bases_dna(rng, length)
    got = call_explained(student.call, "tokenize", seq, hints=N_ERRORS)
    expect_close(got, reference.tokenize(seq), hint=TOKENS_HINT,
                 mistakes=lambda: _token_mistakes(seq))


@exercise("tokenize")
def test_tokenize_returns_int64(student, rng):
    """tokenize returns the tokens as a LongTensor (int64) of shape (L,)"""
    seq = random_dna(rng, 20, "ACGTN")
    got = call_explained(student.call, "tokenize", seq, hints=N_ERRORS)
    expect_close(got, reference.tokenize(seq), hint=TOKENS_HINT,
                 mistakes=lambda: _token_mistakes(seq))
    expect_tensor(got, shape=(20,), dtype=torch.long,
                  hint="Tokens are whole numbers: torch.tensor(tokens, dtype=torch.long).")


@exercise("tokenize", weight=2)
def test_tokenize_is_case_insensitive(student, rng):
    """lowercase and mixed-case sequences give the same tokens as uppercase"""
    seq = mixed_case(rng, all_bases_dna(rng, 40))
    got = _call_or_fail(student, "tokenize", seq, expected="the tokens of the uppercase sequence",
                        hint=LOWERCASE_HINT)
    tokens = reference.tokenize(seq)
    expect_close(got, tokens, hint=LOWERCASE_HINT,
                 mistakes=[Suspect(torch.tensor([token if base.isupper() else 4 for token, base
                                                 in zip(tokens.tolist(), seq)]),
                                   LOWERCASE, LOWERCASE_HINT),
                           *_token_mistakes(seq)])


@exercise("tokenize", weight=2)
@pytest.mark.parametrize("bad", ["U", "X"])
def test_tokenize_names_the_bad_character_and_its_position(student, rng, bad):
    """a character that is not a DNA base raises ValueError naming it and its position"""
    position = int(torch.randint(10, 40, (), generator=rng))
    seq = random_dna(rng, position, "ACGT") + bad + random_dna(rng, 9, "ACGT")
    hint = ("Raise ValueError with a message that names the character and its position, "
            'e.g. raise ValueError(f"{base!r} at position {position} is not a DNA base").')
    message = expect_raises(student, "tokenize", (seq,), "ValueError", hint,
                            wrong_type_hint="You raised {raised}; check each base yourself "
                                            f"and raise ValueError. {hint}",
                            no_error_hint=f"{bad!r} is not a DNA base: {hint}")
    named_position = any(re.search(rf"(?<!\d){number}(?!\d)", message)
                         for number in (position, position + 1))
    expect(bad in message and named_position,
           f"a message naming {bad!r} and its position {position}", message, hint,
           mistake="the error message leaves out the character or its position")


# -- one_hot ------------------------------------------------------------------------------------

def _one_hot_mistakes(seq):
    expected = reference.one_hot(seq)
    tokens = reference.tokenize(seq)
    n_rows = (tokens == 4).unsqueeze(1)
    return [*layouts(expected, ("L", "positions"), ("4", "bases"),
                     hints={"(4, L) instead of (L, 4)": TRANSPOSED_HINT}),
            named(torch.eye(5)[tokens], "a fifth column for N",
                  "N gets a row of zeros and there are 4 columns (A, C, G, T), not 5: drop N's "
                  "column."),
            named(torch.where(n_rows, torch.full_like(expected, 0.25), expected),
                  "N as 0.25 in every column",
                  "N must be a row of zeros (no evidence for any base), not 0.25 everywhere."),
            named(torch.where(n_rows, torch.ones_like(expected), expected),
                  "N as 1 in every column", "N must be a row of zeros (no evidence for any base)."),
            *(Suspect(expected[:, list(order)], "columns in another order", CHANNEL_ORDER_HINT)
              for order in itertools.permutations(range(4))
              if order not in ((0, 1, 2, 3), (3, 2, 1, 0)))]


@exercise("one_hot", weight=2)
@pytest.mark.parametrize("length", [11, 60, 251])
def test_one_hot_matches_the_encoding(student, rng, length):
    """one_hot gives one row per position, columns A, C, G, T, and a zero row for N"""
    seq = all_bases_dna(rng, length)
    try:
        got = student.call("one_hot", seq)
    except StudentError as error:
        explain_error(error, {"num_classes": ("one_hot with 4 classes: N fails",
                                              "N (token 4) must become a row of zeros: one-hot "
                                              "encode with 5 classes, then drop the last "
                                              "column."), **N_ERRORS})
    expect_close(got, reference.one_hot(seq), hint="Row i is the one-hot vector of base i: a 1 "
                 "in the column of its base (A, C, G, T), zeros elsewhere.",
                 mistakes=lambda: _one_hot_mistakes(seq))


@exercise("one_hot")
def test_one_hot_is_float32(student, rng):
    """one_hot returns the encoding as float32"""
    seq = random_dna(rng, 13)
    got = student.call("one_hot", seq)
    expect_close(got, reference.one_hot(seq), hint="Row i is the one-hot vector of base i.",
                 mistakes=lambda: _one_hot_mistakes(seq))
    expect_tensor(got, shape=(13, 4), dtype=torch.float32,
                  hint="One-hot vectors are model inputs: return float32 (.float()).")


@exercise("one_hot")
def test_one_hot_is_case_insensitive(student, rng):
    """one_hot of a lowercase sequence equals that of the uppercase sequence"""
    seq = mixed_case(rng, all_bases_dna(rng, 30))
    got = _call_or_fail(student, "one_hot", seq,
                        expected="the one-hot encoding of the uppercase sequence",
                        hint=LOWERCASE_HINT)
    expected = reference.one_hot(seq)
    lowercase = torch.tensor([base.islower() for base in seq]).unsqueeze(1)
    expect_close(got, expected, hint=LOWERCASE_HINT,
                 mistakes=[Suspect(torch.where(lowercase, 0.0, expected), LOWERCASE,
                                   LOWERCASE_HINT), *_one_hot_mistakes(seq)])


# -- encode_batch -------------------------------------------------------------------------------

def _batch_mistakes(expected):
    """What typical wrong ways of stacking one-hot sequences give, ``expected`` (N, L, 4)."""
    return [named(expected.reshape(-1, 4), "torch.cat instead of torch.stack",
                  "torch.cat joins the sequences into one long one: use torch.stack to get a new "
                  "first dimension (N, L, 4)."),
            *layouts(expected, ("N", "sequences"), ("L", "positions"), ("4", "bases"), hints={
                "(N, 4, L) instead of (N, L, 4)": "Each sequence should be (L, 4), not (4, L): "
                                                  "the batch is (N, L, 4).",
                "(L, N, 4) instead of (N, L, 4)": "Stack along a new first dimension (dim=0): "
                                                  "the batch is (N, L, 4)."})]


@exercise("encode_batch", weight=2)
@pytest.mark.parametrize("n_seqs", [1, 5, 32])
def test_encode_batch_stacks_one_hot_sequences(student, rng, n_seqs):
    """encode_batch returns (N, L, 4): sequence, position, base"""
    length = int(torch.randint(9, 40, (), generator=rng))
    seqs = [random_dna(rng, length, "ACGTN") for _ in range(n_seqs)]
    got = student.call("encode_batch", seqs)
    expected = reference.encode_batch(seqs)
    expect_close(got, expected, hint=STACK_HINT, mistakes=lambda: _batch_mistakes(expected))


@exercise("encode_batch")
def test_encode_batch_is_float32(student, rng):
    """encode_batch returns the batch as float32"""
    seqs = [random_dna(rng, 12) for _ in range(3)]
    got = student.call("encode_batch", seqs)
    expected = reference.encode_batch(seqs)
    expect_close(got, expected, hint=STACK_HINT, mistakes=lambda: _batch_mistakes(expected))
    expect_tensor(got, shape=(3, 12, 4), dtype=torch.float32, hint="Return float32, like one_hot.")


@exercise("encode_batch")
def test_encode_batch_refuses_sequences_of_different_lengths(student, rng):
    """sequences of one length are stacked, sequences of different lengths raise ValueError"""
    length = int(torch.randint(10, 30, (), generator=rng))
    seqs = [random_dna(rng, length) for _ in range(4)]
    expected = reference.encode_batch(seqs)
    expect_close(student.call("encode_batch", seqs), expected, hint=STACK_HINT,
                 mistakes=lambda: _batch_mistakes(expected))
    seqs.append(random_dna(rng, length + 3))
    expect_raises(student, "encode_batch", (seqs,), "ValueError",
                  hint="Check that all sequences have the same length before stacking, and "
                       "raise ValueError if not (torch.stack would raise a RuntimeError).")


# -- sigmoid ------------------------------------------------------------------------------------

def _sigmoid_mistakes(z):
    e = torch.exp(-z.abs())
    return [named(torch.sigmoid(-z), "sign error in the exponent",
                  "σ(z) = 1 / (1 + e^(-z)), with a minus sign in the exponent (large z must "
                  "give probabilities near 1)."),
            named(1 + torch.exp(-z), "not the reciprocal",
                  "the sigmoid is 1 divided by (1 + e^(-z))."),
            named(torch.tanh(z), "tanh instead of the sigmoid",
                  "the sigmoid is 1 / (1 + e^(-z))."),
            named(torch.sigmoid(torch.sigmoid(z)), "the sigmoid applied twice",
                  "apply 1 / (1 + e^(-z)) once."),
            named(1 / (1 + e), "the formula for z ≥ 0 used for every z",
                  "for z < 0 the sigmoid is e^(-|z|) / (1 + e^(-|z|)): pick the branch with "
                  "torch.where(z >= 0, ..., ...)."),
            named(e / (1 + e), "the formula for z < 0 used for every z",
                  "for z ≥ 0 the sigmoid is 1 / (1 + e^(-|z|)): pick the branch with "
                  "torch.where(z >= 0, ..., ...)."),
            named(1 / (1 + torch.exp(-z / 2)), "e^(-z/2) instead of e^(-z)",
                  "σ(z) = 1 / (1 + e^(-z)).")]


@exercise("sigmoid", weight=2)
@pytest.mark.parametrize("shape", [(7,), (3, 5)], ids=["1-D", "2-D"])
def test_sigmoid_matches_the_logistic_function(student, rng, shape):
    """sigmoid(z) = 1 / (1 + exp(-z)), elementwise"""
    z = 4 * torch.randn(shape, generator=rng)
    got = student.call("sigmoid", z)
    expect_close(got, torch.sigmoid(z), rtol=1e-4, atol=1e-6, hint=SIGMOID_HINT,
                 mistakes=lambda: _sigmoid_mistakes(z))


@exercise("sigmoid")
def test_sigmoid_of_huge_scores_is_0_or_1(student, rng):
    """sigmoid gives 0 and 1, never nan, for scores around -1000 and 1000"""
    size = 900 + 200 * torch.rand(4, generator=rng)
    z = torch.cat([-size, torch.zeros(1), size])
    got = student.call("sigmoid", z)
    expect(not _has_nan_or_inf(got), "0 and 1 at the extremes, no nan", describe(got),
           HUGE_SCORES_HINT, mistake="e^z overflows for large |z| (nan)")
    expect_close(got, torch.sigmoid(z), atol=1e-6, hint=HUGE_SCORES_HINT,
                 mistakes=lambda: _sigmoid_mistakes(z))


@exercise("sigmoid")
def test_sigmoid_gradient_survives_huge_scores(student, rng):
    """sigmoid of scores around -1000 and 1000 is right and has a finite gradient (no overflow)"""
    size = 900 + 200 * torch.rand(3, generator=rng)
    scores = torch.cat([-size, size])
    z = student.put(scores.clone().requires_grad_())
    try:
        p = student.call_keep("sigmoid", z)
        expect_close(p.value(), torch.sigmoid(scores), atol=1e-6, hint=HUGE_SCORES_HINT)
        p.call("backward", torch.ones(6))
    except StudentError as error:
        explain_error(error, {"does not require grad": ("the sigmoid detached from the graph",
                                                        "Compute the sigmoid with torch "
                                                        "operations only, so gradients flow.")})
    grad = z.attr("grad")
    expect(isinstance(grad, torch.Tensor) and bool(torch.isfinite(grad).all()),
           "a finite gradient (0) at z = ±1000", f"gradient {describe(grad)}",
           "exp(-z) overflows to inf at z = -1000: the value survives (1 / inf = 0), but the "
           "gradient becomes nan and would spoil training. Exponentiate only -|z| (e.g. with "
           "torch.where), as the notebook shows.", mistake="the gradient overflows at large |z|")


@exercise("sigmoid")
def test_sigmoid_is_written_by_hand(student, rng):
    """sigmoid is computed from the formula, not with torch.sigmoid"""
    scores = 2 * torch.randn(5, generator=rng)
    p = student.call_keep("sigmoid", student.put(scores.clone().requires_grad_()))
    expect_close(p.value(), torch.sigmoid(scores), rtol=1e-4, atol=1e-6, hint=SIGMOID_HINT,
                 mistakes=lambda: _sigmoid_mistakes(scores))
    grad_fn = p.attr("grad_fn")
    made_by = grad_fn.type_name if isinstance(grad_fn, Handle) else ""
    expect("SigmoidBackward" not in made_by, "a sigmoid written with torch.exp",
           "the result of torch.sigmoid",
           "Write the formula yourself (torch.exp, +, /): this exercise is about the formula "
           "and its overflow trap, not about torch.sigmoid.", mistake="used torch.sigmoid")


# -- binary_cross_entropy -----------------------------------------------------------------------

def _probabilities_and_labels(rng, n):
    p = 0.02 + 0.96 * torch.rand(n, generator=rng)
    y = (torch.rand(n, generator=rng) < 0.5).float()
    return p, y


@exercise("binary_cross_entropy", weight=2)
@pytest.mark.parametrize("n", [1, 10, 100])
def test_bce_matches_the_formula(student, rng, n):
    """binary_cross_entropy is the mean of -[y log p + (1 - y) log(1 - p)]"""
    p, y = _probabilities_and_labels(rng, n)
    got = student.call("binary_cross_entropy", p, y)
    expect_close(got, reference.binary_cross_entropy(p, y), rtol=1e-4, atol=1e-6,
                 hint=BCE_HINT, mistakes=lambda: _bce_mistakes(p, y))


def _bce_mistakes(p, y):
    """What typical wrong binary cross-entropies of p against y return."""
    positive, negative = y * torch.log(p), (1 - y) * torch.log(1 - p)
    per_sequence = -(positive + negative)
    loss = per_sequence.mean()
    return [*terms({"y log p": positive, "(1 - y) log(1 - p)": negative},
                   "-mean(y log p + (1 - y) log(1 - p))", total=lambda s: -s.mean(), hints={
                       "the sign of the whole result is flipped":
                           "You forgot the minus sign: the loss is "
                           "-[y log p + (1 - y) log(1 - p)], a positive number.",
                       "(1 - y) log(1 - p) is left out":
                           "You forgot the (1 - y) log(1 - p) term: without it, background "
                           "sequences cost nothing."}),
            *mean_over(loss, len(p), "sequences", per_item=per_sequence),
            named(-((1 - y) * torch.log(p) + y * torch.log(1 - p)).mean(), "y and 1 - y swapped",
                  "y goes with log p, and 1 - y with log(1 - p)."),
            named((p - y).pow(2).mean(), "the squared error",
                  "the binary cross-entropy uses logs."),
            named(nn.functional.binary_cross_entropy(p, y), "the logs clamped at -100, not p",
                  "nn.BCELoss clamps each log at -100; here clamp p itself to [eps, 1 - eps] "
                  "with eps = 1e-7, as the notebook says."),
            named(loss / math.log(10), "log10 instead of the natural log",
                  "use the natural log (torch.log), not log10."),
            named(loss / math.log(2), "log2 instead of the natural log",
                  "use the natural log (torch.log), not log2.")]


@exercise("binary_cross_entropy")
def test_bce_of_confident_right_answers_is_finite_and_near_0(student, rng):
    """p exactly 0 for label 0 or exactly 1 for label 1 adds (almost) nothing to the loss, no nan"""
    p, y = _probabilities_and_labels(rng, 12)
    y[:6] = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    p[:6] = y[:6]  # confidently right: the loss of the other six, halved
    got = student.call("binary_cross_entropy", p, y)
    expect(not _has_nan_or_inf(got), "a finite loss", describe(got), CLAMP_HINT, mistake=UNCLAMPED)
    # eps other than 1e-7 shifts each confident term by about eps: tolerated up to 1e-3
    expect_close(got, reference.binary_cross_entropy(p, y), rtol=1e-4, atol=1e-3,
                 hint=BCE_HINT + " A sequence whose p equals its label costs (almost) nothing.",
                 mistakes=lambda: _bce_mistakes(p.clamp(1e-7, 1 - 1e-7), y))


@exercise("binary_cross_entropy")
def test_bce_of_confident_wrong_answers_is_finite_and_large(student, rng):
    """p exactly 1 for label 0 or exactly 0 for label 1 costs a finite -log(eps), about 16"""
    p, y = _probabilities_and_labels(rng, 12)
    y[:6] = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    p[:6] = 1 - y[:6]  # confidently wrong
    got = student.call("binary_cross_entropy", p, y)
    expect(not _has_nan_or_inf(got), "a finite loss", describe(got), CLAMP_HINT, mistake=UNCLAMPED)
    # 2%: in float32 1 - 1e-7 rounds to 1 - 1.19e-7, so log(1 - p + eps) or another way of
    # clamping with eps = 1e-7 gives a slightly different -log(eps)
    expect_close(got, reference.binary_cross_entropy(p, y), rtol=0.02, hint=CLAMP_HINT,
                 mistakes=lambda: _bce_mistakes(p.clamp(1e-7, 1 - 1e-7), y))


def _has_nan_or_inf(value):
    try:
        return not bool(torch.isfinite(torch.as_tensor(value, dtype=torch.float64)).all())
    except (TypeError, ValueError, RuntimeError):
        return False


def _finite_number(value):
    try:
        return bool(torch.isfinite(torch.as_tensor(value, dtype=torch.float64)).all()) and \
            torch.as_tensor(value).numel() == 1
    except (TypeError, ValueError, RuntimeError):
        return False


@exercise("binary_cross_entropy")
def test_bce_returns_a_0d_tensor_with_graph(student, rng):
    """binary_cross_entropy returns a 0-d tensor that keeps the graph"""
    p, y = _probabilities_and_labels(rng, 8)
    loss = student.call_keep("binary_cross_entropy", student.put(p.requires_grad_()), y)
    value = loss.value()
    expect_tensor(value, hint="Return the mean as a 0-d tensor, not loss.item() or a Python "
                              "float.")
    expect_close(value, reference.binary_cross_entropy(p, y), rtol=1e-4, atol=1e-6,
                 hint=BCE_HINT, mistakes=lambda: _bce_mistakes(p.detach(), y))
    expect(loss.attr("grad_fn") is not None, "a tensor with a grad_fn",
           describe(value) + " without grad_fn",
           "Compute the loss with torch operations on p, without .detach() or .item().",
           mistake="the loss detached from the graph")


# -- PromoterDataset ----------------------------------------------------------------------------

def _sequences_and_labels(rng, n, length):
    seqs = [random_dna(rng, length) for _ in range(n)]
    labels = (torch.rand(n, generator=rng) < 0.5).long().tolist()
    return seqs, labels


def _student_dataset(student, seqs, labels):
    return call_explained(student.call_keep, "PromoterDataset", seqs, labels, hints={
        "object is not callable": ("PromoterDataset is not a class",
                                   "PromoterDataset must be a class "
                                   "(class PromoterDataset(Dataset)).")})


@exercise("PromoterDataset")
def test_dataset_has_one_item_per_sequence(student, rng):
    """len(dataset) is the number of sequences"""
    seqs, labels = _sequences_and_labels(rng, 9, 15)
    dataset = _student_dataset(student, seqs, labels)
    expect_equal(dataset.call("__len__"), 9, hint="__len__ returns the number of sequences.",
                 mistakes=[*off_by_one(9, "sequence"),
                           named(15, "the length of a sequence, not their number",
                                 "__len__ returns the number of sequences.")])


@exercise("PromoterDataset")
def test_dataset_item_holds_the_one_hot_sequence(student, rng):
    """item i holds the one-hot sequence i, (L, 4) float32"""
    seqs, labels = _sequences_and_labels(rng, 7, 20)
    dataset = _student_dataset(student, seqs, labels)
    for i in (0, 3, 6):
        x, _ = _item(dataset, i)
        expected_x = reference.one_hot(seqs[i])
        expect_close(x, expected_x, hint=f"Item {i} should hold the one-hot encoding of "
                                         f"sequence {i}.",
                     mistakes=[*layouts(expected_x, ("L", "positions"), ("4", "bases"),
                                        hints={"(4, L) instead of (L, 4)": TRANSPOSED_HINT}),
                               named(reference.tokenize(seqs[i]), "tokens instead of one-hot",
                                     "return the one-hot encoding (L, 4), not the tokens."),
                               *_neighbour_items(i, [reference.one_hot(seq) for seq in seqs]),
                               named(reference.encode_batch(seqs), "the whole batch as one item",
                                     "item i is the one-hot encoding of sequence i alone.")])
        expect_tensor(x, dtype=torch.float32, hint="The sequence should be float32 one-hot.")


@exercise("PromoterDataset")
@pytest.mark.parametrize("labels_as", ["list", "tensor"])
def test_dataset_item_holds_a_float_label(student, rng, labels_as):
    """item i holds label i as a 0-d float32 tensor"""
    seqs, labels = _sequences_and_labels(rng, 7, 20)
    given = labels if labels_as == "list" else torch.tensor(labels)
    dataset = _student_dataset(student, seqs, given)
    for i in (0, 3, 6):
        _expect_label(_item(dataset, i)[1], labels[i], labels, i)


def _neighbour_items(i, items):
    """Item i + 1 or i - 1 where item i was meant: an index that starts at 1, or one late."""
    return [named(items[j], f"item i holds item {label}",
                  "item i is sequence i and label i, counting from 0.")
            for j, label in ((i + 1, "i + 1"), (i - 1, "i - 1")) if j < len(items)]


def _item(dataset, i):
    item = dataset.call("__getitem__", i)
    expect(isinstance(item, (tuple, list)) and len(item) == 2, "a pair (x, y)", describe(item),
           "__getitem__(i) returns two things: the one-hot sequence and its label.")
    return item


def _expect_label(y, label, labels, i):
    """Item i's label y is labels[i] as a 0-d float32 tensor."""
    if isinstance(y, torch.Tensor) and tuple(y.shape) == (1,):
        raise CheckFailed(expected="a 0-d float32 tensor", got=describe(y),
                          hint="The label should be 0-d (torch.tensor(1.0), not "
                               "torch.tensor([1.0])), so a batch of labels has shape (B,).",
                          mistake="labels of shape (1,)")
    expect_tensor(y, hint="Return the label as a tensor, e.g. torch.tensor(float(label)).")
    expect_tensor(y, shape=(), dtype=torch.float32,
                  hint="The label must be float32 (nn.BCELoss compares probabilities with float "
                       "targets): e.g. torch.tensor(float(label)).")
    expect_close(y, float(label), hint="The label of item i is labels[i].",
                 mistakes=[Suspect(float(value), mistake, hint) for value, mistake, hint
                           in _neighbour_items(i, labels)])


@exercise("PromoterDataset")
def test_dataloader_batches_the_dataset(student, rng):
    """a DataLoader over the dataset gives x (B, L, 4) float32 and y (B,) float32"""
    seqs, labels = _sequences_and_labels(rng, 10, 12)
    dataset = _student_dataset(student, seqs, labels)
    batches = student.make("torch.utils.data.DataLoader", dataset, batch_size=4)
    try:
        batch = student.make("builtins.next", student.make("builtins.iter", batches)).value()
    except StudentError as error:
        explain_error(error, {"default_collate": "Items must be tensors: (one-hot (L, 4), "
                                                 "0-d label tensor)."})
    expect(isinstance(batch, (tuple, list)) and len(batch) == 2, "a batch (x, y)",
           describe(batch), "__getitem__(i) returns two things: the sequence and its label.")
    expect_tensor(batch[0], shape=(4, 12, 4), dtype=torch.float32,
                  hint="Items should be one-hot sequences of shape (L, 4).")
    expect_close(batch[0], reference.encode_batch(seqs[:4]),
                 hint="Item i holds the one-hot encoding of sequence i.")
    expect_tensor(batch[1], shape=(4,), dtype=torch.float32,
                  hint="Labels should be 0-d float32 tensors, so a batch of them is (B,).")
    expect_close(batch[1], torch.tensor(labels[:4], dtype=torch.float32),
                 hint="Item i holds labels[i].")


# -- make_loaders -------------------------------------------------------------------------------

def _numbered_dataset(student, first, n):
    """A TensorDataset in the sandbox whose item i is (first + i, label): order is visible."""
    numbers = torch.arange(first, first + n)
    return student.make("torch.utils.data.TensorDataset", numbers, (numbers % 2).float())


def _student_loaders(student, rng, n_train=50, n_test=23):
    batch_size = int(torch.randint(5, 12, (), generator=rng))
    got = student.call("make_loaders", _numbered_dataset(student, 0, n_train),
                       _numbered_dataset(student, 100, n_test), batch_size)
    expect(isinstance(got, (tuple, list)) and len(got) == 2
           and all(isinstance(loader, Handle) for loader in got),
           "(train_loader, test_loader)", describe(got),
           "Return two DataLoaders: (train_loader, test_loader).")
    return got[0], got[1], batch_size


SWAPPED_LOADERS = "the training and test loaders swapped"


def _one_epoch(student, loader):
    """The numbers a loader yields in one epoch, in order, and its batch sizes."""
    batches = student.make("builtins.list", loader).value()
    numbers = [int(n) for batch in batches for n in torch.as_tensor(batch[0]).reshape(-1)]
    return numbers, [len(batch[0]) for batch in batches]


@exercise("make_loaders", weight=2)
def test_training_loader_shuffles_every_epoch(student, rng):
    """the training loader gives the training examples in a new random order every epoch"""
    train_loader, test_loader, _ = _student_loaders(student, rng)
    first, _ = _one_epoch(student, train_loader)
    second, _ = _one_epoch(student, train_loader)
    if set(first) <= set(range(100, 123)):
        raise CheckFailed(expected="the training examples first", got="the test examples",
                          hint="Return (train_loader, test_loader) in this order.",
                          mistake=SWAPPED_LOADERS)
    expect(len(set(first)) == len(first) and set(first) <= set(range(50)) and len(first) > 40,
           "every training example once per epoch", f"{len(first)} examples",
           "The training loader should go through the training set once per epoch.",
           mistake="the training loader misses examples")
    expect(first != sorted(first), "a shuffled order", "the dataset's order",
           "The training loader must shuffle (shuffle=True): sorted data (all negatives, then "
           "all positives) would make every batch one-sided.",
           mistake="the training set not shuffled")
    expect(first != second, "a new order in every epoch", "the same order twice",
           "Shuffle anew every epoch: let the DataLoader shuffle (shuffle=True) instead of "
           "shuffling the data once.", mistake="shuffled once, not every epoch")


@exercise("make_loaders", weight=2)
def test_test_loader_keeps_the_order(student, rng):
    """the test loader gives every test example once, in the dataset's order, every epoch"""
    _, test_loader, _ = _student_loaders(student, rng)
    first, _ = _one_epoch(student, test_loader)
    second, _ = _one_epoch(student, test_loader)
    in_order = list(range(100, 123))
    if set(first) <= set(range(50)):
        raise CheckFailed(expected="the test examples", got="the training examples",
                          hint="Return (train_loader, test_loader) in this order.",
                          mistake=SWAPPED_LOADERS)
    expect(first == in_order and second == in_order, "the test set in its own order",
           "a shuffled order" if sorted(first) == in_order else f"{len(first)} examples",
           "Do not shuffle the test set (shuffle=False): it is only evaluated, and a fixed "
           "order makes evaluation repeatable.",
           mistake="the test set shuffled" if sorted(first) == in_order
           else "the test loader misses examples")


@exercise("make_loaders")
def test_loaders_use_the_batch_size(student, rng):
    """both loaders make batches of batch_size"""
    train_loader, test_loader, batch_size = _student_loaders(student, rng)
    for student_loader in (train_loader, test_loader):
        _, sizes = _one_epoch(student, student_loader)
        expect(sizes and sizes[0] == batch_size, f"batches of {batch_size}",
               f"batches of {sizes[:3]}", "Pass batch_size to both DataLoaders.",
               mistake="batch_size not passed to the loaders")


# -- LogisticRegression -------------------------------------------------------------------------

def _student_model(student, seq_len):
    return call_explained(student.call_keep, "LogisticRegression", seq_len, hints={
        "before Module.__init__() call": ("super().__init__() not called first",
                                          "Call super().__init__() first in __init__.")})


def _probabilities(model, x):
    """The student's ``model(x)``; known errors fail the check with their hint."""
    return call_explained(model, x, hints={
        "cannot be multiplied": ("flattened the wrong way for nn.Linear(seq_len * 4, 1)",
                                 FLATTEN_HINT),
        "not callable": ("no forward method", "Define forward(self, x) in your class.")})


def _random_logistic_regression(rng, seq_len):
    """The reference LogisticRegression with random weights drawn from ``rng``."""
    model = reference.LogisticRegression(seq_len)
    with torch.no_grad():
        model.linear.weight.copy_(0.3 * torch.randn(1, seq_len * 4, generator=rng))
        model.linear.bias.copy_(0.2 * torch.randn(1, generator=rng))
    return model


def _load_reference_weights(model, reference_model, seq_len):
    """Copy the reference's weights into the student's model, whatever its layer is called."""
    shapes = state_shapes(model)
    pairs = pair_by_shape(shapes, [reference_model.linear.weight, reference_model.linear.bias],
                          same_size=True)
    expect(pairs is not None, f"one weight tensor of {seq_len * 4} numbers and one bias",
           "parameters " + (", ".join(f"{key} {shape}" for key, shape in shapes.items())
                            or "none"),
           "The model is one nn.Linear(seq_len * 4, 1): one weight per (position, base) and one "
           "bias.", mistake="not one nn.Linear(seq_len * 4, 1)")
    model.call("load_state_dict", pairs, strict=False)


def _output_with_reference_weights(student, rng, seq_len, n):
    """(the student's model's output, the reference's) on n random sequences, both models with
    the same weights: so only a model that computes something earns its shape checks."""
    reference_model = _random_logistic_regression(rng, seq_len)
    model = _student_model(student, seq_len)
    _load_reference_weights(model, reference_model, seq_len)
    x = random_one_hot(rng, n, seq_len, with_n=True)
    with torch.no_grad():
        return _probabilities(model, x), reference_model(x)


@exercise("LogisticRegression")
@pytest.mark.parametrize("seq_len, n", [(3, 5), (17, 2), (251, 8)])
def test_model_outputs_one_probability_per_sequence(student, rng, seq_len, n):
    """the model maps (N, L, 4) to probabilities of shape (N,)"""
    got, expected = _output_with_reference_weights(student, rng, seq_len, n)
    expect_one_per_sequence(got, n)
    expect(bool(((got >= 0) & (got <= 1)).all()), "probabilities between 0 and 1",
           describe(got), "Apply the sigmoid to the score.")
    expect_close(got, expected, hint=MODEL_HINT)


@exercise("LogisticRegression")
def test_model_keeps_the_batch_dimension_for_one_sequence(student, rng):
    """a batch of one sequence gives its probability with shape (1,), not a 0-d tensor"""
    got, expected = _output_with_reference_weights(student, rng, 9, 1)
    expect_one_per_sequence(got, 1)
    expect_close(got, expected, hint=MODEL_HINT)


@exercise("LogisticRegression")
@pytest.mark.parametrize("seq_len", [4, 251])
def test_model_has_one_weight_per_position_and_base(student, rng, seq_len):
    """the model has seq_len * 4 weights and one bias"""
    state = _student_model(student, seq_len).call("state_dict")
    sizes = [value.numel() for value in state.values() if isinstance(value, torch.Tensor)]
    expect_equal(sum(sizes), seq_len * 4 + 1,
                 hint="One weight per (position, base) plus one bias: nn.Linear(seq_len * 4, 1).",
                 mistakes=[named(seq_len + 1, "one weight per position, not per (position, base)",
                                 "the input has seq_len * 4 numbers, so use "
                                 "nn.Linear(seq_len * 4, 1)."),
                           named(seq_len * 4, "no bias",
                                 "keep the bias (nn.Linear's default bias=True).")])


@exercise("LogisticRegression", weight=3)
@pytest.mark.parametrize("seq_len", [5, 40])
def test_model_computes_sigmoid_of_a_linear_score(student, rng, seq_len):
    """with the same weights, the model gives sigmoid(w · flatten(x) + b)"""
    reference_model = _random_logistic_regression(rng, seq_len)
    model = _student_model(student, seq_len)
    _load_reference_weights(model, reference_model, seq_len)
    x = random_one_hot(rng, 6, seq_len, with_n=True)
    got = _probabilities(model, x)
    with torch.no_grad():
        expected = reference_model(x)
        score = reference_model.linear(x.flatten(start_dim=1)).squeeze(1)
        transposed = torch.sigmoid(reference_model.linear(x.transpose(1, 2).flatten(1)))
    expect_close(got, expected, hint=MODEL_HINT,
                 mistakes=[named(score, "the sigmoid left out",
                                 "you returned the score w · x + b: apply the sigmoid to turn it "
                                 "into a probability."),
                           named(expected.unsqueeze(1), "output of shape (N, 1), not (N,)",
                                 "nn.Linear returns (N, 1): squeeze the last dimension "
                                 "(.squeeze(1)) to return (N,)."),
                           named(1 - expected, "sign error in the sigmoid",
                                 "σ(z) = 1 / (1 + e^(-z))."),
                           named(torch.sigmoid(expected), "the sigmoid applied twice",
                                 "apply the sigmoid once, to the score."),
                           named(transposed.squeeze(1), "flattened (N, 4, L), not (N, L, 4)",
                                 "flatten x as it comes, (N, L, 4), with "
                                 "x.flatten(start_dim=1); do not transpose it to (N, 4, L).")])


# -- train_epoch --------------------------------------------------------------------------------

def _layers(seq_len, in_place_relu=False, dropout=False):
    """A (B, L, 4) -> (B,) probability model made only of torch layers: (name, args, kwargs)."""
    layers = [("ReLU", (), {"inplace": True})] if in_place_relu else []
    layers += [("Dropout", (0.5,), {})] if dropout else []
    return layers + [("Flatten", (), {}), ("Linear", (seq_len * 4, 1), {}), ("Sigmoid", (), {}),
                     ("Flatten", (0,), {})]


def _linear_state(rng, layers, seq_len):
    index = [name for name, _, _ in layers].index("Linear")
    return {f"{index}.weight": 0.5 * torch.randn(1, seq_len * 4, generator=rng),
            f"{index}.bias": 0.1 * torch.randn(1, generator=rng)}


def _sandbox_model(student, layers, state):
    return twin(student, layers, state=state)[1]


def _learnable_problem(rng, n, seq_len):
    """One-hot DNA x (n, L, 4) and labels y (n,): 'is there a G at position 2?', 10% flipped."""
    x = random_one_hot(rng, n, seq_len, with_n=True)
    flipped = torch.rand(n, generator=rng) < 0.1
    y = (x[:, 2, 2] == 1).float()
    return x, torch.where(flipped, 1 - y, y)


def _student_epoch(student, model, loader, optimizer):
    try:
        return student.call("train_epoch", model, loader, optimizer,
                            student.make("torch.nn.BCELoss"))
    except StudentError as error:
        explain_error(error, {"target should be between 0 and 1": (
                                  "loss_fn(y, model(x)): prediction and target swapped",
                                  LOSS_ORDER_HINT),
                              "does not require grad": (
                                  "backward() on a detached loss",
                                  "Call backward() on the loss tensor itself, before .item().")})


def _bce(model, x, y):
    return nn.BCELoss()(model(x), y)


def _replayed_epoch(layers, state, x, y, batch_size, lr, **mistake):
    """(the model's state, its batch losses) after one epoch of SGD over unshuffled batches,
    right or with a typical mistake (``replay_sgd``'s keywords: order, step_each_batch)."""
    model = restored(layers, state)
    losses = replay_sgd(model, list(zip(x.split(batch_size), y.split(batch_size))), lr, _bce,
                        **mistake)
    return model.state_dict(), losses


def _sgd_setup(student, rng, lr=0.5, n=50, batch_size=16, seq_len=12):
    """The same model, data and SGD optimizer in the sandbox and here."""
    layers = _layers(seq_len)
    state = _linear_state(rng, layers, seq_len)
    x, y = _learnable_problem(rng, n, seq_len)
    model = _sandbox_model(student, layers, state)
    optimizer = student.make("torch.optim.SGD", model.call("parameters"), lr=lr)
    return layers, state, x, y, model, loader(student, x, y, batch_size), optimizer


ONE_STEP = "optimizer.step() once, after the loop"
EPOCH_HINT = ("For every batch: optimizer.zero_grad(), loss = loss_fn(model(x), y), "
              "loss.backward(), optimizer.step().")


def _epoch_mistakes(replayed, value_of):
    """The typical wrong epochs: ``replayed(**mistake)`` replays one, ``value_of`` takes what a
    check compares from its (state, batch losses). The wrong orders that leave the model as it
    was are one suspect: they cannot be told apart."""
    untrained = value_of(*replayed(order=()))
    steps = [suspect for suspect in orders(lambda order: value_of(*replayed(order=order)),
                                           TRAINING_STEPS,
                                           hints={"optimizer.zero_grad() left out":
                                                  ZERO_GRAD_HINT})
             if not is_close(suspect.value, untrained)]
    return [*steps,
            named(untrained, "the model never changed during the epoch",
                  "call loss.backward() and then optimizer.step() for every batch, with no "
                  "zero_grad() between them."),
            *(named(value_of(*replayed(step_each_batch=False, **once)), ONE_STEP,
                    "only one step was taken: call optimizer.step() inside the loop, once per "
                    "batch.")
              for once in ({}, {"order": TRAINING_STEPS[1:2]}))]  # zero_grad() per batch or not


@exercise("train_epoch", weight=2)
def test_epoch_takes_one_sgd_step_per_batch(student, rng):
    """after one epoch the weights are those of one SGD step per batch"""
    lr, batch_size = 0.5, 16
    layers, state, x, y, model, loader, optimizer = _sgd_setup(student, rng, lr=lr,
                                                               batch_size=batch_size)
    _student_epoch(student, model, loader, optimizer)
    got = model.call("state_dict")
    expected, _ = _replayed_epoch(layers, state, x, y, batch_size, lr)
    expect_updated(got, expected, state,
                   hint="The weights did not change: call loss.backward() and optimizer.step() "
                        "for every batch, and no zero_grad() between them.")
    expect_close(got["1.weight"], expected["1.weight"], rtol=1e-3, atol=1e-5, hint=EPOCH_HINT,
                 mistakes=lambda: _epoch_mistakes(
                     lambda **mistake: _replayed_epoch(layers, state, x, y, batch_size, lr,
                                                       **mistake),
                     lambda trained, _: trained["1.weight"]))


@exercise("train_epoch")
def test_epoch_returns_the_mean_loss_per_sequence(student, rng):
    """train_epoch returns the epoch's mean loss per sequence"""
    lr, batch_size, n = 0.5, 16, 50  # batches of 16, 16, 16 and 2
    layers, state, x, y, model, loader, optimizer = _sgd_setup(student, rng, lr=lr, n=n,
                                                               batch_size=batch_size)
    got = _student_epoch(student, model, loader, optimizer)
    sizes = [len(chunk) for chunk in y.split(batch_size)]

    def mean_loss(_, losses):
        return sum(loss * size for loss, size in zip(losses, sizes)) / n

    replayed = functools.partial(_replayed_epoch, layers, state, x, y, batch_size, lr)
    losses = replayed()[1]
    expect_close(got, mean_loss(None, losses), rtol=1e-4,
                 hint="Add loss.item() * len(y) for every batch and divide by the number of "
                      "sequences.",
                 mistakes=lambda: [*batches(losses, sizes, "sequences", hints={
                               "the mean of the batch means":
                                   "The mean of the batch means: weight each batch's loss by "
                                   "its size (loss.item() * len(y)), the last batch is smaller "
                                   "than the others.",
                               "the last batch alone": "The last batch alone: return the mean "
                                                       "over all batches, not the loss of the "
                                                       "last batch."}),
                           *_epoch_mistakes(replayed, mean_loss)])


@exercise("train_epoch")
def test_epoch_returns_a_float(student, rng):
    """train_epoch returns the epoch's mean loss as a Python float"""
    lr, batch_size = 0.5, 16
    layers, state, x, y, model, loader, optimizer = _sgd_setup(student, rng, lr=lr,
                                                               batch_size=batch_size)
    got = _student_epoch(student, model, loader, optimizer)
    _, losses = _replayed_epoch(layers, state, x, y, batch_size, lr)
    sizes = [len(chunk) for chunk in y.split(batch_size)]
    expect_close(got, sum(loss * size for loss, size in zip(losses, sizes)) / len(y), rtol=1e-4,
                 hint="Add loss.item() * len(y) for every batch and divide by the number of "
                      "sequences.", mistakes=lambda: batches(losses, sizes, "sequences"))
    expect(isinstance(got, float), "a Python float", describe(got),
           "Return a plain number: accumulate loss.item(), not the loss tensor.",
           mistake=f"returned a {type(got).__name__}, not a float")


@exercise("train_epoch")
def test_training_lowers_the_loss(student, rng):
    """epochs of training with Adam lower the loss"""
    seq_len = 12
    layers = _layers(seq_len)
    x, y = _learnable_problem(rng, 64, seq_len)
    model = _sandbox_model(student, layers, _linear_state(rng, layers, seq_len))
    optimizer = student.make("torch.optim.Adam", model.call("parameters"), lr=0.05)
    training = loader(student, x, y, 16)
    losses = [_student_epoch(student, model, training, optimizer) for _ in range(5)]
    expect(_finite_number(losses[0]) and _finite_number(losses[-1])
           and float(losses[-1]) < 0.8 * float(losses[0]),
           "the loss to fall over 5 epochs", describe(losses),
           "Every batch needs zero_grad, backward and step, in that order.")


@functools.lru_cache(maxsize=1)
def _held_out_promoters():
    """500 fresh promoter-like sequences that no notebook has seen (the notebook's own test
    split is public, so a model could memorize it): x (N, 251, 4) uint8 one-hot, y (N,)
    float32. Drawn from the same generator as the synthetic stand-in the graded notebooks
    train on (the sandbox holds no Genomic Benchmarks folder), so the reference reaches the
    same accuracy on them (0.85-0.86)."""
    frame = synthetic_dna.promoter_like(n_train=0, n_test=500, seed=HELD_OUT_SEED)
    return (reference.encode_batch(list(frame["sequence"])).to(torch.uint8),
            torch.tensor(frame["label"].to_numpy(), dtype=torch.float32))


def _expect_the_model_class_works(student):
    """Section 11 builds promoter_model with LogisticRegression: while that is a stub (or
    fails), say so, rather than only that the notebook holds no promoter_model. Asked first,
    because asking for a missing variable ends the exercise."""
    try:
        student.call_keep("LogisticRegression", 1)
    except StudentError as error:
        if error.kind not in ("not_implemented", "missing", "exception"):
            raise
        reason = ("is not implemented yet" if error.kind == "not_implemented"
                  else f"fails: {error.message}")
        raise CheckFailed(expected=f"a trained model named {TRAINED_MODEL}",
                          got=f"none: LogisticRegression {reason}",
                          hint="Write LogisticRegression (section 8) and train_epoch (section 9), "
                               "then run the training cell of section 11.") from None


@exercise(TRAINED_MODEL)
def test_trained_promoter_model_reaches_the_stated_accuracy(student):
    """the notebook's trained promoter_model classifies the held-out test sequences well"""
    _expect_the_model_class_works(student)
    try:
        model = student.get(TRAINED_MODEL)
    except StudentError as error:
        if error.kind != "missing":
            raise
        raise CheckFailed(expected=f"a trained model named {TRAINED_MODEL}",
                          got="no such variable",
                          hint="Run the training cell of section 11, and keep the name "
                               f"{TRAINED_MODEL} for the Adam-trained model.") from None
    expect(isinstance(model, Handle), "a trained model", describe(model),
           f"{TRAINED_MODEL} should be the LogisticRegression trained in section 11.")
    model.call("eval")
    x, y = _held_out_promoters()
    # sent as bytes (a quarter of float32's size), made float32 inside
    p = _probabilities(model, student.make("torch.as_tensor", x, dtype=torch.float32))
    expect(isinstance(p, torch.Tensor) and p.numel() == len(x), f"{len(x)} probabilities",
           describe(p), "The model should return one probability per sequence, shape (N,).")
    reached = float(((p.detach().reshape(-1) > 0.5).float() == y).float().mean())
    expect(reached >= REQUIRED_TEST_ACCURACY,
           f"a test accuracy of at least {REQUIRED_TEST_ACCURACY:.2f} (the reference reaches "
           f"{STATED_TEST_ACCURACY:.2f})", f"{reached:.3f}",
           "Train promoter_model as in section 11 (Adam, lr=1e-3, 5 epochs, nn.BCELoss) on "
           "sequences encoded with your one_hot; check one_hot, LogisticRegression and "
           "train_epoch.")


# -- accuracy -----------------------------------------------------------------------------------

def _accuracy_problem(rng, layers, state, n=50, seq_len=12):
    """Sequences and labels on which the model is right about 70% of the time."""
    x = random_one_hot(rng, n, seq_len, with_n=True)
    with torch.no_grad():
        predicted = (restored(layers, state).eval()(x) > 0.5).float()
    flipped = torch.rand(n, generator=rng) < 0.3
    return x, torch.where(flipped, 1 - predicted, predicted)


ACCURACY_HINT = ("Call model.eval() first (the model may use dropout), predict 1 where p > 0.5, "
                 "and divide the number of correct predictions by the number of sequences.")
TRAINING_MODE = "the model evaluated in training mode"


def _reference_accuracy(layers, state, x, y, batch_size):
    return reference.accuracy(restored(layers, state), loader(None, x, y, batch_size))


def _student_accuracy(student, model, loader):
    try:
        return student.call("accuracy", model, loader)
    except StudentError as error:
        explain_error(error, {"leaf Variable": (
            "evaluated with gradient tracking (no torch.no_grad())",
            "Evaluate inside `with torch.no_grad():`: your accuracy recorded the autograd graph "
            "of every batch (a model with an in-place layer then fails).")})


def _accuracy_mistakes(layers, state, x, y, batch_size):
    """What typical wrong accuracies of the model on (x, y) in batches of ``batch_size`` are."""
    with torch.no_grad():
        p = restored(layers, state).eval()(x)
    right = ((p > 0.5).float() == y).float()
    chunks = right.split(batch_size)
    return [*batches([float(chunk.mean()) for chunk in chunks], [len(c) for c in chunks],
                     "sequences", hints={
                         "the total not divided by the number of sequences":
                             "The total not divided by the number of sequences: return a "
                             "fraction, the number of correct predictions divided by the "
                             "number of sequences.",
                         "the mean of the batch means":
                             "The mean of the batch means: count correct predictions over all "
                             "batches and divide by the number of sequences; averaging batch "
                             "accuracies overweights the smaller last batch."}),
            named(float(y.mean()), "thresholded at 0, not 0.5",
                  "threshold the probabilities at 0.5 (p > 0.5), not at 0."),
            *(named(value, "the error rate (or inverted predictions), not the accuracy",
                    "count the predictions that equal the label, predicting 1 (promoter) where "
                    "p > 0.5.")
              for value in (float(1 - right.mean()), float(((p < 0.5).float() == y).float()
                                                           .mean())))]


def _counted_model(student, layers, state):
    """The sandbox twin of ``layers`` with ``state``, behind ``dlbio_inside.counted`` (its
    ``training_calls`` say how often it ran in training mode); in training mode."""
    return student.make("dlbio_inside.counted", _sandbox_model(student, layers, state))


def _expect_evaluated(model, got, expected):
    """A wrong accuracy from a model that ran in training mode says so."""
    if not is_close(got, expected, rtol=1e-6) and model.attr("training_calls"):
        raise CheckFailed(expected="the model evaluated in eval mode",
                          got=f"{model.attr('training_calls')} of {model.attr('calls')} calls in "
                              "training mode",
                          hint="Call model.eval() before predicting: in training mode dropout "
                               "switches units off at random.", mistake=TRAINING_MODE)


@exercise("accuracy", weight=2)
@pytest.mark.parametrize("batch_size", [16, 64])
def test_accuracy_is_the_fraction_classified_right(student, rng, batch_size):
    """accuracy is the fraction of sequences with (p > 0.5) == label, in eval mode"""
    seq_len, n = 12, 50
    layers = _layers(seq_len, dropout=True)
    state = _linear_state(rng, layers, seq_len)
    x, y = _accuracy_problem(rng, layers, state, n, seq_len)
    model = _counted_model(student, layers, state)  # in training mode: dropout is active
    got = _student_accuracy(student, model, loader(student, x, y, batch_size))
    expected = _reference_accuracy(layers, state, x, y, batch_size)
    _expect_evaluated(model, got, expected)
    expect_close(got, expected, rtol=1e-6, hint=ACCURACY_HINT,
                 mistakes=lambda: _accuracy_mistakes(layers, state, x, y, batch_size))


@exercise("accuracy")
def test_accuracy_leaves_the_model_in_eval_mode(student, rng):
    """the model is in eval mode after accuracy"""
    seq_len = 12
    layers = _layers(seq_len, dropout=True)
    state = _linear_state(rng, layers, seq_len)
    x, y = _accuracy_problem(rng, layers, state, 23, seq_len)  # k / 23: no round number
    model = _counted_model(student, layers, state)
    got = _student_accuracy(student, model, loader(student, x, y, 8))
    expected = _reference_accuracy(layers, state, x, y, 8)
    _expect_evaluated(model, got, expected)
    expect_close(got, expected, rtol=1e-6, hint=ACCURACY_HINT,
                 mistakes=lambda: _accuracy_mistakes(layers, state, x, y, 8))
    expect(model.attr("training") is False, "the model in eval mode", "the model in train mode",
           "Call model.eval() at the start of accuracy, and do not switch back to train mode.",
           mistake="the model switched back to training mode")


@exercise("accuracy")
def test_accuracy_does_not_track_gradients(student, rng):
    """accuracy runs without gradient tracking (torch.no_grad)"""
    seq_len = 10
    layers = _layers(seq_len, in_place_relu=True)
    state = _linear_state(rng, layers, seq_len)
    x, y = _accuracy_problem(rng, layers, state, 24, seq_len)
    # The model starts with an in-place ReLU, which the probe loader's batches refuse unless
    # gradient tracking is off; otherwise an ordinary loader (len(loader.dataset) works).
    probe = gradient_probe_loader(student, x, y, 8)
    got = _student_accuracy(student, _sandbox_model(student, layers, state), probe)
    expected = reference.accuracy(restored(layers, state), list(zip(x.split(8), y.split(8))))
    expect_close(got, expected, rtol=1e-6, hint="Predict 1 where p > 0.5 and divide the number "
                                                "of correct predictions by the number of "
                                                "sequences.",
                 mistakes=lambda: _accuracy_mistakes(layers, state, x, y, 8))


@exercise("accuracy")
def test_accuracy_returns_a_float(student, rng):
    """accuracy returns the fraction right as a Python float"""
    seq_len = 8
    layers = _layers(seq_len)
    state = _linear_state(rng, layers, seq_len)
    x, y = _accuracy_problem(rng, layers, state, 23, seq_len)  # k / 23: no round number
    got = _student_accuracy(student, _sandbox_model(student, layers, state),
                            loader(student, x, y, 8))
    expect_close(got, _reference_accuracy(layers, state, x, y, 8), rtol=1e-6, hint=ACCURACY_HINT,
                 mistakes=lambda: _accuracy_mistakes(layers, state, x, y, 8))
    expect(isinstance(got, float), "a Python float", describe(got),
           "Return a plain number, e.g. n_correct / n_seen with n_correct from .item().",
           mistake=f"returned a {type(got).__name__}, not a float")
