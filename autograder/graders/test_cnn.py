"""Hidden grader of assignment 04: a 1D convolutional network on DNA.

Every input is drawn here (the student never sees it), every expected value comes from
``solutions.cnn``, and typical mistakes are recognized by what they return. The CNN is judged by
behaviour only: its parameter shapes and count, its outputs once the reference weights are loaded
into it, and what its pooling does to a motif that moves.
"""
import math

import pytest
import torch
import torch.nn.functional as F

import solutions.cnn as reference
from autograder.checks import (CheckFailed, call_explained, describe, exercise, expect,
                               expect_close, expect_equal, expect_one_per_sequence, expect_raises,
                               expect_tensor, expect_uses, explain_error, is_close)
from autograder.diagnosis import Suspect, ends, layouts, named, off_by_one, terms
from autograder.grading_kit import (BASES, load_state, one_hot, pair_by_shape, random_dna,
                                    random_one_hot, state_shapes, twin)
from autograder.student import StudentError

SCAN_HINT = ("feature_map[i] = sum(x[i:i+K] * filt) + bias, for every position i where the whole "
             "filter fits: i = 0, 1, ..., L - K (that is L - K + 1 positions).")
SCAN_ERRORS = {"must match the size of tensor": (
                   "one position too many", "Off-by-one: your last window is shorter than the "
                                            "filter. A filter of K bases fits at L - K + 1 "
                                            "positions: range(len(x) - K + 1)."),
               "stack expects a non-empty": (
                   "no position when the filter is as long as the sequence",
                   "Off-by-one: a filter as long as the sequence fits exactly once. A filter of "
                   "K bases fits at L - K + 1 positions: range(len(x) - K + 1).")}
TRANSPOSE_HINT = ("Conv1d wants channels first, (N, 4, L), but the one-hot batch is (N, L, 4): "
                  "transpose it inside forward with x.transpose(1, 2) and keep "
                  "nn.Conv1d(4, n_filters, kernel_size) (4 input channels, one per base).")
CONV2D_HINT = ("Your model has a 4-dimensional weight, i.e. a Conv2d. DNA is one-dimensional with "
               "4 channels (the bases): use nn.Conv1d(4, n_filters, kernel_size), whose weight has "
               "shape (n_filters, 4, kernel_size).")
FLATTEN_OVERLAP_HINT = ("The Linear layer has the right size, but the flattened feature maps do "
                        "not fit it: after pooling there must be (L - K + 1) // pool_size "
                        "positions per filter. Pool with windows that do not overlap "
                        "(nn.MaxPool1d(pool_size): the stride equals the size), and flatten the "
                        "pooled maps with start_dim=1.")
NOT_TRANSPOSED = "(N, L, 4) fed to Conv1d without transposing"
CONV2D = "a Conv2d instead of a Conv1d"
FORWARD_ERRORS = {"to have 4 channels, but got": (NOT_TRANSPOSED, TRANSPOSE_HINT),
                  "conv2d": (CONV2D, CONV2D_HINT)}


# -- conv1d_scan ---------------------------------------------------------------------------------

def _scan(student, x, filt, bias=None):
    args = (x, filt) if bias is None else (x, filt, bias)
    return call_explained(student.call, "conv1d_scan", *args, hints=SCAN_ERRORS)


def _scan_mistakes(x, filt, bias):
    expected = reference.conv1d_scan(x, filt, bias)
    kernel_size = len(filt)
    windows = [x[i:i + kernel_size] * filt for i in range(len(x) - kernel_size + 1)]
    left = (kernel_size - 1) // 2  # zeros (N) in front that keep the length, and behind
    same = torch.cat([torch.zeros(left, 4), x, torch.zeros(kernel_size - 1 - left, 4)])
    full = torch.cat([torch.zeros(kernel_size - 1, 4), x, torch.zeros(kernel_size - 1, 4)])
    return [*ends(expected, "position", hints={
                "the last position left out": "Off-by-one: you left out the last position. A "
                                              "filter of K bases fits at L - K + 1 positions: "
                                              "range(len(x) - K + 1)."}),
            *terms({"the window's score": expected - bias, "the bias": torch.tensor(bias)},
                   "sum(x[i:i+K] * filt) + bias", hints={
                       "the bias is left out": "You forgot to add the bias to every score."}),
            named(reference.conv1d_scan(x, filt.flip(0), bias), "the filter flipped",
                  "you flipped the filter. The 'convolution' of deep learning slides the filter "
                  "as it is (a cross-correlation): multiply x[i + k] by filt[k]."),
            *(named(torch.stack([window.sum(dim=dim) for window in windows]) + bias,
                    "summed over one axis of the window only",
                    "sum over both the K positions and the 4 bases of each window: one number "
                    "per position.") for dim in (0, 1)),
            named(expected + (4 * kernel_size - 1) * bias, "the bias added to every product",
                  "add the bias once per position, after summing the window."),
            named(torch.stack([window.sum(dim=0) for window in (x[i:i + kernel_size] for i in
                                                                range(len(windows)))])
                  @ filt.sum(dim=0) + bias, "a matrix product instead of an elementwise one",
                  "multiply the window and the filter elementwise (x[i:i+K] * filt), then sum: "
                  "x[i:i+K] @ filt.T pairs every position with every other."),
            named(reference.conv1d_scan(same, filt, bias), "padded to keep the length",
                  "a valid convolution has no padding: L - K + 1 positions."),
            named(reference.conv1d_scan(full, filt, bias), "padded at both ends",
                  "a valid convolution has no padding: L - K + 1 positions."),
            *layouts(expected, ("P", "positions"))]


@exercise("conv1d_scan", weight=2)
def test_conv1d_scan_reproduces_the_lecture_example(student):
    """the filter CCG over ACCGTCACCTA gives the feature map 1 3 1 0 1 1 1 2 1"""
    x, filt = one_hot("ACCGTCACCTA"), one_hot("CCG")
    got = _scan(student, x, filt)
    expect_tensor(got, hint="Return the scores as one tensor (torch.stack a list of them).")
    expect_close(got, reference.conv1d_scan(x, filt), hint=SCAN_HINT,
                 mistakes=lambda: _scan_mistakes(x, filt, 0.0))


@exercise("conv1d_scan", weight=2)
@pytest.mark.parametrize("length, kernel_size", [(20, 3), (37, 8), (50, 1), (12, 12)])
def test_conv1d_scan_matches_a_valid_convolution(student, rng, length, kernel_size):
    """random one-hot DNA, a random filter and a bias give the valid convolution"""
    x = one_hot(random_dna(rng, length))
    filt = torch.randn(kernel_size, 4, generator=rng)
    bias = float(torch.randn((), generator=rng))
    got = _scan(student, x, filt, bias)
    expect_close(got, reference.conv1d_scan(x, filt, bias), hint=SCAN_HINT,
                 mistakes=lambda: _scan_mistakes(x, filt, bias))


@exercise("conv1d_scan")
def test_conv1d_scan_adds_the_bias_everywhere(student, rng):
    """the bias is added to the score of every position"""
    x, filt, bias = one_hot(random_dna(rng, 15)), one_hot(random_dna(rng, 4)), -2.5
    got = _scan(student, x, filt, bias)
    expect_close(got, reference.conv1d_scan(x, filt, bias), hint=SCAN_HINT,
                 mistakes=lambda: _scan_mistakes(x, filt, bias))


@exercise("conv1d_scan")
def test_conv1d_scan_returns_float32(student, rng):
    """the feature map is a (L - K + 1,) float32 tensor"""
    got = _scan(student, one_hot(random_dna(rng, 10)), torch.randn(3, 4, generator=rng))
    expect_tensor(got, shape=(8,), dtype=torch.float32,
                  hint="Return a (L - K + 1,) float32 tensor: torch.stack the scores, do not "
                       "return a list or convert to int.")


# -- filter_from_motif ---------------------------------------------------------------------------

WILDCARD_HINT = ("Wildcards (IUPAC codes) allow several bases: N is any of A, C, G, T, W is A or "
                 "T, and so on (the IUPAC table). Put a 1 in the column of every base the code "
                 "allows.")
ORDER_HINT = "The columns are A, C, G, T, in this order (the order of one-hot DNA)."


def _motif(student, motif):
    return call_explained(student.call, "filter_from_motif", motif, hints={
        "'['": ("brackets read character by character",
                "A class in square brackets such as [ACT] is ONE position that allows each base "
                "inside the brackets."),
        "KeyError": ("wildcards (IUPAC codes) not understood", WILDCARD_HINT)})


def _motif_mistakes(motif):
    """What typical wrong filters of ``motif`` look like."""
    expected = reference.filter_from_motif(motif)
    positions = reference.MOTIF_POSITION.findall(motif.upper())
    only_plain_bases = torch.stack([torch.zeros(4) if not group and base not in BASES else row
                                    for row, (group, base) in zip(expected, positions)])
    mistakes = [Suspect(only_plain_bases, "wildcards (IUPAC codes) left as zeros",
                        WILDCARD_HINT),
                named(expected / expected.sum(dim=1, keepdim=True),
                      "1 / (number of allowed bases) instead of 1",
                      "give every allowed base weight 1, not 1 / (number of allowed bases): then "
                      "every k-mer that matches the motif scores exactly K."),
                named(expected.flip(0).flip(1), "the reverse complement",
                      "the filter reads the motif as written, on this strand."),
                *layouts(expected, ("K", "positions"), ("4", "bases"), hints={
                    "(4, K) instead of (K, 4)": "One row per position and one column per base: "
                                                "shape (K, 4)."})]
    for order in ("ATGC", "AGCT", "ACTG", "TCGA", "CAGT"):
        mistakes.append(Suspect(expected[:, [order.index(base) for base in BASES]],
                                "columns in another order", ORDER_HINT))
    return mistakes


@exercise("filter_from_motif")
@pytest.mark.parametrize("length", [1, 6, 12])
def test_a_motif_of_plain_bases_is_its_one_hot(student, rng, length):
    """a motif of A, C, G, T gives its one-hot encoding, float32"""
    motif = random_dna(rng, length)
    got = _motif(student, motif)
    expect_tensor(got, shape=(length, 4), dtype=torch.float32,
                  hint="Return a (K, 4) float32 tensor: one row per position, columns A C G T.")
    expect_close(got, reference.filter_from_motif(motif), hint="Weight 1 for the base of each "
                 "position, 0 for the others.", mistakes=lambda: _motif_mistakes(motif))


@exercise("filter_from_motif", weight=2)
@pytest.mark.parametrize("motif", ["TATAWAW", "GGGRNTTYCC", "YYANWYY", "RYSWKMBDHVN"])
def test_iupac_codes_allow_their_bases(student, motif):
    """IUPAC wildcards (N, W, S, R, Y, ...) put a 1 in every base they allow"""
    got = _motif(student, motif)
    expect_close(got, reference.filter_from_motif(motif), hint=WILDCARD_HINT,
                 mistakes=lambda: _motif_mistakes(motif))


def _bracket_mistakes(motif):
    """A bracket read as one base (its first) instead of a class of bases."""
    first_only = reference.filter_from_motif("".join(
        group[0] if group else base for group, base in reference.MOTIF_POSITION.findall(motif)))
    return [named(first_only, "only the first base of a bracket class",
                  "every base inside the brackets is allowed at that one position: [ACT] gives "
                  "A, C and T weight 1."),
            *_motif_mistakes(motif)]


@exercise("filter_from_motif", weight=2)
@pytest.mark.parametrize("motif", ["AT[ACT]", "[AG]C[CGT]T", "G[AT]C[CGT]A"],
                         ids=lambda motif: motif.replace("[", "(").replace("]", ")"))
def test_a_bracket_class_is_one_position(student, motif):
    """a class of bases in brackets, such as the isoleucine codons AT[ACT], is one position"""
    got = _motif(student, motif)
    expected = reference.filter_from_motif(motif)
    expect_close(got, expected, hint="A class in square brackets such as [ACT] is ONE position; "
                 f"{motif} has {len(expected)} positions.",
                 mistakes=lambda: _bracket_mistakes(motif))


@exercise("filter_from_motif")
def test_every_isoleucine_codon_scores_three(student):
    """with AT[ACT], the codons ATT, ATC and ATA score 3 and ATG scores 2"""
    filt = _motif(student, "AT[ACT]")
    expect_tensor(filt, shape=(3, 4), hint="AT[ACT] has 3 positions: a (3, 4) filter.")
    scores = [float((one_hot(codon) * filt).sum()) for codon in ("ATT", "ATC", "ATA", "ATG")]
    expect(scores == [3.0, 3.0, 3.0, 2.0], "scores [3, 3, 3, 2] for ATT, ATC, ATA, ATG",
           f"scores {scores}", "Every base of a class gets weight 1, the others 0.",
           mistake="the allowed bases not weighted 1"
           if scores[:3] != [3.0] * 3 else "a base outside the class weighted")


@exercise("filter_from_motif", weight=0.5)
def test_lower_case_motifs_work(student):
    """a motif in lower case gives the same filter"""
    got = _motif(student, "tataw[ac]n")
    expect_close(got, reference.filter_from_motif("TATAW[AC]N"),
                 hint="Accept lower case: motif.upper() first.",
                 mistakes=lambda: _bracket_mistakes("TATAW[AC]N"))


@exercise("filter_from_motif", weight=0.5)
@pytest.mark.parametrize("motif", ["AXG", "AC-GT"])
def test_a_character_that_is_no_base_is_refused(student, motif):
    """a character that is neither a base nor an IUPAC code raises ValueError"""
    expect_raises(student, "filter_from_motif", (motif,), "ValueError",
                  hint="Raise ValueError for a character that is not a base, an IUPAC code or a "
                       "bracket (e.g. `raise ValueError(...)` when it is not in IUPAC).")


# -- max_pool1d ----------------------------------------------------------------------------------

OVERLAP_HINT = ("Your windows overlap: pooling windows do not overlap, each one starts where the "
                "previous one ended (stride = size), so P positions give P // size maxima.")


def _pool(student, feature_map, size):
    got = student.call("max_pool1d", feature_map, size)
    if isinstance(got, (tuple, list)) and len(got) == 2 and all(
            isinstance(part, torch.Tensor) for part in got):
        raise CheckFailed(expected="one tensor of maxima", got=describe(got),
                          hint="x.max(dim=1) returns (values, indices): return .values only.",
                          mistake="returned (values, indices)")
    return got


def _pool_mistakes(feature_map, size):
    n = len(feature_map)
    sliding = feature_map.unfold(0, size, 1).max(dim=1).values if size <= n else torch.empty(0)
    padded = torch.cat([feature_map, feature_map.new_full((-n % size,), -math.inf)])
    windows = feature_map[:n // size * size].reshape(-1, size)
    expected = windows.max(dim=1).values
    return [Suspect(sliding, "overlapping windows (stride 1)", OVERLAP_HINT),
            named(padded.reshape(-1, size).max(dim=1).values, "the trailing partial window kept",
                  "drop the trailing partial window (the last P % size positions), as "
                  "nn.MaxPool1d does: P positions give P // size windows."),
            named(windows.mean(dim=1), "average pooling",
                  "that is average pooling: keep the maximum of each window."),
            named(windows.min(dim=1).values, "the minimum of each window",
                  "keep the maximum of each window."),
            named(expected.clamp(min=0), "each maximum started from 0",
                  "feature maps can be negative: start each window's maximum from its first "
                  "value (or use .max()), not from 0."),
            *ends(expected, "window"), *layouts(expected, ("P // size", "windows"))]


@exercise("max_pool1d")
def test_max_pool1d_of_the_lecture_feature_map(student):
    """pooling 1 3 1 0 1 1 1 2 1 with size 2 gives 3 1 1 2"""
    feature_map = torch.tensor([1.0, 3, 1, 0, 1, 1, 1, 2, 1])
    got = _pool(student, feature_map, 2)
    expect_tensor(got, hint="Return a tensor of maxima.")
    expect_close(got, reference.max_pool1d(feature_map, 2), hint="The maximum of each window of 2.",
                 mistakes=lambda: _pool_mistakes(feature_map, 2))


@exercise("max_pool1d", weight=3)
@pytest.mark.parametrize("length, size", [(10, 2), (17, 3), (16, 4), (23, 6), (9, 4), (5, 5)])
def test_max_pool1d_agrees_with_nn_maxpool1d(student, rng, length, size):
    """max_pool1d agrees with nn.MaxPool1d, trailing partial window included"""
    feature_map = 3 * torch.randn(length, generator=rng)
    got = _pool(student, feature_map, size)
    expected = F.max_pool1d(feature_map[None, None], size)[0, 0]
    expect_close(got, expected, hint="Cut the map into windows of `size` that do not overlap, "
                 "drop a trailing partial window, keep the maximum of each.",
                 mistakes=lambda: _pool_mistakes(feature_map, size))


@exercise("max_pool1d")
def test_max_pool1d_of_a_negative_feature_map(student, rng):
    """pooling works when every score is negative"""
    feature_map = -1 - torch.rand(12, generator=rng)
    got = _pool(student, feature_map, 3)
    expect_close(got, reference.max_pool1d(feature_map, 3), hint="The maximum of each window.",
                 mistakes=lambda: _pool_mistakes(feature_map, 3))


# -- conv_output_length and flattened_size -------------------------------------------------------

def _expect_right_int(student, name, args, hint, mistakes):
    """The student's ``name(*args)`` is the reference's count, and a plain int."""
    got = student.call(name, *args)
    expect_equal(got, getattr(reference, name)(*args), hint=hint, mistakes=mistakes)
    expect(isinstance(got, int) and not isinstance(got, bool), "an int", describe(got),
           "Return an int: use floor division // (nn.Linear needs a whole number).",
           mistake=f"returned a {type(got).__name__}, not an int")


@exercise("conv_output_length", weight=2)
@pytest.mark.parametrize("seq_len, kernel_size", [(11, 3), (500, 10), (251, 8), (7, 7)])
def test_positions_of_a_valid_convolution(student, seq_len, kernel_size):
    """a filter of K bases fits at L - K + 1 positions"""
    got = student.call("conv_output_length", seq_len, kernel_size)
    expect_equal(got, reference.conv_output_length(seq_len, kernel_size),
                 hint="Without padding and stride: L - K + 1 positions.",
                 mistakes=lambda: _length_mistakes(seq_len, kernel_size, 1, 0))


def _length_mistakes(seq_len, kernel_size, stride, padding):
    span = seq_len + 2 * padding - kernel_size
    return [*off_by_one(span // stride + 1, "position", hints={
                "one position too few": "Off-by-one: add 1 after dividing by the stride (a "
                                        "filter of K bases fits at L - K + 1 positions)."}),
            named(seq_len + 2 * padding, "the padded length, not the positions",
                  "a valid convolution only scores positions where the whole filter fits: "
                  "L - K + 1 (without padding and stride)."),
            named((seq_len + padding - kernel_size) // stride + 1, "padding at one end only",
                  "padding adds `padding` zeros at EACH end: use seq_len + 2 * padding."),
            named(span + 1, "the stride ignored",
                  "divide by the stride: the filter moves `stride` positions at a time."),
            named(-(-span // stride) + 1, "rounded up", "round down (floor division //), as "
                                                         "nn.Conv1d does."),
            named((span + 1) // stride, "1 added before dividing",
                  "divide (L + 2p - K) by the stride first, then add 1."),
            named(span / stride + 1, "true division, not floor division",
                  "use floor division // : the number of positions is a whole number.")]


@exercise("conv_output_length", weight=2)
@pytest.mark.parametrize("seq_len, kernel_size, stride, padding",
                         [(11, 3, 1, 2), (20, 5, 1, 3), (11, 3, 2, 0), (500, 10, 3, 0),
                          (30, 4, 2, 3), (12, 5, 4, 1)])
def test_positions_with_stride_and_padding(student, seq_len, kernel_size, stride, padding):
    """with stride and padding the count agrees with nn.Conv1d"""
    got = student.call("conv_output_length", seq_len, kernel_size, stride, padding)
    expect_equal(got, reference.conv_output_length(seq_len, kernel_size, stride, padding),
                 hint="positions = (L + 2 * padding - K) // stride + 1.",
                 mistakes=lambda: _length_mistakes(seq_len, kernel_size, stride, padding))


@exercise("conv_output_length")
def test_conv_output_length_is_an_int(student):
    """the number of positions is an int"""
    _expect_right_int(student, "conv_output_length", (12, 3, 2, 0),
                      "positions = (L + 2 * padding - K) // stride + 1.",
                      _length_mistakes(12, 3, 2, 0))


def _flattened_mistakes(seq_len, kernel_size, n_filters, pool_size):
    positions = reference.conv_output_length(seq_len, kernel_size)
    return [named(positions * n_filters, "the pooling left out",
                  "it keeps positions // pool_size positions of every feature map."),
            named(positions // pool_size, "the number of filters left out",
                  "multiply by n_filters: every filter has its own feature map, and all of them "
                  "are flattened together."),
            named(seq_len // pool_size * n_filters, "the sequence length pooled, not the map",
                  "the convolution shortens the sequence first: pool the L - K + 1 positions, "
                  "not L."),
            named((seq_len - kernel_size) // pool_size * n_filters, "one position too few",
                  "off-by-one: the convolution leaves L - K + 1 positions."),
            named((positions + 1) // pool_size * n_filters, "one position too many",
                  "off-by-one: the convolution leaves L - K + 1 positions."),
            named(-(-positions // pool_size) * n_filters, "the pooled positions rounded up",
                  "pooling drops the trailing partial window: round down (//)."),
            named(positions / pool_size * n_filters, "true division, not floor division",
                  "use floor division //: pooling drops the trailing partial window."),
            named(positions // pool_size + n_filters, "added n_filters instead of multiplying",
                  "multiply the pooled positions by n_filters.")]


@exercise("flattened_size", weight=3)
@pytest.mark.parametrize("config", [(11, 3, 6, 1), (11, 3, 6, 2), (500, 10, 16, 491),
                                    (251, 8, 16, 4), (50, 8, 4, 4), (60, 7, 32, 10)])
def test_flattened_size_counts_pooled_positions_times_filters(student, config):
    """flattened size = pooled positions x n_filters, e.g. 9 x 6 = 54 for 11 bp, kernel 3"""
    got = student.call("flattened_size", *config)
    expect_equal(got, reference.flattened_size(*config),
                 hint="(L - K + 1) // pool_size positions per feature map, times n_filters.",
                 mistakes=lambda: _flattened_mistakes(*config))


@exercise("flattened_size")
def test_flattened_size_is_an_int(student):
    """the flattened size is an int"""
    _expect_right_int(student, "flattened_size", (100, 5, 8, 3),
                      "(L - K + 1) // pool_size positions per feature map, times n_filters.",
                      _flattened_mistakes(100, 5, 8, 3))


# -- DNACNN --------------------------------------------------------------------------------------

# (seq_len, n_filters, kernel_size, pool_size)
CONFIGS = [(11, 6, 3, 1), (50, 8, 5, 2), (120, 4, 8, 7), (200, 16, 10, 191)]


def _build(student, config):
    return call_explained(student.call_keep, "DNACNN", *config,
                          hints={"conv2d": (CONV2D, CONV2D_HINT)})


def _forward(model, x, config):
    """model(x) in the sandbox; known errors become CheckFailed with their hint."""
    try:
        return model(x)
    except StudentError as error:
        if "mat1 and mat2 shapes cannot be multiplied" in error.message:
            shapes = list(state_shapes(model).values())
            mistake, hint = _architecture_problem(shapes, config) or (
                "pooled maps that do not fit the Linear layer", FLATTEN_OVERLAP_HINT)
            raise CheckFailed(expected="no error", got=error.message, hint=hint,
                              mistake=mistake) from None
        explain_error(error, FORWARD_ERRORS)


def _reference_shapes(config):
    seq_len, n_filters, kernel_size, pool_size = config
    return [(n_filters, 4, kernel_size), (n_filters,),
            (1, reference.flattened_size(seq_len, kernel_size, n_filters, pool_size)), (1,)]


def _architecture_problem(shapes, config):
    """(mistake, hint) for a model whose parameter shapes differ from the reference, or None."""
    seq_len, n_filters, kernel_size, pool_size = config
    expected = _reference_shapes(config)
    if sorted(shapes) == sorted(expected):
        return None
    if any(len(shape) == 4 for shape in shapes):
        return CONV2D, CONV2D_HINT
    conv_weights = [shape for shape in shapes if len(shape) == 3]
    if not conv_weights:
        return ("no Conv1d", "Your model has no Conv1d: DNACNN starts with nn.Conv1d(4, "
                             "n_filters, kernel_size), a weight of shape (n_filters, 4, "
                             "kernel_size).")
    if conv_weights[0][1] != 4:
        return ("a Conv1d without 4 input channels",
                f"Your Conv1d has {conv_weights[0][1]} input channels; DNA has 4 (one per "
                f"base). " + TRANSPOSE_HINT)
    if conv_weights[0] != expected[0] or len(conv_weights) > 1:
        return ("not one Conv1d(4, n_filters, kernel_size)",
                f"The convolution's weight should have shape {expected[0]} (n_filters, 4, "
                "kernel_size): one Conv1d(4, n_filters, kernel_size).")
    linear_weights = [shape for shape in shapes if len(shape) == 2]
    if len(linear_weights) != 1 or linear_weights[0][0] != 1:
        return ("not one Linear layer with one output",
                "DNACNN has exactly one Linear layer, from the flattened feature maps to 1 "
                f"output (weight {expected[2]}); your 2-d weights have shapes {linear_weights}.")
    if linear_weights[0] != expected[2]:
        return ("wrong flatten size",
                f"Wrong flatten size: the Linear layer should take flattened_size(seq_len, "
                f"kernel_size, n_filters, pool_size) = {expected[2][1]} inputs (pooled "
                f"positions x n_filters), but it takes {linear_weights[0][1]}.")
    return ("a bias left out or a layer too many",
            f"DNACNN's parameters have shapes {expected} (conv weight and bias, linear weight "
            f"and bias), yours {shapes}. Keep the biases of both layers and add no other layer.")


def _random_state(rng, config):
    """Reference parameters (conv.weight, conv.bias, fc.weight, fc.bias) drawn with ``rng``."""
    seq_len, n_filters, kernel_size, pool_size = config
    n_features = reference.flattened_size(seq_len, kernel_size, n_filters, pool_size)
    return {"conv.weight": 0.6 * torch.randn(n_filters, 4, kernel_size, generator=rng),
            "conv.bias": 0.5 * torch.randn(n_filters, generator=rng),
            "fc.weight": 1.5 * torch.randn(1, n_features, generator=rng) / math.sqrt(n_features),
            "fc.bias": 0.2 * torch.randn(1, generator=rng)}


def _load_reference_state(model, state, config):
    """Copy the reference parameters into the student's model, whatever its layers are called."""
    shapes = state_shapes(model)
    problem = _architecture_problem(list(shapes.values()), config)
    if problem:
        raise CheckFailed(expected=f"parameters of shapes {_reference_shapes(config)}",
                          got=f"shapes {list(shapes.values())}", hint=problem[1],
                          mistake=problem[0])
    load_state(model, pair_by_shape(shapes, state.values()))


def _reference_forward(state, x, pool_size, layout="transpose", conv_relu=True,
                       output="sigmoid", pooling="max", flatten="filters"):
    """The reference network and its typical variants, on the trusted side. flatten: the order
    of the flattened pooled maps, "filters" first (maps (N, F, P) flattened, the reference's)
    or "positions" first ((N, P, F) flattened): both are valid CNNs, since the Linear layer
    learns its weights for whichever order it is given."""
    channels_first = x.transpose(1, 2) if layout == "transpose" else x.reshape(len(x), 4, -1)
    maps = F.conv1d(channels_first, state["conv.weight"], state["conv.bias"])
    if conv_relu:
        maps = F.relu(maps)
    maps = F.max_pool1d(maps, pool_size) if pooling == "max" else F.avg_pool1d(maps, pool_size)
    if flatten == "positions":
        maps = maps.transpose(1, 2)
    logits = F.linear(maps.flatten(start_dim=1), state["fc.weight"], state["fc.bias"]).squeeze(1)
    return {"sigmoid": torch.sigmoid(logits), "logits": logits,
            "relu_then_sigmoid": torch.sigmoid(F.relu(logits)),
            "sigmoid_twice": torch.sigmoid(torch.sigmoid(logits)),
            "one_minus": 1 - torch.sigmoid(logits)}[output]


def _dnacnn_mistakes(state, x, pool_size, flatten="filters"):
    def variant(**kwargs):
        return _reference_forward(state, x, pool_size, flatten=flatten, **kwargs)

    return [named(variant(output="relu_then_sigmoid"), "a ReLU after the output layer",
                  "no ReLU after the Linear layer, only the sigmoid (otherwise no probability "
                  "can fall below 0.5)."),
            named(variant(output="sigmoid_twice"), "the sigmoid twice",
                  "you applied the sigmoid twice: once, after the Linear layer, is enough."),
            named(variant(output="logits"), "the sigmoid left out",
                  "return probabilities, torch.sigmoid of the Linear layer's output."),
            named(variant(output="one_minus"), "the probability of the other class",
                  "return sigmoid(score), the probability of class 1."),
            named(variant(conv_relu=False), "missing nonlinearity after the convolution",
                  "apply a ReLU to the feature maps after the convolution (before pooling)."),
            named(variant(layout="reshape"), "reshape/view does not transpose",
                  "it scrambles bases and positions. Use x.transpose(1, 2) (or "
                  "x.permute(0, 2, 1))."),
            named(variant(pooling="avg"), "average pooling",
                  "use max pooling (nn.MaxPool1d(pool_size)).")]


def _flatten_order(got, state, x, pool_size):
    """The order in which the student's CNN flattens its pooled maps: "positions" when its
    outputs (right or typically wrong) are those of a positions-first flatten and of no
    filters-first one, else "filters". The reference weights were loaded by shape, so the
    Linear layer's weights meet the features in the student's order, and the expected outputs
    must follow that order."""
    def outputs(order):
        return [_reference_forward(state, x, pool_size, flatten=order),
                *(suspect.value for suspect in _dnacnn_mistakes(state, x, pool_size, order))]

    def matches(order):
        return any(is_close(got, value) for value in outputs(order))

    return "positions" if matches("positions") and not matches("filters") else "filters"


@exercise("DNACNN", weight=2)
@pytest.mark.parametrize("config", CONFIGS, ids=lambda config: "-".join(map(str, config)))
def test_dnacnn_returns_one_probability_per_sequence(student, rng, config):
    """one-hot DNA (N, L, 4) in, N probabilities out, for several sizes"""
    model = _build(student, config)
    got = _forward(model, random_one_hot(rng, 3, config[0]), config)
    expect_one_per_sequence(got, 3)
    expect(bool(((got > 0) & (got < 1)).all()), "probabilities between 0 and 1", describe(got),
           "End with a sigmoid (and nothing after it).", mistake="no sigmoid at the end")


@exercise("DNACNN")
def test_dnacnn_keeps_a_batch_of_one(student, rng):
    """a batch of one sequence gives shape (1,)"""
    config = (30, 4, 5, 2)
    got = _forward(_build(student, config), random_one_hot(rng, 1, 30), config)
    expect_one_per_sequence(got, 1)


@exercise("DNACNN", weight=2)
@pytest.mark.parametrize("config", CONFIGS, ids=lambda config: "-".join(map(str, config)))
def test_dnacnn_has_the_parameters_of_conv1d_and_one_linear_layer(student, config):
    """the parameters: Conv1d(4, n_filters, K) and Linear(flattened size, 1), counted"""
    model = _build(student, config)
    shapes = list(state_shapes(model).values())
    problem = _architecture_problem(shapes, config)
    n_parameters = sum(math.prod(shape) for shape in shapes)
    expected = sum(math.prod(shape) for shape in _reference_shapes(config))
    mistake, hint = problem or ("", "")
    expect(n_parameters == expected and problem is None,
           f"{expected} parameters of shapes {_reference_shapes(config)}",
           f"{n_parameters} parameters of shapes {shapes}", hint, mistake=mistake)


@exercise("DNACNN", weight=3)
@pytest.mark.parametrize("config", CONFIGS[:3], ids=lambda config: "-".join(map(str, config)))
def test_dnacnn_with_the_reference_weights_computes_the_reference(student, rng, config):
    """with the reference weights loaded, the outputs are the reference's"""
    model = _build(student, config)
    state = _random_state(rng, config)
    _load_reference_state(model, state, config)
    x = random_one_hot(rng, 8, config[0])
    got = _forward(model, x, config)
    expect_one_per_sequence(got, 8)
    order = _flatten_order(got, state, x, config[3])
    expect_close(got, _reference_forward(state, x, config[3], flatten=order), rtol=1e-4,
                 atol=1e-5, hint="transpose → Conv1d → ReLU → MaxPool1d → flatten → Linear → "
                                 "sigmoid, in this order.",
                 mistakes=lambda: _dnacnn_mistakes(state, x, config[3], order))


def _motif_at(position, seq_len, motif="ACGT"):
    """One-hot (seq_len, 4) with ``motif`` at ``position`` and N (zeros) elsewhere."""
    x = torch.zeros(seq_len, 4)
    x[position:position + len(motif)] = one_hot(motif)
    return x


@exercise("DNACNN", weight=2)
def test_a_motif_moving_within_a_pool_window_changes_nothing(student, rng):
    """conv + max pooling: a motif shifted within one pooling window gives the same output"""
    config = seq_len, n_filters, kernel_size, pool_size = (40, 2, 4, 4)
    state = _random_state(rng, config)
    # filter 0 detects ACGT (and nothing at any partial overlap); filter 1 never fires
    state["conv.weight"][0], state["conv.bias"][:] = one_hot("ACGT").T, 0.0
    state["conv.weight"][1] = -one_hot("ACGT").T.abs() - 0.1
    model = _build(student, config)
    _load_reference_state(model, state, config)
    x = torch.stack([_motif_at(12, seq_len), _motif_at(13, seq_len), _motif_at(16, seq_len)])
    got = _forward(model, x, config)
    expect_one_per_sequence(got, 3)
    order = _flatten_order(got, state, x, pool_size)
    expected = _reference_forward(state, x, pool_size, flatten=order)
    expect_close(got[:2], expected[:2], hint="A motif that moves within one pooling window must "
                 "give the same pooled features: ReLU, then max pooling in windows of pool_size "
                 "that do not overlap.",
                 mistakes=lambda: _dnacnn_mistakes(state, x[:2], pool_size, order))
    expect_close(got, expected, hint="A motif that moves into the next pooling window lands on "
                 "other weights of the Linear layer: pool in windows of pool_size, not over the "
                 "whole map.", mistakes=lambda: _dnacnn_mistakes(state, x, pool_size, order))


# -- top_kmer ------------------------------------------------------------------------------------

def _top_kmer(student, filter_weights):
    got = call_explained(student.call, "top_kmer", filter_weights, hints={
        "index out of range": (KMER_BY_POSITIONS, "Take the best base of each POSITION: argmax "
                                                  "over the 4 columns (dim=1), one letter per "
                                                  "row of the (K, 4) filter.")})
    expect(isinstance(got, str), "a str such as 'CACGTG'", describe(got),
           'Join the letters into one string: "".join(...).',
           mistake=f"returned a {type(got).__name__}, not a str")
    return got


KMER_BY_POSITIONS = "argmax over the positions (dim=0), not the bases"


def _kmer_mistakes(filter_weights):
    expected = reference.top_kmer(filter_weights)
    complement = str.maketrans("ACGT", "TGCA")
    mistakes = [named(reference.top_kmer(-filter_weights), "the smallest weight (argmin)",
                      "the base a filter responds to most has the LARGEST weight."),
                named(reference.top_kmer(filter_weights.abs()), "the largest absolute weight",
                      "a large negative weight means the filter avoids that base: take the "
                      "largest weight, not the largest absolute value."),
                named(expected[::-1], "the k-mer in reverse order",
                      "read the positions from the first row to the last."),
                named(expected[::-1].translate(complement), "the reverse complement",
                      "read the k-mer on the filter's own strand, row by row."),
                named(expected[1:], "the first position left out", "one letter per row."),
                named(expected[:-1], "the last position left out", "one letter per row.")]
    for order in ("ATGC", "AGCT", "TGCA", "ACTG"):
        mistakes.append(Suspect("".join(order[i] for i in filter_weights.argmax(dim=1).tolist()),
                                "columns read in another order",
                                "The columns are A, C, G, T in this order."))
    if len(filter_weights) <= 4:
        mistakes.append(Suspect("".join(BASES[i] for i in filter_weights.argmax(dim=0).tolist()),
                                KMER_BY_POSITIONS,
                                "Take the best base of each POSITION: argmax over the 4 columns "
                                "(dim=1), one letter per row."))
    return mistakes


@exercise("top_kmer", weight=2)
@pytest.mark.parametrize("motif", ["CACGTG", "TGACTCA", "GGGAATTCCC", "TATA"])
def test_top_kmer_reads_a_planted_motif(student, rng, motif):
    """a filter trained towards a motif (one-hot plus noise, some weights negative) reads back"""
    filter_weights = 2 * one_hot(motif) - 0.8 + 0.3 * torch.randn(len(motif), 4, generator=rng)
    filter_weights[0, (BASES.index(motif[0]) + 1) % 4] = -3.0  # a base the filter avoids
    got = _top_kmer(student, filter_weights)
    expect_equal(got, reference.top_kmer(filter_weights),
                 hint="At each position, the base (column A, C, G or T) with the largest weight.",
                 mistakes=lambda: _kmer_mistakes(filter_weights))


@exercise("top_kmer")
def test_top_kmer_of_an_all_negative_filter(student, rng):
    """the best base is the largest weight even when all weights are negative"""
    filter_weights = -1 - torch.rand(8, 4, generator=rng)
    got = _top_kmer(student, filter_weights)
    expect_equal(got, reference.top_kmer(filter_weights),
                 hint="At each position, the base with the largest (here: least negative) weight.",
                 mistakes=lambda: _kmer_mistakes(filter_weights))


# -- mutation_effects ----------------------------------------------------------------------------
# The model is a small MLP on one-hot DNA built in the sandbox from torch layers (so the checks do
# not depend on the student's DNACNN), with the same random weights as its twin built here.

MUTAGENESIS_HINT = ("effects[i, b] = p(the original with base b at position i) - p(the original): "
                    "every mutant is a fresh copy of the original with one row replaced by the "
                    "one-hot of b, and the base already at i gets 0.")


def _mutagenesis_layers(length, dropout=0.0):
    layers = [("Flatten", (), {}), ("Linear", (4 * length, 16), {}), ("Tanh", (), {}),
              ("Linear", (16, 1), {}), ("Sigmoid", (), {}), ("Flatten", (0,), {})]
    return layers[:3] + [("Dropout", (dropout,), {})] + layers[3:] if dropout else layers


def _effects_by_loop(model, x, restore=True, clear_row=True):
    """Mutagenesis as a loop over the mutants writes it, and the typical ways of getting the
    mutants wrong (restore=False: each mutant starts from the one before; clear_row=False: the
    new base is set without clearing the old one); the mutants go through the model at once."""
    model.eval()
    mutants, mutant = [], x.clone()
    for i in range(len(x)):
        for base in range(4):
            if restore:
                mutant = x.clone()
            if clear_row:
                mutant[i] = 0.0
            mutant[i, base] = 1.0
            mutants.append(mutant.clone())
    with torch.no_grad():
        return (model(torch.stack(mutants)) - model(x.unsqueeze(0))[0]).reshape(len(x), 4)


def _mutagenesis_mistakes(model, x):
    """What typical wrong mutagenesis functions return for the local ``model`` and sequence x
    (each also as it looks after the original bases' column is set to 0)."""
    expected = reference.mutation_effects(model, x)
    with torch.no_grad():
        original = model.eval()(x.unsqueeze(0))[0]
    mutants = expected + original  # the probability of every mutant (the original included)

    def logit(p):
        return torch.log(p) - torch.log1p(-p)

    wrong_layouts = layouts(expected, ("L", "positions"), ("4", "bases"), hints={
        "(4, L) instead of (L, 4)": "One row per position and one column per base: shape "
                                    "(L, 4)."})
    suspects = [
        named(_effects_by_loop(model, x, restore=False), "the original base not restored",
              "each mutant must differ from the ORIGINAL sequence at one position only. "
              "Start every mutant from one_hot.clone()."),
        named(_effects_by_loop(model, x, clear_row=False), "two bases at the mutated position",
              "zero the whole row first (mutant[i] = 0), then set the new base "
              "(mutant[i, b] = 1)."),
        named(mutants, "the mutants' probabilities, not their change",
              "subtract the probability of the original sequence; the base already there "
              "gets 0."),
        named(-expected, "the sign is reversed",
              "p(mutant) - p(original), so a mutation that lowers the probability has a "
              "negative effect."),
        named(expected.abs(), "the sign dropped",
              "keep the sign: a mutation can raise or lower the probability."),
        named(mutants / original, "a ratio of probabilities, not their difference",
              "subtract: p(mutant) - p(original)."),
        named(torch.log(mutants / original), "a log ratio, not the difference",
              "subtract the probabilities themselves: p(mutant) - p(original)."),
        named(logit(mutants) - logit(original), "a change in log-odds, not in probability",
              "the model already returns probabilities: subtract them, p(mutant) - "
              "p(original), with no logit."),
        named(torch.sigmoid(mutants) - torch.sigmoid(original), "the sigmoid applied twice",
              "the model's output is already a probability: do not apply a sigmoid to it."),
        named(expected[x == 0].reshape(len(x), 3), "only the three other bases, (L, 3)",
              "Keep all four columns, one per base (A C G T); the base already at a "
              "position gets 0."),
        *wrong_layouts]
    return suspects + [suspect._replace(value=suspect.value * (1 - x)) for suspect in suspects
                       if suspect.value.shape == x.shape]


def _mutation_effects(student, model, x, local):
    """The student's effects of the sandbox ``model`` on x, (L, 4) float32 without a graph;
    ``local``: the model's twin here, to name what a result of another shape is."""
    got = call_explained(student.call, "mutation_effects", model, x, hints={
        "mat1 and mat2 shapes cannot be multiplied": (
            "a single sequence given to the model without a batch axis",
            "The model takes a batch of one-hot sequences, shape (N, L, 4): stack the mutants "
            "into one tensor (or unsqueeze(0) a single sequence).")})
    expect_tensor(got, hint="Return a (L, 4) float32 tensor: one row per position, one column "
                            "per base.")
    if tuple(got.shape) != (len(x), 4):
        expect_close(got, reference.mutation_effects(local, x), hint=MUTAGENESIS_HINT,
                     mistakes=lambda: _mutagenesis_mistakes(local, x))
    expect_tensor(got, dtype=torch.float32, hint="Return a (L, 4) float32 tensor.")
    expect(not got.requires_grad, "effects that carry no graph", "a tensor with requires_grad",
           "Compute the effects under torch.no_grad(): mutagenesis is inference, not training.",
           mistake="effects computed with gradient tracking")
    return got


def _mutagenesis_run(student, rng, length, dropout=0.0):
    """(local model, the student's effects on its sandbox twin, the sequence, the twin as handed
    over: behind ``dlbio_inside.counted``, so its ``calls`` say how often the student's code ran
    it, and ``training_calls`` how often in training mode); with dropout the twin is handed
    over in training mode."""
    local, remote = twin(student, _mutagenesis_layers(length, dropout), rng)
    model = student.make("dlbio_inside.counted", remote)
    if dropout:
        model.call("train")
    x = random_one_hot(rng, 1, length)[0]
    got = _mutation_effects(student, model, x, local)
    if dropout and not is_close(got, reference.mutation_effects(local, x)) \
            and model.attr("training_calls"):
        raise CheckFailed(expected="the effects of the model in evaluation mode",
                          got=f"{model.attr('training_calls')} of {model.attr('calls')} calls "
                              "of the model in training mode",
                          hint="You forgot model.eval(): in training mode dropout switches "
                               "units off at random, so every prediction is noisy.",
                          mistake="the model run in training mode")
    return local, got, x, model


@exercise("mutation_effects", weight=2)
@pytest.mark.parametrize("length", [6, 25, 500])
def test_mutation_effects_are_the_change_in_probability(student, rng, length):
    """every single-base mutant of a random sequence (500 bp: 2000 mutants), minus the original's
    probability"""
    local, got, x, _ = _mutagenesis_run(student, rng, length)
    expect_close(got, reference.mutation_effects(local, x), hint=MUTAGENESIS_HINT,
                 mistakes=lambda: _mutagenesis_mistakes(local, x))


@exercise("mutation_effects")
def test_the_base_already_there_has_no_effect(student, rng):
    """the column of the original base is 0 at every position"""
    local, got, x, _ = _mutagenesis_run(student, rng, 40)
    original_bases = x.bool()
    expect_close(got[original_bases], torch.zeros(40), atol=1e-6,
                 hint="Mutating a base to itself changes nothing: its effect is 0.",
                 mistakes=lambda: [suspect._replace(value=suspect.value[original_bases])
                                   for suspect in _mutagenesis_mistakes(local, x)
                                   if suspect.value.shape == original_bases.shape])


@exercise("mutation_effects", weight=2)
def test_mutation_effects_evaluate_the_model_in_eval_mode(student, rng):
    """a model with dropout, handed over in training mode, is evaluated deterministically"""
    local, got, x, _ = _mutagenesis_run(student, rng, 20, dropout=0.5)
    expect_close(got, reference.mutation_effects(local, x), hint=MUTAGENESIS_HINT,
                 mistakes=lambda: _mutagenesis_mistakes(local, x))


@exercise("mutation_effects")
def test_mutants_go_through_the_model_in_batches(student, rng):
    """a 100 bp sequence (400 mutants) takes at most one call of the model per position, plus
    one for the original"""
    length = 100
    local, got, x, model = _mutagenesis_run(student, rng, length)
    expect_close(got, reference.mutation_effects(local, x), hint=MUTAGENESIS_HINT,
                 mistakes=lambda: _mutagenesis_mistakes(local, x))
    calls = model.attr("calls")
    expect(calls <= length + 1, f"at most {length + 1} calls of the model", f"{calls} calls",
           "Stack the mutants into batches and call the model once per batch (all 4 * L at "
           "once, or a few hundred at a time): one call per mutant is 4 * L forward passes.",
           mistake="one call of the model per mutant")


# -- filter_pfms ---------------------------------------------------------------------------------

PFM_HINT = ("For each filter: the n_windows highest activations over all sequences and positions, "
            "and the mean of the one-hot windows x[n, i:i+K] that gave them.")


def _conv_twin(student, rng, n_filters, kernel_size):
    """(local Conv1d, sandbox Conv1d) with the same random weights."""
    local = torch.nn.Conv1d(4, n_filters, kernel_size)
    with torch.no_grad():
        local.weight.copy_(torch.randn(local.weight.shape, generator=rng))
        local.bias.copy_(torch.randn(n_filters, generator=rng))
    remote = student.make("torch.nn.Conv1d", 4, n_filters, kernel_size)
    remote.call("load_state_dict", local.state_dict())
    return local, remote


def _windows(x, kernel_size):
    """(N * P, K, 4) every window of (N, L, 4), window n * P + i = x[n, i:i+K]."""
    return x.unfold(1, kernel_size, 1).transpose(2, 3).reshape(-1, kernel_size, 4)


def _top_windows(flat, windows, n_windows, largest=True):
    """(F, K, 4): for each filter, the mean of the ``windows`` ((N * P, K, 4)) at its
    ``n_windows`` top activations in ``flat`` ((N * P, F), row n * P + i for window i of
    sequence n); largest=False: its lowest."""
    return windows[flat.topk(n_windows, dim=0, largest=largest).indices.T].mean(dim=1)


def _pfm_mistakes(conv, x, n_windows):
    """What typical wrong filter_pfms return for the local ``conv`` on x."""
    expected = reference.filter_pfms(conv, x, n_windows)
    kernel_size, n_filters = conv.kernel_size[0], conv.out_channels
    with torch.no_grad():
        activations = conv(x.transpose(1, 2))  # (N, F, P)
        weights = conv.weight.detach()  # (F, 4, K)
        as_tables = weights.reshape(n_filters, kernel_size, 4)  # scrambled, not transposed
        scrambled_scores = torch.einsum("wkb,fkb->wf", _windows(x, kernel_size), as_tables)
    flat = activations.transpose(1, 2).reshape(-1, n_filters)  # (N * P, F)
    windows = _windows(x, kernel_size)
    late = torch.cat([x, x.new_zeros(len(x), 1, 4)], dim=1).unfold(1, kernel_size, 1)
    late = late.transpose(2, 3)[:, 1:].reshape(-1, kernel_size, 4)  # x[n, i+1:i+1+K]
    starts = activations.argmax(dim=2)  # (N, F): where each sequence activates each filter most
    best_of_each = torch.stack([torch.stack([x[n, i:i + kernel_size]
                                             for n, i in enumerate(starts[:, f].tolist())]
                                            ).mean(dim=0) for f in range(n_filters)])
    return [named(expected * n_windows, "the windows added up, not averaged",
                  "average the windows (divide the counts by n_windows): each row of a "
                  "frequency matrix sums to 1."),
            named(_top_windows(flat, windows, n_windows, largest=False),
                  "the windows with the LOWEST activations",
                  "a filter's motif is what activates it most (topk, largest=True)."),
            named(best_of_each, "the best window of each sequence",
                  "take the top windows over all sequences and positions together, not the "
                  "best window of each sequence: one sequence may hold several."),
            named(_top_windows(activations.reshape(-1, n_filters), windows, n_windows),
                  "activations scrambled by a reshape",
                  "reshape/view does not transpose: (N, F, P) to (N * P, F) needs "
                  ".transpose(1, 2) first, or each score lands on another filter's window."),
            named(_top_windows(flat, x.unfold(1, kernel_size, 1).reshape(-1, kernel_size, 4),
                               n_windows), "windows scrambled by a reshape",
                  "x.unfold(1, K, 1) gives (N, P, 4, K): .transpose(2, 3) it to (K, 4) "
                  "windows before reshaping."),
            named(_top_windows(scrambled_scores, windows, n_windows),
                  "filters scrambled by a reshape",
                  "conv.weight is (n_filters, 4, K): filter f as a (K, 4) table is "
                  "conv.weight[f].T, not a reshape; or let conv(x.transpose(1, 2)) score the "
                  "windows."),
            named(_top_windows(flat, late, n_windows), "each window one position late",
                  "the activation at position i scores the window x[n, i:i+K]."),
            named(torch.softmax(weights.transpose(1, 2), dim=2), "built from the weights",
                  "a PFM counts the bases of the real DNA windows that activate the filter "
                  "most; the filter's weights are not frequencies."),
            *(named(_top_windows(flat, windows, n_windows + change),
                    f"one window too {word} per filter", "average exactly n_windows windows.")
              for change, word in ((-1, "few"), (1, "many"))),
            *layouts(expected, ("n_filters", "filters"), ("K", "positions"), ("4", "bases"),
                     hints={"(n_filters, 4, K) instead of (n_filters, K, 4)":
                            "Return (n_filters, K, 4): one row per position of the filter, "
                            "columns A C G T."})]


def _filter_pfms(student, conv, x, n_windows):
    return call_explained(student.call, "filter_pfms", conv, x, n_windows, hints={
        "to have 4 channels, but got": (NOT_TRANSPOSED,
                                        "Conv1d wants channels first: conv(x.transpose(1, 2)) on "
                                        "the (N, L, 4) one-hot batch.")})


def _expect_pfms_read_the_data(student, remote, x, got, n_windows, rng):
    """A wrong PFM that stays the same on other sequences was not computed from them."""
    other = random_one_hot(rng, len(x), x.shape[1])
    expect_uses(got, _filter_pfms(student, remote, other, n_windows), "sequences x",
                "Your matrices do not depend on x: count the bases of the windows of x that "
                "activate each filter most, not the filter's weights.",
                mistake="the PFMs built from the weights, not the sequences")


@exercise("filter_pfms", weight=3)
@pytest.mark.parametrize("n_filters, kernel_size, n_windows", [(3, 5, 10), (6, 8, 25)])
def test_filter_pfms_average_the_most_activating_windows(student, rng, n_filters, kernel_size,
                                                         n_windows):
    """random filters over random DNA: each PFM is the mean of its top-activating windows"""
    local, remote = _conv_twin(student, rng, n_filters, kernel_size)
    x = random_one_hot(rng, 12, 40)
    got = _filter_pfms(student, remote, x, n_windows)
    expect_tensor(got, dtype=torch.float32,
                  hint="Return a (n_filters, K, 4) float32 tensor of frequencies.")
    expect_close(got, reference.filter_pfms(local, x, n_windows), hint=PFM_HINT,
                 mistakes=lambda: _pfm_mistakes(local, x, n_windows),
                 otherwise=lambda: _expect_pfms_read_the_data(student, remote, x, got,
                                                              n_windows, rng))


@exercise("filter_pfms", weight=2)
def test_a_filter_planted_in_the_dna_gives_back_its_motif(student, rng):
    """a filter that detects CAAAGTCCA, over DNA holding that site, returns its one-hot"""
    local, remote = _conv_twin(student, rng, 2, 9)
    # filter 0 detects the site; filter 1 keeps its random weights (no ties between windows)
    state = {"weight": torch.stack([one_hot("CAAAGTCCA").T, local.weight[1].detach()]),
             "bias": torch.zeros(2)}
    local.load_state_dict(state)
    remote.call("load_state_dict", state)
    sequences = [random_dna(rng, 60) for _ in range(6)]
    sequences = [seq[:10 + 7 * n] + "CAAAGTCCA" + seq[19 + 7 * n:] for n, seq in
                 enumerate(sequences[:4])] + sequences[4:]
    x = torch.stack([one_hot(seq) for seq in sequences])
    got = _filter_pfms(student, remote, x, 4)
    expect_tensor(got, shape=(2, 9, 4), hint="(n_filters, K, 4): here (2, 9, 4).")
    expect_close(got[0], one_hot("CAAAGTCCA"), hint="The four windows that activate the filter "
                 "most are the four planted sites: " + PFM_HINT,
                 mistakes=lambda: [suspect._replace(value=suspect.value[0])
                                   for suspect in _pfm_mistakes(local, x, 4)
                                   if suspect.value.shape == (2, 9, 4)])


# -- motif_similarity ----------------------------------------------------------------------------

SIMILARITY_HINT = ("Place the motif at every shift from 1 - K2 to K1 - 1, on both strands; motif "
                   "positions off the ends of the pfm meet [0.25, 0.25, 0.25, 0.25]; score the "
                   "cosine similarity of the two flattened tables minus 0.25; keep the best.")


SHIFTS = {"all": lambda k1, k2: range(1 - k2, k1),
          "inside": lambda k1, k2: range(0, k1 - k2 + 1),
          "no last": lambda k1, k2: range(1 - k2, k1 - 1),
          "no first": lambda k1, k2: range(2 - k2, k1)}


def _similarity_variant(pfm, motif, strands=("forward", "reverse complement"), centre=True,
                        shifts="all", fill=0.25, best_of=max):
    """motif_similarity, and the typical ways of getting it wrong: ``shifts`` names a range of
    SHIFTS, ``fill`` is what motif positions off the pfm meet, ``best_of`` picks the score."""
    forms = {"forward": motif, "reverse complement": motif.flip(0).flip(1),
             "reverse": motif.flip(0), "complement": motif.flip(1)}
    offset = 0.25 if centre else 0.0
    scores = []
    for strand in (forms[name] for name in strands):
        for shift in SHIFTS[shifts](len(pfm), len(strand)):
            aligned = torch.full_like(strand, fill)
            lo, hi = max(0, -shift), min(len(strand), len(pfm) - shift)
            aligned[lo:hi] = pfm[shift + lo:shift + hi]
            scores.append(F.cosine_similarity((aligned - offset).flatten(),
                                              (strand - offset).flatten(), dim=0).item())
    return best_of(scores)


# (how the wrong similarity differs from the right one, the mistake, what to do)
SIMILARITY_MISTAKES = [
    ({"strands": ("forward",)}, "one strand only",
     "factors bind either strand: also score the motif's reverse complement, "
     "motif.flip(0).flip(1)."),
    ({"strands": ("forward", "complement")}, "the complement without reversing",
     "the reverse complement reverses the positions too: motif.flip(0).flip(1), not only the "
     "complement."),
    ({"strands": ("forward", "reverse")}, "the reverse without complementing",
     "the reverse complement swaps each base for its partner too (A<->T, C<->G, i.e. reversed "
     "columns): motif.flip(0).flip(1), not only reversed positions."),
    ({"centre": False}, "raw frequencies, not centred on 0.25",
     "subtract 0.25 from every frequency before the cosine similarity, so that positions that "
     "prefer no base count for nothing."),
    ({"shifts": "inside"}, "only shifts where the motif lies wholly on the pfm",
     "also try the shifts where the motif hangs over an end of the pfm (from 1 - K2 to "
     "K1 - 1); the positions off the end meet uniform columns."),
    ({"shifts": "no last"}, "the last shift left out",
     "the shifts run from 1 - K2 to K1 - 1 included: range(1 - K2, K1)."),
    ({"shifts": "no first"}, "the first shift left out",
     "the shifts run from 1 - K2 to K1 - 1 included: range(1 - K2, K1)."),
    ({"fill": 0.0}, "off-end positions filled with 0, not 0.25",
     "a motif position off the pfm meets a uniform column [0.25, 0.25, 0.25, 0.25]."),
    ({"best_of": lambda scores: sum(scores) / len(scores)}, "the mean score, not the best",
     "keep the best score over all shifts and both strands (max)."),
    ({"best_of": min}, "the worst score, not the best",
     "keep the best score over all shifts and both strands (max)."),
]


def _similarity_mistakes(pfm, motif):
    return [named(_similarity_variant(pfm, motif, **variant), mistake, fix)
            for variant, mistake, fix in SIMILARITY_MISTAKES]


def _random_pfm(rng, length):
    """(length, 4) frequencies, each row drawn from a flat Dirichlet, sharpened."""
    weights = torch.rand(length, 4, generator=rng) ** 3 + 0.01
    return weights / weights.sum(dim=1, keepdim=True)


def _motif_similarity(student, pfm, motif):
    got = call_explained(student.call, "motif_similarity", pfm, motif, hints={
        "must match the size of tensor": (
            "the positions off the pfm not filled",
            "The aligned part of the pfm must have the motif's shape (K2, 4): fill the positions "
            "that hang over an end with 0.25.")})
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        raise CheckFailed(expected="a float", got=describe(got),
                          hint="Return a Python float: score.item().",
                          mistake="returned a tensor, not a float")
    expect(isinstance(got, float), "a float between -1 and 1", describe(got),
           "Return the best score as a float (use .item()).",
           mistake=f"returned a {type(got).__name__}, not a float")
    return got


@exercise("motif_similarity", weight=3)
@pytest.mark.parametrize("strand", ["forward", "reverse complement", "complement"])
def test_a_motif_hidden_in_a_pfm_is_found_on_its_strand(student, rng, strand):
    """a motif copied, with noise, into the middle of a longer pfm scores high on either strand
    (and its mere complement, which no strand of DNA reads, does not count)"""
    motif, pfm = _random_pfm(rng, 7), _random_pfm(rng, 12)
    planted = {"forward": motif, "reverse complement": motif.flip(0).flip(1),
               "complement": motif.flip(1)}[strand]
    pfm[3:10] = 0.8 * planted + 0.2 * pfm[3:10]
    got = _motif_similarity(student, pfm, motif)
    expect_close(got, reference.motif_similarity(pfm, motif), hint=SIMILARITY_HINT,
                 mistakes=lambda: _similarity_mistakes(pfm, motif))


@exercise("motif_similarity", weight=2)
def test_a_motif_hanging_over_the_end_of_a_pfm(student, rng):
    """half a motif at the end of a pfm: the best shift hangs over, off-end positions uniform"""
    motif, pfm = _random_pfm(rng, 9), _random_pfm(rng, 10)
    pfm[6:] = motif[:4]
    got = _motif_similarity(student, pfm, motif)
    expect_close(got, reference.motif_similarity(pfm, motif), hint=SIMILARITY_HINT,
                 mistakes=lambda: _similarity_mistakes(pfm, motif))


@exercise("motif_similarity")
def test_unrelated_matrices_and_the_same_matrix(student, rng):
    """a matrix matches itself with 1.0; two random matrices score what the reference says"""
    motif = _random_pfm(rng, 8)
    expect_close(_motif_similarity(student, motif, motif), 1.0, atol=1e-5,
                 hint="A matrix aligned with itself scores 1 (the cosine of a vector with itself).",
                 mistakes=lambda: _similarity_mistakes(motif, motif))
    pfm, other = _random_pfm(rng, 10), _random_pfm(rng, 6)
    expect_close(_motif_similarity(student, pfm, other), reference.motif_similarity(pfm, other),
                 hint=SIMILARITY_HINT, mistakes=lambda: _similarity_mistakes(pfm, other))


# A motif with sharp ends (A first, C last) and vague middle positions, and the column of a pfm
# that prefers no base much (not exactly uniform: a cosine written by hand may divide 0 by 0).
TOUCHING_MOTIF = torch.tensor([[0.97, 0.01, 0.01, 0.01], [0.4, 0.2, 0.2, 0.2],
                               [0.2, 0.2, 0.4, 0.2], [0.01, 0.97, 0.01, 0.01]])
VAGUE_COLUMN = torch.tensor([0.24, 0.26, 0.24, 0.26])


def _touching(end, pfm_length=5):
    """A pfm of vague columns but one, at its ``end`` ("last" or "first"), which is the
    motif's opposite end (TOUCHING_MOTIF): the best alignment overlaps by one position only, at
    the last or the first shift, and scores well clear of every other one."""
    pfm = VAGUE_COLUMN.repeat(pfm_length, 1)
    if end == "last":
        pfm[-1] = TOUCHING_MOTIF[0]
    else:
        pfm[0] = TOUCHING_MOTIF[-1]
    return pfm


@exercise("motif_similarity")
def test_a_motif_touching_either_end_of_a_pfm(student):
    """a motif whose first position meets the pfm's last (or whose last meets its first) is
    found at the last (or the first) shift"""
    for end in ("last", "first"):
        pfm = _touching(end)
        got = _motif_similarity(student, pfm, TOUCHING_MOTIF)
        expect_close(got, reference.motif_similarity(pfm, TOUCHING_MOTIF), hint=SIMILARITY_HINT,
                     mistakes=lambda: _similarity_mistakes(pfm, TOUCHING_MOTIF))
