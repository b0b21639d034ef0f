"""Typical mistakes in assignment 04 (a 1D convolutional network on DNA)."""
from . import Mistake

# What several mistakes change in the reference cells (the notebook's solution cells).
SET_WEIGHT = "            filt[position, BASES.index(base)] = 1.0\n"  # filter_from_motif
LINEAR = "nn.Linear(flattened_size(seq_len, kernel_size, n_filters, pool_size), 1)"  # DNACNN
OUTPUT = "return torch.sigmoid(self.fc(feature_maps.flatten(start_dim=1))).squeeze(1)"
# mutation_effects: how the reference builds its mutants, and its last line
MUTANTS = ("mutants = one_hot.repeat(4 * length, 1, 1)  # (4L, L, 4): mutant 4 * i + b\n"
           "    for i in range(length):\n"
           "        mutants[4 * i:4 * i + 4, i] = torch.eye(4)  # position i becomes A, C, G, T")
MASKED = "return effects * (1 - one_hot)  # the base already there: no mutation, no effect"

MISTAKES = [
    # -- conv1d_scan
    Mistake.edit("conv1d_scan", "off-by-one: stops one position early", "Off-by-one",
                 ("range(len(x) - kernel_size + 1)", "range(len(x) - kernel_size)")),
    Mistake.edit("conv1d_scan", "forgot the bias", "forgot to add the bias",
                 (".sum() + bias", ".sum()")),
    Mistake.edit("conv1d_scan", "flipped the filter (a textbook convolution)",
                 "flipped the filter", ("kernel_size] * filt)", "kernel_size] * filt.flip(0))")),
    Mistake.edit("conv1d_scan", "summed over the positions only, one score per base",
                 "Sum over both", (".sum() + bias", ".sum(dim=0) + bias")),
    Mistake.edit("conv1d_scan", "off-by-one: one position too many", "Off-by-one",
                 ("range(len(x) - kernel_size + 1)", "range(len(x) - kernel_size + 2)")),
    Mistake.edit("conv1d_scan", "padded the sequence to keep its length",
                 "padded to keep the length",
                 ("    scores = [",
                  "    left = (kernel_size - 1) // 2\n"
                  "    x = torch.cat([torch.zeros(left, 4), x,\n"
                  "                   torch.zeros(kernel_size - 1 - left, 4)])\n"
                  "    scores = [")),

    # -- filter_from_motif
    Mistake.edit("filter_from_motif", "wildcards (IUPAC codes) left as zeros",
                 "Wildcards (IUPAC codes)",
                 ('allowed_per_position.append("".join(IUPAC[symbol] for symbol in symbols))',
                  "allowed_per_position.append(symbols)"),
                 (SET_WEIGHT, "            if base in BASES:\n    " + SET_WEIGHT)),
    Mistake.edit("filter_from_motif", "probabilities 1/n instead of weight 1 per allowed base",
                 "not 1 / (number of allowed bases)",
                 ("BASES.index(base)] = 1.0", "BASES.index(base)] = 1.0 / len(set(allowed))")),
    Mistake("filter_from_motif", "brackets read character by character", """
def filter_from_motif(motif):
    motif = motif.upper()
    filt = torch.zeros(len(motif), 4)
    for position, symbol in enumerate(motif):
        for base in IUPAC[symbol]:
            filt[position, BASES.index(base)] = 1.0
    return filt
""", "ONE position"),
    Mistake.edit("filter_from_motif", "only the first base of a bracket class",
                 "Every base inside the brackets",
                 ("symbols, i = motif[i + 1:end], end + 1", "symbols, i = motif[i + 1], end + 1")),
    Mistake.edit("filter_from_motif", "columns in the order A T G C", "A, C, G, T, in this order",
                 ("filt[position, BASES.index(base)]", 'filt[position, "ATGC".index(base)]')),

    # -- max_pool1d
    Mistake("max_pool1d", "overlapping windows (stride 1)", """
def max_pool1d(feature_map, size):
    return torch.stack([feature_map[i:i + size].max()
                        for i in range(len(feature_map) - size + 1)])
""", "Your windows overlap"),
    Mistake("max_pool1d", "kept the trailing partial window", """
def max_pool1d(feature_map, size):
    return torch.stack([feature_map[i:i + size].max()
                        for i in range(0, len(feature_map), size)])
""", "Drop the trailing partial window"),
    Mistake("max_pool1d", "started each maximum from 0", """
def max_pool1d(feature_map, size):
    pooled = []
    for start in range(0, len(feature_map) - size + 1, size):
        best = 0.0
        for value in feature_map[start:start + size].tolist():
            if value > best:
                best = value
        pooled.append(best)
    return torch.tensor(pooled)
""", "Feature maps can be negative"),
    Mistake("max_pool1d", "returned (values, indices)", """
def max_pool1d(feature_map, size):
    n_windows = len(feature_map) // size
    return feature_map[:n_windows * size].reshape(n_windows, size).max(dim=1)
""", "return .values only"),
    Mistake("max_pool1d", "average pooling", """
def max_pool1d(feature_map, size):
    n_windows = len(feature_map) // size
    return feature_map[:n_windows * size].reshape(n_windows, size).mean(dim=1)
""", "average pooling"),

    # -- conv_output_length
    Mistake("conv_output_length", "forgot the + 1", """
def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    return (seq_len + 2 * padding - kernel_size) // stride
""", "Off-by-one"),
    Mistake("conv_output_length", "padding on one end only", """
def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    return (seq_len + padding - kernel_size) // stride + 1
""", "at EACH end"),
    Mistake("conv_output_length", "true division", """
def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    return (seq_len + 2 * padding - kernel_size) / stride + 1
""", "floor division"),
    Mistake("conv_output_length", "ignored the stride", """
def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    return seq_len + 2 * padding - kernel_size + 1
""", "Divide by the stride"),
    Mistake("conv_output_length", "added 1 before dividing by the stride", """
def conv_output_length(seq_len, kernel_size, stride=1, padding=0):
    return (seq_len + 2 * padding - kernel_size + 1) // stride
""", "1 added before dividing"),

    # -- flattened_size
    Mistake("flattened_size", "forgot the pooling", """
def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    return conv_output_length(seq_len, kernel_size) * n_filters
""", "the pooling left out"),
    Mistake("flattened_size", "forgot the number of filters", """
def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    return conv_output_length(seq_len, kernel_size) // pool_size
""", "Multiply by n_filters"),
    Mistake("flattened_size", "pooled the sequence length, not the feature map", """
def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    return seq_len // pool_size * n_filters
""", "The convolution shortens the sequence first"),
    Mistake("flattened_size", "rounded the pooled positions up", """
def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    import math
    return math.ceil(conv_output_length(seq_len, kernel_size) / pool_size) * n_filters
""", "Pooling drops the trailing partial window"),
    Mistake("flattened_size", "L - K positions (off by one)", """
def flattened_size(seq_len, kernel_size, n_filters, pool_size):
    return (seq_len - kernel_size) // pool_size * n_filters
""", "one position too few"),

    # -- DNACNN
    Mistake.edit("DNACNN", "fed (N, L, 4) to Conv1d without transposing", "x.transpose(1, 2)",
                 ("self.conv(x.transpose(1, 2))", "self.conv(x)")),
    Mistake.edit("DNACNN", "Conv2d over the one-hot table", "Conv2d",
                 ("Conv1d(4, n_filters, kernel_size)", "Conv2d(1, n_filters, (kernel_size, 4))"),
                 ("feature_maps = self.pool(self.relu(self.conv(x.transpose(1, 2))))",
                  "feature_maps = self.conv(x.unsqueeze(1)).squeeze(3)  # (N, n_filters, L - K + 1)"
                  "\n        feature_maps = self.pool(self.relu(feature_maps))")),
    Mistake.edit("DNACNN", "wrong flatten size: forgot the pooling", "Wrong flatten size",
                 (LINEAR, "nn.Linear(n_filters * conv_output_length(seq_len, kernel_size), 1)")),
    Mistake.edit("DNACNN", "ReLU after the output layer", "ReLU after the output layer",
                 (OUTPUT, "logits = torch.relu(self.fc(feature_maps.flatten(start_dim=1)))\n"
                          "        return torch.sigmoid(logits).squeeze(1)")),
    Mistake.edit("DNACNN", "no nonlinearity after the convolution", "Missing nonlinearity",
                 ("self.pool(self.relu(self.conv(x.transpose(1, 2))))",
                  "self.pool(self.conv(x.transpose(1, 2)))")),
    Mistake.edit("DNACNN", "sigmoid twice", "sigmoid twice",
                 (LINEAR, f"nn.Sequential(\n            {LINEAR}, nn.Sigmoid())")),
    Mistake.edit("DNACNN", "pooling windows that overlap (stride 1)", "do not overlap",
                 ("nn.MaxPool1d(pool_size)", "nn.MaxPool1d(pool_size, stride=1)")),
    Mistake.edit("DNACNN", "reshape instead of transpose", "reshape/view does not transpose",
                 ("x.transpose(1, 2)", "x.reshape(x.shape[0], 4, x.shape[1])")),
    Mistake.edit("DNACNN", "returned (N, 1) instead of (N,)", "squeeze(1)",
                 (OUTPUT, "return torch.sigmoid(self.fc(feature_maps.flatten(start_dim=1)))")),
    Mistake.edit("DNACNN", "squeeze() without a dimension", "without a dimension",
                 (OUTPUT, "return torch.sigmoid(self.fc(feature_maps.flatten(start_dim=1)))"
                          ".squeeze()")),

    # -- top_kmer
    Mistake("top_kmer", "argmin instead of argmax", """
def top_kmer(filter_weights):
    return "".join(BASES[column] for column in filter_weights.argmin(dim=1).tolist())
""", "argmin"),
    Mistake("top_kmer", "largest absolute weight", """
def top_kmer(filter_weights):
    return "".join(BASES[column] for column in filter_weights.abs().argmax(dim=1).tolist())
""", "largest absolute value"),
    Mistake("top_kmer", "argmax over the positions (dim=0)", """
def top_kmer(filter_weights):
    return "".join(BASES[column] for column in filter_weights.argmax(dim=0).tolist())
""", "best base of each POSITION"),
    Mistake("top_kmer", "columns read as A T G C", """
def top_kmer(filter_weights):
    return "".join("ATGC"[column] for column in filter_weights.argmax(dim=1).tolist())
""", "A, C, G, T in this order"),
    Mistake("top_kmer", "returned a list of letters", """
def top_kmer(filter_weights):
    return [BASES[column] for column in filter_weights.argmax(dim=1).tolist()]
""", "Join the letters"),

    # -- mutation_effects
    Mistake.edit("mutation_effects", "did not restore the original base between mutants",
                 "the original base not restored",
                 (MUTANTS, "mutant, mutants = one_hot.clone(), []\n"
                           "    for i in range(length):\n"
                           "        for base in range(4):\n"
                           "            mutant[i] = 0\n"
                           "            mutant[i, base] = 1\n"
                           "            mutants.append(mutant.clone())\n"
                           "    mutants = torch.stack(mutants)"),
                 (MASKED, "return effects")),
    Mistake.edit("mutation_effects", "set the new base without clearing the old one",
                 "two bases at the mutated position",
                 ("mutants[4 * i:4 * i + 4, i] = torch.eye(4)",
                  "for base in range(4):\n            mutants[4 * i + base, i, base] = 1.0")),
    Mistake.edit("mutation_effects", "forgot model.eval()", "forgot model.eval()",
                 ("    model.eval()\n", "")),
    Mistake.edit("mutation_effects", "forgot torch.no_grad()", "torch.no_grad()",
                 ("    with torch.no_grad():\n        original", "    original"),
                 ("        probabilities = torch.cat", "    probabilities = torch.cat")),
    Mistake.edit("mutation_effects", "only the three other bases, shape (L, 3)",
                 "Keep all four columns",
                 (MASKED, "return effects[one_hot == 0].reshape(length, 3)")),
    Mistake.edit("mutation_effects", "original minus mutant", "sign is reversed",
                 ("(probabilities - original)", "(original - probabilities)")),
    Mistake.edit("mutation_effects", "one call of the model per mutant", "once per batch",
                 ("model(batch) for batch in mutants.split(500)",
                  "model(mutant.unsqueeze(0)) for mutant in mutants")),
    Mistake.edit("mutation_effects", "mutants made base-major, reshaped position-major",
                 "scrambled by a reshape",
                 (MUTANTS, "mutants = one_hot.repeat(4 * length, 1, 1)  # mutant b * L + i\n"
                           "    for i in range(length):\n"
                           "        mutants[i::length, i] = torch.eye(4)")),
    Mistake.edit("mutation_effects", "a sigmoid on the model's probabilities",
                 "the sigmoid applied twice",
                 ("effects = (probabilities - original)",
                  "effects = (torch.sigmoid(probabilities) - torch.sigmoid(original))")),
    Mistake.edit("mutation_effects", "the change in log-odds", "log-odds",
                 ("effects = (probabilities - original)",
                  "effects = (torch.logit(probabilities) - torch.logit(original))")),

    # -- filter_pfms
    Mistake.edit("filter_pfms", "added up the windows instead of averaging", "Average the windows",
                 (".mean(dim=0))", ".sum(dim=0))")),
    Mistake.edit("filter_pfms", "the windows with the lowest activations", "LOWEST activations",
                 (".topk(n_windows).indices", ".argsort()[:n_windows]")),
    Mistake.edit("filter_pfms", "the best window of each sequence",
                 "not the best window of each sequence",
                 ("activations[:, f].flatten().topk(n_windows).indices  # index n * P + i",
                  "activations[:, f].argmax(dim=1)"),
                 ("for n, i in zip((best // n_positions).tolist(), (best % n_positions).tolist())",
                  "for n, i in enumerate(best.tolist())")),
    Mistake.edit("filter_pfms", "matrices transposed to (n_filters, 4, K)",
                 "Return (n_filters, K, 4)", (".mean(dim=0))", ".mean(dim=0).T)")),

    # -- motif_similarity
    Mistake.edit("motif_similarity", "one strand only", "either strand",
                 ("(motif, motif.flip(0).flip(1))", "(motif,)")),
    Mistake.edit("motif_similarity", "complement without reversing", "reverses the positions too",
                 ("motif.flip(0).flip(1)", "motif.flip(1)")),
    Mistake.edit("motif_similarity", "raw frequencies, not centred on 0.25", "Subtract 0.25",
                 ("F.cosine_similarity((aligned - 0.25).flatten(), (strand - 0.25).flatten(),\n"
                  "                                        dim=0)",
                  "F.cosine_similarity(aligned.flatten(), strand.flatten(), dim=0)")),
    Mistake.edit("motif_similarity", "only shifts where the motif lies wholly on the pfm",
                 "hangs over an end",
                 ("range(1 - len(strand), len(pfm))", "range(len(pfm) - len(strand) + 1)")),
    Mistake.edit("filter_pfms", "the filters' weights as frequencies", "built from the weights",
                 ("    return torch.stack(pfms)",
                  "    return torch.softmax(conv.weight.detach().transpose(1, 2), dim=2)")),
    Mistake.edit("filter_pfms", "activations reshaped without transposing",
                 "activations scrambled by a reshape",
                 ("best = activations[:, f].flatten().topk(n_windows).indices  # index n * P + i",
                  "best = activations.reshape(-1, activations.shape[1])[:, f].topk(n_windows)"
                  ".indices")),
    Mistake.edit("motif_similarity", "the last shift left out", "the last shift left out",
                 ("range(1 - len(strand), len(pfm))", "range(1 - len(strand), len(pfm) - 1)")),
    Mistake.edit("motif_similarity", "positions off the pfm filled with zeros",
                 "filled with 0, not 0.25",
                 ("torch.full(strand.shape, 0.25)", "torch.zeros(strand.shape)")),
]
