"""Synthetic DNA with planted, biologically motivated motifs: offline stand-ins for two
Genomic Benchmarks data sets, generated in well under a second on a laptop.

``promoter_like`` imitates ``human_nontata_promoters``: 251 bp windows with the transcription
start site (TSS) near position 200. Positives carry the core-promoter elements of non-TATA
promoters (CpG island, initiator, DPE, GC boxes) where they sit in real promoters, and never a
planted TATA box; a linear model on one-hot DNA finds them because their *positions* are fixed.

``enhancer_like`` imitates ``human_enhancers_cohn``: 500 bp windows. Positives carry a few
binding sites of liver transcription factors at *random* positions, so a model must recognise a
motif wherever it is (a convolution), not at one place (a linear model or an MLP). Each site is
sampled from the factor's JASPAR matrix (``jaspar_motifs``), so no two sites need be identical,
as in real enhancers; ``enhancer_like_with_sites`` also says where each one was planted.

Both are noisy on purpose (motifs missing from some positives, decoy motifs and GC-rich stretches
in some negatives, GC content varying from sequence to sequence), so no model is perfect. The
noise levels are tuned so that the reference models land where the notebooks say they will
(tests/test_reference_models_reach_their_target_accuracy.py).

Every function takes its seed as an argument; the same arguments always give the same frame.
Internally a sequence is a row of base codes A=0 C=1 G=2 T=3, so that the complement of a code
is ``3 - code``.
"""
from pathlib import Path

import numpy as np
import pandas as pd

from . import jaspar_motifs

BASES = "ACGT"
IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT",
         "K": "GT", "M": "AC", "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT"}

PROMOTER_LENGTH = 251
TSS = 200  # index of the TSS (+1): 200 bp upstream of it, 50 downstream, as in the benchmark
ENHANCER_LENGTH = 500
N_TRAIN, N_TEST = 2000, 500  # small enough to train on a laptop CPU in seconds

# Core-promoter elements of non-TATA promoters (written on the coding strand, 5'->3'). The
# TATA box (TATAWAW, about 31 bp upstream) is left out: the benchmark's positives have none.
INITIATOR = "YYANWYY"  # Inr, its A is the TSS (+1)
GC_BOX = "GGGCGG"      # Sp1 site, in either orientation, 40-110 bp upstream
DPE = "RGWYV"          # downstream promoter element at +28..+32, common without a TATA box

# Transcription-factor sites of enhancers, bound on either strand: {name: (K, 4) probabilities}.
ENHANCER_MOTIFS = jaspar_motifs.position_probability_matrices()
SITE_COLUMNS = ["row", "motif", "start", "end", "strand"]
SITES_PER_ENHANCER = (3, 5)  # fewest, most
DECOY_FRACTION = 0.1         # background sequences with one site

# Genome-wide GC content varies between regions (isochores); both classes share the range.
BACKGROUND_GC = (0.35, 0.55)
CPG_ISLAND_GC = (0.55, 0.70)
# Enhancers are a little GC-richer than their surroundings: the one clue that needs no motif.
ENHANCER_GC_SHIFT = 0.05
# Methylated CpGs deaminate to TpG/CpA, so the bulk genome keeps only about a quarter of its
# expected CpGs; CpG islands (most promoters) escape this because they stay unmethylated.
CPG_LOSS = 0.75


def promoter_like(n_train=N_TRAIN, n_test=N_TEST, seed=0):
    """Promoter-like (label 1) and background (label 0) sequences of 251 bp, balanced classes.

    Returns a DataFrame with columns ``sequence`` (str, uppercase ACGT), ``label`` (int 0/1)
    and ``split`` ("train" rows first, then "test"), rows shuffled within each split.
    """
    return _generate(_without_sites(_promoter_codes), n_train, n_test, seed)[0]


def enhancer_like(n_train=N_TRAIN, n_test=N_TEST, seed=0):
    """Enhancer-like (label 1) and background (label 0) sequences of 500 bp, balanced classes.

    Same columns as :func:`promoter_like`.
    """
    return enhancer_like_with_sites(n_train, n_test, seed)[0]


def enhancer_like_with_sites(n_train=N_TRAIN, n_test=N_TEST, seed=0):
    """``(frame, sites)``: the frame of :func:`enhancer_like` and where each binding site was
    planted in it (the ground truth a model's explanations can be scored against).

    ``sites`` has one row per site, columns ``row`` (the frame's index of the sequence),
    ``motif`` (a name of ``ENHANCER_MOTIFS``, e.g. "HNF4A"), ``start`` and ``end`` (the site is
    ``sequence[start:end]``), ``strand`` ("+": the matrix reads 5'->3' along the sequence; "-":
    along the reverse complement). Sites never overlap. Most sit in enhancers; a few are decoys
    in background sequences.
    """
    return _generate(_enhancer_codes, n_train, n_test, seed)


def write_genomic_benchmarks_layout(frame, root, dataset):
    """Write ``frame`` (sequence, label, split) as the genomic-benchmarks package stores data:
    ``<root>/<dataset>/{train,test}/{negative,positive}/<index>.txt``, one sequence per file,
    indices counting from 0 within each folder in row order. Returns ``<root>/<dataset>``.
    """
    dataset_dir = Path(root) / dataset
    for (split, label), rows in frame.groupby(["split", "label"], sort=False):
        class_dir = dataset_dir / split / ("positive" if label == 1 else "negative")
        class_dir.mkdir(parents=True, exist_ok=True)
        for index, sequence in enumerate(rows["sequence"]):
            (class_dir / f"{index}.txt").write_text(sequence)
    return dataset_dir


def _generate(make_codes, n_train, n_test, seed):
    """(frame, sites); ``make_codes(rng, labels)`` returns (codes, sites of those rows)."""
    # Independent streams for the two splits: the test set does not change with n_train.
    train_rng, test_rng = (np.random.default_rng(stream)
                           for stream in np.random.SeedSequence(seed).spawn(2))
    frames, site_frames = [], []
    for split, rng, n in (("train", train_rng, n_train), ("test", test_rng, n_test)):
        labels = rng.permutation(np.arange(n) < n // 2).astype(int)
        codes, sites = make_codes(rng, labels)
        frames.append(pd.DataFrame({"sequence": _to_strings(codes), "label": labels,
                                    "split": split}))
        site_frames.append(sites.assign(row=sites["row"] + (n_train if split == "test" else 0)))
    sites = pd.concat(site_frames, ignore_index=True).sort_values(["row", "start"])
    return pd.concat(frames, ignore_index=True), sites.reset_index(drop=True)


def _without_sites(make_codes):
    """A ``make_codes`` that records no sites."""
    return lambda rng, labels: (make_codes(rng, labels), pd.DataFrame(columns=SITE_COLUMNS))


def _promoter_codes(rng, labels):
    """(N, 251) codes: positives get a CpG island and core-promoter elements around the TSS."""
    n = len(labels)
    codes = _background(rng, n, PROMOTER_LENGTH, rng.uniform(*BACKGROUND_GC, n))
    positives, negatives = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    tss = TSS + rng.integers(-1, 2, n)  # alternative start sites one bp apart

    # A CpG island around the TSS in most positives; one elsewhere in a few negatives.
    for row in _some(rng, positives, 0.8):
        _cpg_island(rng, codes, row, tss[row] - rng.integers(60, 160), tss[row] + 40)
    for row in _some(rng, negatives, 0.15):
        start = rng.integers(0, PROMOTER_LENGTH - 100)
        _cpg_island(rng, codes, row, start, start + 100)

    # Each element only in some positives, at its place relative to the TSS.
    rows = _some(rng, positives, 0.75)
    _plant(rng, codes, rows, tss[rows] - 2, INITIATOR)
    rows = _some(rng, positives, 0.5)
    _plant(rng, codes, rows, tss[rows] + 27, DPE)
    for _ in range(2):
        rows = _some(rng, positives, 0.4)
        _plant(rng, codes, rows, tss[rows] - rng.integers(45, 110, len(rows)), GC_BOX,
               either_strand=True)

    # Decoys: the same elements at random places in some background sequences.
    for motif in (INITIATOR, DPE, GC_BOX):
        rows = _some(rng, negatives, 0.15)
        _plant(rng, codes, rows, _anywhere(rng, len(rows), PROMOTER_LENGTH, motif), motif)
    return codes


def _enhancer_codes(rng, labels):
    """(N, 500) codes and their sites: positives carry a few TF sites anywhere (none
    overlapping), a few negatives one (a decoy)."""
    n = len(labels)
    gc = rng.uniform(*BACKGROUND_GC, n) + ENHANCER_GC_SHIFT * labels
    codes = _background(rng, n, ENHANCER_LENGTH, gc)
    occupied = np.zeros(codes.shape, dtype=bool)
    fewest, most = SITES_PER_ENHANCER
    n_sites = np.where(labels == 1, rng.integers(fewest, most + 1, n),
                       rng.random(n) < DECOY_FRACTION)
    names = list(ENHANCER_MOTIFS)
    sites = []
    for occurrence in range(n_sites.max(initial=0)):
        rows = np.flatnonzero(n_sites > occurrence)
        motif_of_row = rng.integers(len(names), size=len(rows))
        for motif_index, name in enumerate(names):
            chosen = rows[motif_of_row == motif_index]
            width = len(ENHANCER_MOTIFS[name])
            starts = _free_starts(rng, occupied, chosen, width)
            reverse = _plant_matrix(rng, codes, chosen, starts, ENHANCER_MOTIFS[name])
            occupied[chosen[:, None], starts[:, None] + np.arange(width)] = True
            sites.append(pd.DataFrame({"row": chosen, "motif": name, "start": starts,
                                       "end": starts + width,
                                       "strand": np.where(reverse, "-", "+")}))
    return codes, pd.concat(sites, ignore_index=True) if sites else pd.DataFrame(
        columns=SITE_COLUMNS)


def _free_starts(rng, occupied, rows, width):
    """(len(rows),) starts at which ``width`` bases fit without touching an occupied base."""
    starts = np.zeros(len(rows), dtype=int)
    pending = np.arange(len(rows))
    while len(pending):
        starts[pending] = rng.integers(0, occupied.shape[1] - width + 1, len(pending))
        window = starts[pending, None] + np.arange(width)
        pending = pending[occupied[rows[pending, None], window].any(axis=1)]
    return starts


def _plant_matrix(rng, codes, rows, starts, probabilities):
    """Write into each of ``rows`` at ``starts`` a site sampled base by base from the (K, 4)
    ``probabilities``, on a random strand; returns which rows got the reverse complement."""
    cumulative = np.cumsum(probabilities, axis=1)[None]  # (1, K, 4)
    u = rng.random((len(rows), len(probabilities), 1))
    instances = (u >= cumulative[..., :3]).sum(axis=2).astype(np.int8)  # (n, K) codes
    reverse = rng.random(len(rows)) < 0.5
    instances[reverse] = 3 - instances[reverse, ::-1]  # reverse complement: complement = 3 - code
    codes[rows[:, None], starts[:, None] + np.arange(len(probabilities))] = instances
    return reverse


def _background(rng, n, length, gc):
    """(n, length) int8 codes, bases i.i.d. with GC fraction ``gc`` (n,) per row, CpG-depleted."""
    gc = gc[:, None]
    u = rng.random((n, length))
    # Cumulative probabilities: A up to (1 - gc)/2, C up to 1/2, G up to (1 + gc)/2, then T.
    codes = (u >= (1 - gc) / 2).astype(np.int8) + (u >= 0.5) + (u >= (1 + gc) / 2)
    cpg = (codes[:, :-1] == 1) & (codes[:, 1:] == 2) & (rng.random((n, length - 1)) < CPG_LOSS)
    # Deamination hits the C of either strand: CG -> TG, or CG -> CA.
    on_this_strand = rng.random(cpg.shape) < 0.5
    codes[:, :-1][cpg & on_this_strand] = 3
    codes[:, 1:][cpg & ~on_this_strand] = 0
    return codes


def _cpg_island(rng, codes, row, start, end):
    """Overwrite codes[row, start:end] with GC-rich sequence that kept its CpGs."""
    start, end = max(start, 0), min(end, codes.shape[1])
    gc = rng.uniform(*CPG_ISLAND_GC)
    base_probabilities = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]  # A C G T
    codes[row, start:end] = rng.choice(4, size=end - start, p=base_probabilities)


def _plant(rng, codes, rows, starts, motif, either_strand=False):
    """Write one instance of ``motif`` (IUPAC) into each of ``rows`` at ``starts``."""
    instances = np.stack([rng.choice([BASES.index(base) for base in IUPAC[symbol]], len(rows))
                          for symbol in motif], axis=1)
    if either_strand:  # reverse complement: complement is 3 - code
        flip = rng.random(len(rows)) < 0.5
        instances[flip] = 3 - instances[flip, ::-1]
    codes[rows[:, None], starts[:, None] + np.arange(len(motif))] = instances


def _anywhere(rng, n, length, motif):
    """(n,) random start positions at which ``motif`` fits into a sequence of ``length``."""
    return rng.integers(0, length - len(motif) + 1, n)


def _some(rng, rows, fraction):
    """Each of ``rows`` kept with probability ``fraction``."""
    return rows[rng.random(len(rows)) < fraction]


def _to_strings(codes):
    """(N, L) codes -> N strings of ACGT."""
    letters = np.frombuffer(BASES.encode(), dtype=np.uint8)[codes]
    return [row.tobytes().decode() for row in letters]
