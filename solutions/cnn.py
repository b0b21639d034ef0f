"""Assignment 04 reference: a 1D convolutional network on DNA.

A filter is a motif detector: slide it along the one-hot sequence and at each position take
the dot product with the window under it. The feature map peaks where the motif is, wherever
that is; max pooling keeps the peaks; a linear layer on the pooled maps decides.
"""
import re

import torch
import torch.nn.functional as F
from torch import nn

BASES = "ACGT"
IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT",
         "K": "GT", "M": "AC", "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT"}
MOTIF_POSITION = re.compile(r"\[([ACGTRYSWKMBDHVN]+)\]|([ACGTRYSWKMBDHVN])")


def conv1d_scan(x, filt, bias=0.0):
    """Valid cross-correlation of a sequence with one filter, by hand.

    x: (L, 4) float32 one-hot; filt: (K, 4) float32 -> (L - K + 1,) feature map with
    feature_map[i] = sum(x[i:i+K] * filt) + bias.
    """
    kernel_size = filt.shape[0]
    if len(x) < kernel_size:
        raise ValueError(f"the sequence ({len(x)} bp) is shorter than the filter ({kernel_size})")
    return torch.stack([(x[i:i + kernel_size] * filt).sum() + bias
                        for i in range(len(x) - kernel_size + 1)])


def filter_from_motif(motif):
    """(K, 4) float32 filter, columns A C G T, from a motif such as "CCG", "TATAWAW" or "AT[ACT]".

    Each position is a base, an IUPAC code (N R Y S W K M B D H V) or a bracket class of
    allowed bases. Every allowed base gets weight 1 and the others 0, so every k-mer that
    matches the motif scores exactly K: "AT[ACT]" finds the three isoleucine codons ATA, ATC, ATT.
    """
    motif = motif.upper()
    positions = MOTIF_POSITION.findall(motif)
    if not positions or "".join(f"[{group}]" if group else base
                                for group, base in positions) != motif:
        raise ValueError(f"{motif!r} is not a motif: write it with A, C, G, T, IUPAC codes "
                         f"(N R Y S W K M B D H V) and classes in brackets such as AT[ACT]")
    filt = torch.zeros(len(positions), 4)
    for k, (group, base) in enumerate(positions):
        for symbol in group or base:
            for allowed in IUPAC[symbol]:
                filt[k, BASES.index(allowed)] = 1.0
    return filt


def max_pool1d(feature_map, size):
    """Maximum of each non-overlapping window of ``size``; a trailing partial window is
    dropped, as nn.MaxPool1d does. feature_map: (P,) -> (P // size,)."""
    n_windows = len(feature_map) // size
    return feature_map[:n_windows * size].reshape(n_windows, size).max(dim=1).values


def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    """Number of positions a filter of ``kernel_size`` fits in (padded) DNA of ``seq_len``."""
    return (seq_len + 2 * padding - kernel_size) // stride + 1


def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    """Length of the vector the linear layer sees: pooled positions x feature maps.
    E.g. 11 bp, kernel 3, 6 filters, no pooling (pool_size=1): 9 x 6 = 54."""
    return conv_output_length(seq_len, kernel_size) // pool_size * n_filters


class DNACNN(nn.Module):
    """Conv1d (n_filters motif detectors of width kernel_size) -> ReLU -> MaxPool1d(pool_size)
    -> flatten -> Linear -> sigmoid.

    Parameters: ``conv.weight`` (n_filters, 4, kernel_size), ``conv.bias`` (n_filters,),
    ``fc.weight`` (1, flattened_size), ``fc.bias`` (1,).
    """

    def __init__(self, seq_len, n_filters, kernel_size, pool_size):
        super().__init__()
        self.conv = nn.Conv1d(4, n_filters, kernel_size)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool1d(pool_size)
        self.fc = nn.Linear(flattened_size(seq_len, kernel_size, n_filters, pool_size), 1)

    def forward(self, x):
        """x: (N, L, 4) float32 one-hot -> (N,) float32 probabilities."""
        channels_first = x.transpose(1, 2)  # Conv1d wants (N, 4 channels, L)
        feature_maps = self.pool(self.relu(self.conv(channels_first)))
        return torch.sigmoid(self.fc(feature_maps.flatten(start_dim=1))).squeeze(1)


def top_kmer(filter_weights):
    """The k-mer a filter responds to most: its highest-weight base at each position.

    filter_weights: (K, 4), columns A C G T (for a trained DNACNN: ``conv.weight[f].T``) -> str.
    """
    return "".join(BASES[i] for i in filter_weights.argmax(dim=1).tolist())


def mutation_effects(model, one_hot, batch_size=512):
    """In-silico mutagenesis: how much the predicted probability changes when each position is
    mutated to each base.

    model: maps (N, L, 4) one-hot to (N,) probabilities; one_hot: (L, 4) float32, columns A C G T.
    Returns (L, 4) float32 ``effects[i, b] = p(x with base b at i) - p(x)``, 0 where b is the
    base already at i. The 3L + L mutants (the original base included) go through the model in
    batches of ``batch_size``, in eval mode and without building a graph.
    """
    model.eval()
    length = len(one_hot)
    positions = torch.arange(length).repeat_interleave(4)  # mutant m changes position m // 4
    new_bases = torch.eye(4).repeat(length, 1)             # ... to base m % 4
    with torch.no_grad():
        original = model(one_hot.unsqueeze(0))[0]
        changed = []
        for start in range(0, 4 * length, batch_size):
            rows = torch.arange(start, min(start + batch_size, 4 * length))
            mutants = one_hot.repeat(len(rows), 1, 1)  # (batch, L, 4) copies
            mutants[torch.arange(len(rows)), positions[rows]] = new_bases[rows]
            changed.append(model(mutants))
    effects = (torch.cat(changed) - original).reshape(length, 4)
    return effects.masked_fill(one_hot.bool(), 0.0)


def filter_pfms(conv, x, n_windows=100):
    """Each filter of a trained first layer as a position frequency matrix: the base frequencies
    of the ``n_windows`` windows of ``x`` that activate it most.

    conv: an nn.Conv1d(4, n_filters, K); x: (N, L, 4) float32 one-hot. The activation of filter f
    at position i of sequence n scores the window ``x[n, i:i+K]``; the top ``n_windows`` over all
    sequences and positions are averaged. Returns (n_filters, K, 4) float32, rows summing to 1.
    """
    with torch.no_grad():
        activations = conv(x.transpose(1, 2))  # (N, n_filters, P), P = L - K + 1
    kernel_size = conv.kernel_size[0]
    windows = x.unfold(1, kernel_size, 1).transpose(2, 3)  # (N, P, K, 4): windows[n, i] = x[n, i:i+K]
    windows = windows.reshape(-1, kernel_size, 4)
    best = activations.transpose(1, 2).reshape(-1, activations.shape[1]).topk(n_windows, dim=0)
    return windows[best.indices.T].mean(dim=1)  # (n_filters, n_windows, K, 4) -> (n_filters, K, 4)


def reverse_complement_matrix(matrix):
    """A (K, 4) matrix, columns A C G T, read on the other strand: positions reversed, and each
    base swapped for its partner (A<->T, C<->G), which reverses the column order."""
    return matrix.flip(0).flip(1)


def motif_similarity(pfm, motif):
    """How well a filter's frequency matrix matches a motif: the best ungapped alignment of the
    motif, on either strand, to the pfm.

    pfm: (K1, 4), motif: (K2, 4), float32 frequencies, columns A C G T. The motif (or its reverse
    complement) is placed at every shift where at least one of its positions lies on the pfm;
    motif positions hanging over an end of the pfm meet a uniform column (0.25 each). An alignment
    scores the cosine similarity of the two aligned (K2, 4) tables, flattened, after subtracting
    0.25 from every frequency (so a position that prefers no base counts for nothing). Returns
    the best score, a float in [-1, 1].
    """
    best = -1.0
    for strand in (motif, reverse_complement_matrix(motif)):
        for shift in range(1 - len(strand), len(pfm)):  # motif position j meets pfm[shift + j]
            aligned = torch.full_like(strand, 0.25)
            lo, hi = max(0, -shift), min(len(strand), len(pfm) - shift)
            aligned[lo:hi] = pfm[shift + lo:shift + hi]
            score = F.cosine_similarity((aligned - 0.25).flatten(), (strand - 0.25).flatten(),
                                        dim=0)
            best = max(best, score.item())
    return best
