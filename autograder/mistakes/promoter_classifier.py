"""Typical mistakes in assignment 02 (DNA tokens, one-hot encoding, a logistic-regression
promoter classifier)."""
from . import Mistake

# What several mistakes change in the reference cells (the notebook's solution cells).
TOKENS = '{"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}'  # tokenize's table
SCORE = "return sigmoid(self.linear(x.flatten(start_dim=1))).squeeze(1)"  # LogisticRegression
ZERO_GRAD = "        optimizer.zero_grad()\n"  # train_epoch

MISTAKES = [
    # -- tokenize ------------------------------------------------------------------------------
    Mistake.edit("tokenize", "forgot lowercase input", "Lowercase input must work",
                 ("if base.upper() not in token_of", "if base not in token_of"),
                 ("token_of[base.upper()]", "token_of[base]")),
    Mistake.edit("tokenize", "counted from 1", "Count from 0",
                 (TOKENS, '{"A": 1, "C": 2, "G": 3, "T": 4, "N": 5}')),
    Mistake("tokenize", "let the dictionary raise KeyError", """
def tokenize(seq):
    token_of = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}
    return torch.tensor([token_of[base.upper()] for base in seq])
""", "You raised KeyError"),
    Mistake.edit("tokenize", "numbered the bases in base-pair order", "alphabetical order",
                 (TOKENS, '{"A": 0, "T": 1, "C": 2, "G": 3, "N": 4}')),
    Mistake.edit("tokenize", "float tokens", "Tokens are whole numbers",
                 ("dtype=torch.long)", "dtype=torch.float32)")),
    Mistake.edit("tokenize", "error message without the position",
                 "names the character and its position",
                 ('ValueError(f"{base!r} at position {position} is not a DNA base "\n'
                  '                             f"(expected A, C, G, T or N)")',
                  'ValueError("invalid DNA base")')),

    # -- one_hot -------------------------------------------------------------------------------
    Mistake("one_hot", "(4, L) instead of (L, 4)", """
def one_hot(seq):
    tokens = tokenize(seq)
    encoded = torch.zeros(4, len(tokens))
    for position, token in enumerate(tokens.tolist()):
        if token < 4:
            encoded[token, position] = 1.0
    return encoded
""", "(4, L) instead of (L, 4)"),
    Mistake("one_hot", "columns in the wrong order", """
def one_hot(seq):
    column_of = {"A": 0, "T": 1, "C": 2, "G": 3}
    encoded = torch.zeros(len(seq), 4)
    for position, base in enumerate(seq.upper()):
        if base in column_of:
            encoded[position, column_of[base]] = 1.0
    return encoded
""", "channel order"),
    Mistake("one_hot", "one_hot with 4 classes, so N fails", """
def one_hot(seq):
    return torch.nn.functional.one_hot(tokenize(seq), num_classes=4)
""", "5 classes"),
    Mistake("one_hot", "kept a column for N", """
def one_hot(seq):
    return torch.nn.functional.one_hot(tokenize(seq), num_classes=5).float()
""", "drop N's column"),
    Mistake("one_hot", "N as 0.25 everywhere", """
def one_hot(seq):
    encoded = torch.eye(5)[tokenize(seq), :4]
    encoded[tokenize(seq) == 4] = 0.25
    return encoded
""", "not 0.25"),
    Mistake("one_hot", "a lookup table without lowercase", """
def one_hot(seq):
    rows = {"A": [1.0, 0.0, 0.0, 0.0], "C": [0.0, 1.0, 0.0, 0.0], "G": [0.0, 0.0, 1.0, 0.0],
            "T": [0.0, 0.0, 0.0, 1.0], "N": [0.0, 0.0, 0.0, 0.0]}
    return torch.tensor([rows[base] for base in seq])
""", "Lowercase input must work"),

    # -- encode_batch --------------------------------------------------------------------------
    Mistake.edit("encode_batch", "no length check", "raise ValueError if not",
                 ("    lengths = {len(seq) for seq in seqs}\n    if len(lengths) > 1:\n", ""),
                 ('        raise ValueError(f"all sequences must have the same length, got lengths '
                  '{sorted(lengths)}")\n', "")),
    Mistake.edit("encode_batch", "each sequence as (4, L)", "not (4, L)",
                 ("one_hot(seq) for seq", "one_hot(seq).T for seq")),
    Mistake.edit("encode_batch", "torch.cat instead of torch.stack", "torch.cat",
                 ("torch.stack(", "torch.cat(")),
    Mistake.edit("encode_batch", "stacked along the wrong dimension", "new first dimension",
                 ("for seq in seqs])", "for seq in seqs], dim=1)")),
    Mistake.edit("encode_batch", "reshaped to (N, 4, L) instead of keeping (N, L, 4)",
                 "reshaped to (N, 4, L)",
                 ("for seq in seqs])", "for seq in seqs]).reshape(len(seqs), 4, -1)")),

    # -- sigmoid -------------------------------------------------------------------------------
    Mistake("sigmoid", "sign error in the exponent", """
def sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, e / (1 + e), 1 / (1 + e))
""", "Sign error"),
    Mistake("sigmoid", "the textbook formula, which overflows", """
def sigmoid(z):
    return 1 / (1 + torch.exp(-z))
""", "overflows to inf"),
    Mistake("sigmoid", "e^z / (1 + e^z), which gives nan", """
def sigmoid(z):
    return torch.exp(z) / (1 + torch.exp(z))
""", "inf / inf = nan"),
    Mistake("sigmoid", "used torch.sigmoid", """
def sigmoid(z):
    return torch.sigmoid(z)
""", "not about torch.sigmoid"),
    Mistake.edit("sigmoid", "one formula for every z", "formula for z ≥ 0 used for every z",
                 ("torch.where(z >= 0, 1 / (1 + e), e / (1 + e))", "1 / (1 + e)")),

    # -- binary_cross_entropy ------------------------------------------------------------------
    Mistake.edit("binary_cross_entropy", "no clamping", "BCE without clamping",
                 ("    p = p.clamp(eps, 1 - eps)  # log(0) = -inf: one confident mistake would "
                  "make the loss inf\n", "")),
    Mistake.edit("binary_cross_entropy", "summed instead of averaged", "instead of averaging",
                 (".mean()", ".sum()")),
    Mistake.edit("binary_cross_entropy", "forgot the minus sign", "forgot the minus sign",
                 ("return -(y", "return (y")),
    Mistake.edit("binary_cross_entropy", "only the positive term", "(1 - y) log(1 - p) term",
                 ("-(y * torch.log(p) + (1 - y) * torch.log(1 - p))", "-(y * torch.log(p))")),
    Mistake.edit("binary_cross_entropy", "eps too small for float32", "1 - 1e-8 is exactly 1",
                 ("eps=1e-7", "eps=1e-12")),
    Mistake.edit("binary_cross_entropy", "returned a Python float", "not loss.item()",
                 (".mean()", ".mean().item()")),

    # -- PromoterDataset -----------------------------------------------------------------------
    Mistake.edit("PromoterDataset", "integer labels", "must be float32",
                 ("([float(label) for label in labels])", "(list(labels))")),
    Mistake.edit("PromoterDataset", "labels of shape (1,)", "should be 0-d",
                 ("return self.x[i], self.y[i]", "return self.x[i], self.y[i:i + 1]")),
    Mistake.edit("PromoterDataset", "tokens instead of one-hot", "not the tokens",
                 ("encode_batch(list(seqs))", "torch.stack([tokenize(seq) for seq in seqs])")),
    Mistake.edit("PromoterDataset", "sequences as (4, L)", "(4, L) instead of (L, 4)",
                 ("encode_batch(list(seqs))", "encode_batch(list(seqs)).transpose(1, 2)")),
    Mistake.edit("PromoterDataset", "labels as Python floats", "Return the label as a tensor",
                 ("self.y = torch.tensor([float(label) for label in labels])",
                  "self.y = [float(label) for label in labels]")),
    Mistake.edit("PromoterDataset", "items counted from 1", "item i holds item i - 1",
                 ("return self.x[i], self.y[i]", "return self.x[i - 1], self.y[i - 1]")),

    # -- make_loaders --------------------------------------------------------------------------
    Mistake.edit("make_loaders", "shuffled the test set too", "Do not shuffle the test set",
                 ("shuffle=False", "shuffle=True")),
    Mistake.edit("make_loaders", "did not shuffle the training set", "must shuffle",
                 ("shuffle=True, generator=shuffle_order", "generator=shuffle_order")),
    Mistake("make_loaders", "returned the loaders the other way round", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    return (DataLoader(test_ds, batch_size=batch_size, shuffle=False),
            DataLoader(train_ds, batch_size=batch_size, shuffle=True))
""", "in this order"),
    Mistake.edit("make_loaders", "a fixed batch size", "Pass batch_size",
                 ("batch_size=batch_size, shuffle=True", "batch_size=64, shuffle=True"),
                 ("batch_size=batch_size, shuffle=False", "batch_size=64, shuffle=False")),
    Mistake("make_loaders", "shuffled the training set only once", """
def make_loaders(train_ds, test_ds, batch_size=64, seed=0):
    order = torch.randperm(len(train_ds), generator=torch.Generator().manual_seed(seed))
    shuffled = torch.utils.data.Subset(train_ds, order.tolist())
    return (DataLoader(shuffled, batch_size=batch_size),
            DataLoader(test_ds, batch_size=batch_size))
""", "Shuffle anew every epoch"),

    # -- LogisticRegression --------------------------------------------------------------------
    Mistake.edit("LogisticRegression", "returned (N, 1)", "squeeze the last dimension",
                 (SCORE, "return sigmoid(self.linear(x.flatten(start_dim=1)))")),
    Mistake.edit("LogisticRegression", "one weight per position, not per base", "seq_len * 4",
                 ("nn.Linear(seq_len * 4, 1)", "nn.Linear(seq_len, 1)")),
    Mistake.edit("LogisticRegression", "forgot the sigmoid", "apply the sigmoid",
                 (SCORE, "return self.linear(x.flatten(start_dim=1)).squeeze(1)")),
    Mistake.edit("LogisticRegression", ".squeeze() drops the batch dimension of one sequence",
                 "also removes the batch dimension",
                 (SCORE, "return sigmoid(self.linear(x.flatten(start_dim=1))).squeeze()")),
    Mistake.edit("LogisticRegression", "flattened the whole batch", "x.flatten() would merge",
                 (SCORE, "return sigmoid(self.linear(x.flatten())).squeeze(-1)")),

    # -- train_epoch ---------------------------------------------------------------------------
    Mistake.edit("train_epoch", "forgot optimizer.zero_grad()", "forgot optimizer.zero_grad()",
                 (ZERO_GRAD, "")),
    Mistake.edit("train_epoch", "averaged the batch means", "Weight each batch's loss by its size",
                 ("total_loss += loss.item() * len(y)", "total_loss += loss.item()"),
                 ("return total_loss / n_seen", "return total_loss / len(loader)")),
    Mistake.edit("train_epoch", "labels and predictions swapped in the loss",
                 "the model's output first", ("loss_fn(model(x), y)", "loss_fn(y, model(x))")),
    Mistake.edit("train_epoch", "optimizer.step() after the loop", "Only one step was taken",
                 (ZERO_GRAD, ""), ("        optimizer.step()\n", ""),
                 ("    for x, y in loader:\n",
                  "    optimizer.zero_grad()\n    for x, y in loader:\n"),
                 ("    return total_loss / n_seen",
                  "    optimizer.step()\n    return total_loss / n_seen")),
    Mistake.edit("train_epoch", "returned the loss of the last batch",
                 "not the loss of the last batch",
                 ("return total_loss / n_seen", "return loss.item()")),
    Mistake.edit("train_epoch", "accumulated loss tensors", "accumulate loss.item()",
                 ("total_loss += loss.item() * len(y)", "total_loss += loss * len(y)")),
    Mistake.edit("train_epoch", "optimizer.step() before loss.backward()", "did not change",
                 ("        loss.backward()\n        optimizer.step()\n",
                  "        optimizer.step()\n        loss.backward()\n")),

    # -- accuracy ------------------------------------------------------------------------------
    Mistake.edit("accuracy", "tracked gradients (no torch.no_grad())", "torch.no_grad()",
                 ("    with torch.no_grad():\n", ""),
                 ("        for x, y in loader:\n            n_correct += ",
                  "    for x, y in loader:\n        n_correct += "),
                 ("            n_seen += len(y)\n", "        n_seen += len(y)\n")),
    Mistake.edit("accuracy", "forgot model.eval()", "model.eval()", ("    model.eval()\n", "")),
    Mistake.edit("accuracy", "averaged the batch accuracies", "averaging batch accuracies",
                 (".float() == y).sum().item()", ".float() == y).float().mean().item()"),
                 ("n_seen += len(y)", "n_seen += 1")),
    Mistake.edit("accuracy", "thresholded at 0 as if the outputs were scores", "not at 0",
                 ("(model(x) > 0.5)", "(model(x) > 0)")),
    Mistake.edit("accuracy", "divided by the number of batches",
                 "number of batches, not of sequences",
                 ("return n_correct / n_seen", "return n_correct / len(loader)")),
    Mistake.edit("accuracy", "switched back to train mode", "do not switch back to train mode",
                 ("    return n_correct / n_seen",
                  "    model.train()\n    return n_correct / n_seen")),
    Mistake.edit("accuracy", "the accuracy of the last batch only", "the last batch alone",
                 ("            n_correct += ((model(x) > 0.5).float() == y).sum().item()\n"
                  "            n_seen += len(y)\n",
                  "            n_correct = ((model(x) > 0.5).float() == y).sum().item()\n"
                  "            n_seen = len(y)\n")),
]
