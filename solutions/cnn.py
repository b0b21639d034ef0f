"""Assignment 04 reference: a 1D convolutional network on DNA.

A filter is a motif detector: slide it along the one-hot sequence and at each position take
the dot product with the window under it. The feature map peaks where the motif is, wherever
that is; max pooling keeps the peaks; a linear layer on the pooled maps decides.
"""
import re

import torch
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
