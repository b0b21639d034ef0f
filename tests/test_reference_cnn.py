"""The assignment 04 reference (solutions.cnn) reproduces the slides (the CCG filter over
ACCGTCACCTA, the 54 flattened features) and agrees with nn.Conv1d and nn.MaxPool1d."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from solutions.cnn import (DNACNN, conv1d_scan, conv_output_length, filter_from_motif,
                           flattened_size, max_pool1d, top_kmer)
from solutions.promoter_classifier import encode_batch, one_hot

quick = settings(deadline=None, max_examples=40)


def test_the_ccg_filter_over_the_slide_sequence():
    feature_map = conv1d_scan(one_hot("ACCGTCACCTA"), one_hot("CCG"))
    assert feature_map.tolist() == [1, 3, 1, 0, 1, 1, 1, 2, 1]


@quick
@given(st.integers(1, 8), st.integers(0, 12), st.floats(-2, 2), st.integers(0, 2**31 - 1))
def test_conv1d_scan_agrees_with_conv1d(kernel_size, extra_length, bias, seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(kernel_size + extra_length, 4, generator=generator)
    filt = torch.randn(kernel_size, 4, generator=generator)
    expected = F.conv1d(x.T[None], filt.T[None], torch.tensor([bias]))[0, 0]
    torch.testing.assert_close(conv1d_scan(x, filt, bias), expected, rtol=1e-5, atol=1e-5)


def test_conv1d_scan_refuses_a_filter_longer_than_the_sequence():
    with pytest.raises(ValueError, match="shorter than the filter"):
        conv1d_scan(one_hot("AC"), one_hot("ACG"))


def test_a_plain_motif_gives_its_one_hot():
    assert torch.equal(filter_from_motif("ccg"), one_hot("CCG"))


def test_a_bracket_class_allows_each_of_its_bases():
    # the isoleucine codons ATT, ATC, ATA as one filter
    assert filter_from_motif("AT[ACT]").tolist() == [[1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 1]]


@pytest.mark.parametrize("code, bases", [("N", "ACGT"), ("W", "AT"), ("S", "CG"), ("R", "AG"),
                                         ("Y", "CT"), ("K", "GT"), ("M", "AC"), ("B", "CGT"),
                                         ("D", "AGT"), ("H", "ACT"), ("V", "ACG")])
def test_iupac_codes_allow_their_bases(code, bases):
    assert filter_from_motif(code)[0].tolist() == [float(base in bases) for base in "ACGT"]


@pytest.mark.parametrize("kmer, score", [("ATA", 3), ("ATC", 3), ("ATT", 3), ("ATG", 2),
                                         ("GTA", 2), ("CCC", 1)])
def test_every_matching_kmer_scores_the_motif_length(kmer, score):
    assert conv1d_scan(one_hot(kmer), filter_from_motif("AT[ACT]")).item() == score


@pytest.mark.parametrize("motif", ["", "AXG", "A[CG", "A[]C", "AC]", "A-C"])
def test_a_malformed_motif_is_refused(motif):
    with pytest.raises(ValueError, match="is not a motif"):
        filter_from_motif(motif)


@quick
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=30), st.integers(1, 8))
def test_max_pool1d_agrees_with_nn_maxpool1d(values, size):
    feature_map = torch.tensor(values)
    expected = nn.MaxPool1d(size)(feature_map[None, None])[0, 0] if size <= len(values) \
        else torch.empty(0)
    torch.testing.assert_close(max_pool1d(feature_map, size), expected)


def test_max_pool1d_drops_the_trailing_partial_window():
    assert max_pool1d(torch.tensor([1.0, 3, 1, 0, 1, 1, 1, 2, 1]), 2).tolist() == [3, 1, 1, 2]


@quick
@given(st.integers(1, 60), st.integers(1, 9), st.integers(1, 4), st.integers(0, 3))
def test_conv_output_length_agrees_with_conv1d(seq_len, kernel_size, stride, padding):
    if seq_len + 2 * padding < kernel_size:
        return
    conv = nn.Conv1d(4, 1, kernel_size, stride=stride, padding=padding)
    assert conv_output_length(seq_len, kernel_size, stride, padding) == conv(
        torch.zeros(1, 4, seq_len)).shape[-1]


def test_the_slide_counts_54_features_for_11_bp_kernel_3_and_6_filters():
    assert conv_output_length(11, 3) == 9
    assert flattened_size(11, 3, n_filters=6, pool_size=1) == 54


@pytest.mark.parametrize("seq_len, kernel_size, n_filters, pool_size",
                         [(11, 3, 6, 1), (11, 3, 6, 2), (251, 8, 16, 4), (500, 10, 16, 491)])
def test_dnacnn_takes_one_hot_dna_and_returns_one_probability_per_sequence(
        seq_len, kernel_size, n_filters, pool_size):
    torch.manual_seed(0)
    model = DNACNN(seq_len, n_filters, kernel_size, pool_size)
    assert isinstance(model.conv, nn.Conv1d) and isinstance(model.pool, nn.MaxPool1d)
    assert model.conv.weight.shape == (n_filters, 4, kernel_size)
    assert model.fc.in_features == flattened_size(seq_len, kernel_size, n_filters, pool_size)
    probabilities = model(torch.rand(3, seq_len, 4))
    assert probabilities.shape == (3,)
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_dnacnn_scans_its_filters_like_the_slide():
    """With the CCG filter, no bias and no pooling, fc sees the slide's feature map."""
    model = DNACNN(seq_len=11, n_filters=1, kernel_size=3, pool_size=1)
    with torch.no_grad():
        model.conv.weight[0] = one_hot("CCG").T
        model.conv.bias.zero_()
        model.fc.weight.copy_(torch.eye(9)[4][None])  # pass on position 4 of the feature map
        model.fc.bias.zero_()
        probability = model(encode_batch(["ACCGTCACCTA", "TTCCGTTTTTT"]))
    # position 4 scores 1 (TCA) in the first sequence and 0 (TTT) in the second
    torch.testing.assert_close(probability, torch.sigmoid(torch.tensor([1.0, 0.0])))


def test_top_kmer_reads_the_strongest_base_at_each_position():
    assert top_kmer(filter_from_motif("TATAAA")) == "TATAAA"
    weights = torch.tensor([[0.1, 0.9, 0.0, 0.0], [-1.0, -2.0, 0.5, -0.5], [0.3, 0.2, 0.1, 0.4]])
    assert top_kmer(weights) == "CGT"


# -- interpretation: mutagenesis, filter PFMs, motif similarity ----------------------------------

def test_mutation_effects_agree_with_one_mutant_at_a_time():
    from solutions.cnn import mutation_effects
    torch.manual_seed(0)
    model = DNACNN(30, 4, 5, 26)
    x = F.one_hot(torch.randint(0, 4, (30,)), 4).float()
    effects = mutation_effects(model, x, batch_size=7)  # batches that do not divide 4 * 30
    with torch.no_grad():
        original = model(x[None])[0]
        for i, base in [(0, 0), (3, 2), (29, 3), (17, 1)]:
            mutant = x.clone()
            mutant[i] = F.one_hot(torch.tensor(base), 4).float()
            expected = 0.0 if x[i, base] else model(mutant[None])[0] - original
            assert torch.isclose(effects[i, base], torch.as_tensor(expected), atol=1e-6)
    assert effects[x.bool()].abs().max() == 0 and not model.training


def test_filter_pfms_average_each_filters_top_windows():
    from solutions.cnn import filter_pfms
    torch.manual_seed(0)
    conv = nn.Conv1d(4, 3, 5)
    x = F.one_hot(torch.randint(0, 4, (20, 30)), 4).float()
    pfms = filter_pfms(conv, x, 10)
    assert pfms.shape == (3, 5, 4) and torch.allclose(pfms.sum(dim=2), torch.ones(3, 5))
    with torch.no_grad():
        activations = conv(x.transpose(1, 2))[:, 1].flatten()  # filter 1, index n * 26 + i
    top = activations.topk(10).indices.tolist()
    windows = torch.stack([x[index // 26, index % 26:index % 26 + 5] for index in top])
    assert torch.allclose(pfms[1], windows.mean(dim=0))


def test_motif_similarity_finds_a_motif_on_either_strand_and_overhanging():
    from dlbio_student.data.jaspar_motifs import position_probability_matrices
    from solutions.cnn import motif_similarity, reverse_complement_matrix
    matrices = {name: torch.tensor(m, dtype=torch.float32)
                for name, m in position_probability_matrices().items()}
    hnf4a = matrices["HNF4A"]
    uniform = torch.full((3, 4), 0.25)
    assert abs(motif_similarity(hnf4a, hnf4a) - 1) < 1e-6
    assert abs(motif_similarity(torch.cat([uniform, reverse_complement_matrix(hnf4a)]), hnf4a)
               - 1) < 1e-6
    half = motif_similarity(torch.cat([uniform, hnf4a[:5]]), hnf4a)  # 4 positions hang over
    assert 0.4 < half < 0.9
    assert all(motif_similarity(matrices[a], matrices[b]) < 0.55
               for a in matrices for b in matrices if a != b)
