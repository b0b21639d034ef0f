"""The interpretation exercises at the end of 04 (mutation_effects, filter_pfms,
motif_similarity) give full marks to correct code written in other styles than the reference:
loops instead of tensor indexing, one big batch or one batch per position, padding instead of
clipping, a hand-written cosine."""
from pathlib import Path

import nbformat

from autograder.mistakes import Mistake
from mistake_session import grade_mistakes

SOURCE = Path(__file__).resolve().parents[1] / "source" / "04_cnn" / "cnn.ipynb"

ALTERNATIVES = [
    Mistake("mutation_effects", "one batch of 4 mutants per position, zeros written in", """
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
""", ""),
    Mistake("mutation_effects", "all mutants at once under inference_mode, train(False)", """
def mutation_effects(model, one_hot):
    model.train(False)
    length = len(one_hot)
    index = torch.arange(4 * length)
    mutants = one_hot.expand(4 * length, length, 4).clone()
    mutants[index, index // 4] = F.one_hot(index % 4, 4).float()
    with torch.inference_mode():
        change = model(mutants) - model(one_hot.unsqueeze(0))
    return torch.where(one_hot.bool(), torch.zeros(()), change.view(length, 4)).clone()
""", ""),
    Mistake("filter_pfms", "F.conv1d on the weights, unfold, topk over a flat view", """
def filter_pfms(conv, x, n_windows):
    weight, bias = conv.weight.detach(), conv.bias.detach()
    kernel_size = weight.shape[2]
    activations = F.conv1d(x.transpose(1, 2), weight, bias)  # (N, F, P)
    windows = x.unfold(1, kernel_size, 1).permute(0, 1, 3, 2).reshape(-1, kernel_size, 4)
    per_window = activations.permute(0, 2, 1).reshape(-1, weight.shape[0])  # (N * P, F)
    top = per_window.topk(n_windows, dim=0).indices  # (n_windows, F)
    return torch.stack([windows[top[:, f]].mean(dim=0) for f in range(weight.shape[0])])
""", ""),
    Mistake("filter_pfms", "plain loops and a sort", """
def filter_pfms(conv, x, n_windows):
    k = conv.kernel_size[0]
    with torch.no_grad():
        activations = conv(x.permute(0, 2, 1))
    result = torch.zeros(activations.shape[1], k, 4)
    for f in range(activations.shape[1]):
        scored = []
        for n in range(activations.shape[0]):
            for i in range(activations.shape[2]):
                scored.append((activations[n, f, i].item(), n, i))
        scored.sort(reverse=True)
        for _, n, i in scored[:n_windows]:
            result[f] += x[n, i:i + k]
        result[f] /= n_windows
    return result
""", ""),
    Mistake("motif_similarity", "pad the pfm with uniform rows, cosine by hand", """
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
""", ""),
    Mistake("motif_similarity", "reverse complement by indexing columns TGCA", """
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
""", ""),
]


def test_other_correct_styles_earn_full_marks():
    baseline, results = grade_mistakes(nbformat.read(SOURCE, as_version=4), ALTERNATIVES)
    assert all(report.fraction == 1.0 for report in baseline.values())
    short = [f"{alternative.exercise} / {alternative.what}:\n{feedback}"
             for alternative, exercise, feedback in results if exercise.fraction < 1.0]
    assert not short, "\n\n".join(short)
