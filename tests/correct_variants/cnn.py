"""Correct alternatives for assignment 04 (a 1D convolutional network on DNA)."""
from . import Variant

VARIANTS = [
    # -- conv1d_scan ---------------------------------------------------------------------------
    Variant("conv1d_scan", "a loop filling a zero tensor", """
def conv1d_scan(x, filt, bias=0.0):
    width = filt.shape[0]
    feature_map = torch.zeros(x.shape[0] - width + 1)
    for i in range(len(feature_map)):
        feature_map[i] = torch.sum(x[i:i + width] * filt) + bias
    return feature_map
"""),
    Variant("conv1d_scan", "vectorised with unfold", """
def conv1d_scan(x, filt, bias=0.0):
    windows = x.unfold(0, len(filt), 1)  # (L - K + 1, 4, K)
    return (windows * filt.T).sum(dim=(1, 2)) + bias
"""),
    # -- filter_from_motif ---------------------------------------------------------------------
    Variant("filter_from_motif", "tokens by regular expression", """
import re

def filter_from_motif(motif):
    tokens = re.findall(r"\\[[^\\]]*\\]|.", motif.upper())
    if not tokens:
        raise ValueError("the motif is empty")
    filt = torch.zeros(len(tokens), 4)
    for position, token in enumerate(tokens):
        symbols = token[1:-1] if token.startswith("[") and len(token) > 1 else token
        if not symbols or any(symbol not in IUPAC for symbol in symbols):
            raise ValueError(f"{token!r} in {motif!r} is not a base, an IUPAC code or a class")
        for symbol in symbols:
            for base in IUPAC[symbol]:
                filt[position, BASES.index(base)] = 1.0
    return filt
"""),
    Variant("filter_from_motif", "a character loop into a numpy array", """
import numpy as np

def filter_from_motif(motif):
    rows, inside, current = [], False, ""
    for symbol in motif.upper():
        if symbol == "[" and not inside:
            inside, current = True, ""
        elif symbol == "]" and inside:
            if not current:
                raise ValueError("[] allows no base")
            rows.append(current)
            inside = False
        elif symbol in IUPAC:
            if inside:
                current += IUPAC[symbol]
            else:
                rows.append(IUPAC[symbol])
        else:
            raise ValueError(f"{symbol!r} is not a DNA base or IUPAC code")
    if inside:
        raise ValueError("a [ is never closed")
    if not rows:
        raise ValueError("the motif is empty")
    filt = np.zeros((len(rows), 4), dtype=np.float32)
    for position, allowed in enumerate(rows):
        filt[position, [BASES.index(base) for base in allowed]] = 1.0
    return torch.from_numpy(filt)
"""),
    # -- max_pool1d ----------------------------------------------------------------------------
    Variant("max_pool1d", "a loop over the windows", """
def max_pool1d(feature_map, size):
    n_windows = len(feature_map) // size
    if n_windows == 0:
        return feature_map[:0]
    return torch.stack([feature_map[i * size:(i + 1) * size].max() for i in range(n_windows)])
"""),
    Variant("max_pool1d", "unfold with step = size", """
def max_pool1d(feature_map, size):
    return feature_map.unfold(0, size, size).max(dim=1).values
"""),
    Variant("max_pool1d", "view and amax", """
def max_pool1d(feature_map, size):
    kept = len(feature_map) // size * size
    return feature_map[:kept].view(-1, size).amax(dim=1)
"""),
    # -- conv_output_length --------------------------------------------------------------------
    Variant("conv_output_length", "math.floor of a true division", """
import math

def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    return math.floor((seq_len + 2 * padding - kernel_size) / stride) + 1
"""),
    Variant("conv_output_length", "counting the filter's start positions", """
def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    padded = seq_len + 2 * padding
    return len(range(0, padded - kernel_size + 1, stride))
"""),
    # -- flattened_size ------------------------------------------------------------------------
    Variant("flattened_size", "the positions written out", """
def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    positions = seq_len - kernel_size + 1
    return n_filters * (positions // pool_size)
"""),
    Variant("flattened_size", "conv_output_length and math.floor", """
import math

def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    return int(math.floor(conv_output_length(seq_len, kernel_size) / pool_size)) * n_filters
"""),
    # -- DNACNN --------------------------------------------------------------------------------
    Variant("DNACNN", "flattens positions first", """
class DNACNN(nn.Module):
    def __init__(self, seq_len, n_filters, kernel_size, pool_size):
        super().__init__()
        self.conv = nn.Conv1d(4, n_filters, kernel_size)
        self.pool = nn.MaxPool1d(pool_size)
        self.fc = nn.Linear(flattened_size(seq_len, kernel_size, n_filters, pool_size), 1)

    def forward(self, x):
        feature_maps = self.pool(torch.relu(self.conv(x.transpose(1, 2))))  # (N, F, P)
        return torch.sigmoid(self.fc(feature_maps.transpose(1, 2).flatten(1))).squeeze(1)
"""),
    Variant("DNACNN", "F.relu, permute and the first output column", """
class DNACNN(nn.Module):
    def __init__(self, seq_len, n_filters, kernel_size, pool_size):
        super().__init__()
        self.conv = nn.Conv1d(in_channels=4, out_channels=n_filters, kernel_size=kernel_size)
        self.pool = nn.MaxPool1d(kernel_size=pool_size)
        self.fc = nn.Linear(flattened_size(seq_len, kernel_size, n_filters, pool_size), 1)

    def forward(self, x):
        feature_maps = self.pool(F.relu(self.conv(x.permute(0, 2, 1))))
        return torch.sigmoid(self.fc(feature_maps.reshape(len(x), -1)))[:, 0]
"""),
    Variant("DNACNN", "pooling before the ReLU (they commute)", """
class DNACNN(nn.Module):
    def __init__(self, seq_len, n_filters, kernel_size, pool_size):
        super().__init__()
        self.conv = nn.Conv1d(4, n_filters, kernel_size)
        self.pool = nn.MaxPool1d(pool_size)
        self.fc = nn.Linear(flattened_size(seq_len, kernel_size, n_filters, pool_size), 1)

    def forward(self, x):
        pooled = F.relu(self.pool(self.conv(x.transpose(1, 2))))
        return torch.sigmoid(self.fc(torch.flatten(pooled, start_dim=1)).squeeze(1))
"""),
    Variant("DNACNN", "the linear layer made before the convolution", """
class DNACNN(nn.Module):
    def __init__(self, seq_len, n_filters, kernel_size, pool_size):
        super().__init__()
        self.fc = nn.Linear(flattened_size(seq_len, kernel_size, n_filters, pool_size), 1)
        self.conv = nn.Conv1d(4, n_filters, kernel_size)
        self.pool = nn.MaxPool1d(pool_size)

    def forward(self, x):
        feature_maps = self.pool(torch.relu(self.conv(x.transpose(1, 2))))
        return torch.sigmoid(self.fc(feature_maps.flatten(1))).squeeze(1)
"""),
    # -- top_kmer ------------------------------------------------------------------------------
    Variant("top_kmer", "a loop over the rows", """
def top_kmer(filter_weights):
    kmer = ""
    for row in filter_weights:
        kmer += BASES[int(torch.argmax(row))]
    return kmer
"""),
    Variant("top_kmer", "numpy argmax and fancy indexing", """
import numpy as np

def top_kmer(filter_weights):
    best = filter_weights.detach().numpy().argmax(axis=1)
    return "".join(np.array(list(BASES))[best])
"""),
    # -- mutation_effects ----------------------------------------------------------------------
    Variant("mutation_effects", "one batch of 4 mutants per position, zeros written in", """
def mutation_effects(model, one_hot):
    model.eval()
    effects = torch.zeros(len(one_hot), 4)
    with torch.no_grad():
        original = model(one_hot[None])[0]
        for i in range(len(one_hot)):
            mutants = torch.stack([one_hot.clone() for _ in range(4)])
            mutants[:, i, :] = torch.eye(4)
            effects[i] = model(mutants) - original
    effects[one_hot == 1] = 0.0
    return effects
"""),
    Variant("mutation_effects", "all mutants at once under inference_mode, train(False)", """
def mutation_effects(model, one_hot):
    model.train(False)
    length = len(one_hot)
    index = torch.arange(4 * length)
    mutants = one_hot.expand(4 * length, length, 4).clone()
    mutants[index, index // 4] = F.one_hot(index % 4, 4).float()
    with torch.inference_mode():
        change = model(mutants) - model(one_hot.unsqueeze(0))
    return torch.where(one_hot.bool(), torch.zeros(()), change.view(length, 4)).clone()
"""),
    Variant("mutation_effects", "the model's mode restored afterwards", """
def mutation_effects(model, one_hot):
    was_training = model.training
    model.eval()
    length = len(one_hot)
    mutants = one_hot.repeat(4 * length, 1, 1)
    for i in range(length):
        mutants[4 * i:4 * i + 4, i] = torch.eye(4)
    with torch.no_grad():
        change = model(mutants) - model(one_hot.unsqueeze(0))
    model.train(was_training)
    return change.reshape(length, 4) * (1 - one_hot)
"""),
    # -- filter_pfms ---------------------------------------------------------------------------
    Variant("filter_pfms", "F.conv1d on the weights, unfold, topk over a flat view", """
def filter_pfms(conv, x, n_windows):
    weight, bias = conv.weight.detach(), conv.bias.detach()
    kernel_size = weight.shape[2]
    activations = F.conv1d(x.transpose(1, 2), weight, bias)  # (N, F, P)
    windows = x.unfold(1, kernel_size, 1).permute(0, 1, 3, 2).reshape(-1, kernel_size, 4)
    per_window = activations.permute(0, 2, 1).reshape(-1, weight.shape[0])  # (N * P, F)
    top = per_window.topk(n_windows, dim=0).indices  # (n_windows, F)
    return torch.stack([windows[top[:, f]].mean(dim=0) for f in range(weight.shape[0])])
"""),
    Variant("filter_pfms", "a sort of each filter's activations, a loop over the windows", """
def filter_pfms(conv, x, n_windows):
    k = conv.kernel_size[0]
    with torch.no_grad():
        activations = conv(x.permute(0, 2, 1))
    n_positions = activations.shape[2]
    result = torch.zeros(activations.shape[1], k, 4)
    for f in range(activations.shape[1]):
        order = torch.sort(activations[:, f].reshape(-1), descending=True).indices
        for flat in order[:n_windows].tolist():
            n, i = divmod(flat, n_positions)
            result[f] += x[n, i:i + k]
        result[f] /= n_windows
    return result
"""),
    # -- motif_similarity ----------------------------------------------------------------------
    Variant("motif_similarity", "pad the pfm with uniform rows, cosine by hand", """
def motif_similarity(pfm, motif):
    k2 = len(motif)
    padding = torch.full((k2 - 1, 4), 0.25)
    padded = torch.cat([padding, pfm, padding]) - 0.25
    scores = []
    for strand in (motif, torch.flip(motif, dims=[0, 1])):
        centred = (strand - 0.25).flatten()
        for start in range(len(padded) - k2 + 1):
            window = padded[start:start + k2].flatten()
            scores.append(float(window @ centred / (window.norm() * centred.norm())))
    return max(scores)
"""),
    Variant("motif_similarity", "reverse complement by indexing columns TGCA", """
def motif_similarity(pfm, motif):
    reverse_complement = motif.flip(0)[:, [3, 2, 1, 0]]
    best = None
    for strand in (motif, reverse_complement):
        for shift in range(-(len(strand) - 1), len(pfm)):
            aligned = torch.full_like(strand, 0.25)
            for j in range(len(strand)):
                if 0 <= shift + j < len(pfm):
                    aligned[j] = pfm[shift + j]
            score = F.cosine_similarity((aligned - 0.25).reshape(1, -1),
                                        (strand - 0.25).reshape(1, -1)).item()
            best = score if best is None else max(best, score)
    return best
"""),
]
