"""Genomic Benchmarks data from disk, or its synthetic stand-in when it is not on this machine.

The genomic-benchmarks package stores a data set as
``<root>/<name>/{train,test}/{negative,positive}/<id>.txt``, one sequence per file, with
``<root>`` = ``~/.genomic_benchmarks``. Set the environment variable ``DLBIO_GENOMIC_BENCHMARKS``
to read it from another folder. Nothing here downloads anything.
"""
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import synthetic_dna

ROOT_VARIABLE = "DLBIO_GENOMIC_BENCHMARKS"
DEFAULT_ROOT = "~/.genomic_benchmarks"
SPLITS = ("train", "test")
CLASSES = ("negative", "positive")  # label 0, label 1
NOT_DNA = re.compile(r"[^ACGTN]")

# Each known data set: what its synthetic stand-in looks like, and how to make it.
STAND_INS = {
    "human_nontata_promoters": ("promoter-like", synthetic_dna.promoter_like),
    "human_enhancers_cohn": ("enhancer-like", synthetic_dna.enhancer_like),
}
# Stand-ins that also report where they planted their binding sites: (frame, sites).
WITH_SITES = {"human_enhancers_cohn": synthetic_dna.enhancer_like_with_sites}


@dataclass(frozen=True)
class DNADataset:
    """A data set for a notebook.

    ``frame`` has columns sequence (str, uppercase), label (int 0/1), split ("train"/"test");
    ``source`` is "real" (read from ``location``) or "synthetic" (``location`` is None);
    ``sites``: for synthetic enhancers, where each binding site was planted (columns row, motif,
    start, end, strand; see ``synthetic_dna.enhancer_like_with_sites``); None for real data,
    whose sites nobody knows for sure.
    """
    name: str
    frame: pd.DataFrame
    source: str
    location: Path | None = None
    sites: pd.DataFrame | None = None

    @property
    def train(self):
        return self.frame[self.frame["split"] == "train"]

    @property
    def test(self):
        return self.frame[self.frame["split"] == "test"]

    def describe(self):
        """One sentence for the notebook: which data this is and where it came from."""
        if self.source == "real":
            return f"Using the real {self.name} data from {self.location}"
        kind = STAND_INS[self.name][0]
        return f"Using synthetic {kind} data (the real {self.name} data set is not on this machine)"


def genomic_benchmarks_root():
    """The folder that holds Genomic Benchmarks data sets: $DLBIO_GENOMIC_BENCHMARKS, or
    ~/.genomic_benchmarks when it is not set."""
    return Path(os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT)).expanduser()


def load_dataset(name, max_per_split=None, seed=0):
    """The real data set ``name`` if ``<root>/<name>`` exists, otherwise its synthetic stand-in.

    At most ``max_per_split`` sequences per split (a random subset drawn with ``seed``, so
    notebooks stay fast on the large real data sets); ``seed`` also seeds the synthetic data.
    """
    if name not in STAND_INS:
        raise ValueError(f"unknown data set {name!r}; known data sets: {', '.join(STAND_INS)}")
    dataset_dir = genomic_benchmarks_root() / name
    if dataset_dir.is_dir():
        frame = read_genomic_benchmarks_layout(dataset_dir, max_per_split=max_per_split, seed=seed)
        return DNADataset(name, frame, "real", dataset_dir)
    n_train, n_test = synthetic_dna.N_TRAIN, synthetic_dna.N_TEST
    if max_per_split is not None:
        n_train, n_test = min(n_train, max_per_split), min(n_test, max_per_split)
    if name in WITH_SITES:
        frame, sites = WITH_SITES[name](n_train, n_test, seed)
        return DNADataset(name, frame, "synthetic", sites=sites)
    generate = STAND_INS[name][1]
    return DNADataset(name, generate(n_train, n_test, seed), "synthetic")


def read_genomic_benchmarks_layout(dataset_dir, seq_len=None, max_per_split=None, seed=0):
    """Read ``dataset_dir/{train,test}/{negative,positive}/*.txt`` into a DataFrame with columns
    sequence (str, uppercase), label (int: negative 0, positive 1) and split.

    Rows come split by split, negatives first, files in numeric order (0.txt, 1.txt, ..., 10.txt).
    Every sequence must be non-empty, use only A, C, G, T, N (any case) and have length
    ``seq_len`` (default: the length of the first sequence read); otherwise ValueError names
    the file. With ``max_per_split``, only a random subset of that many files per split
    (drawn with ``seed``, kept in file order) is read.
    """
    dataset_dir = Path(dataset_dir)
    subsample = np.random.default_rng(seed)
    rows = []
    for split in SPLITS:
        files = [(path, label) for label, class_name in enumerate(CLASSES)
                 for path in _sequence_files(dataset_dir / split / class_name)]
        if max_per_split is not None and len(files) > max_per_split:
            kept = np.sort(subsample.choice(len(files), size=max_per_split, replace=False))
            files = [files[i] for i in kept]
        rows += [(path, label, split) for path, label in files]

    sequences, first_path = [], None
    for path, _, _ in rows:
        sequence = _read_sequence(path)
        if seq_len is None:
            seq_len, first_path = len(sequence), path
        if len(sequence) != seq_len:
            expected = f"the length of {first_path}" if first_path else "the seq_len argument"
            raise ValueError(f"{path}: the sequence has length {len(sequence)}, but {seq_len} "
                             f"was expected ({expected})")
        sequences.append(sequence)
    return pd.DataFrame({"sequence": sequences,
                         "label": [label for _, label, _ in rows],
                         "split": [split for _, _, split in rows]})


def _sequence_files(class_dir):
    if not class_dir.is_dir():
        raise ValueError(f"{class_dir} is missing: a Genomic Benchmarks data set has the folders "
                         f"{{train,test}}/{{negative,positive}}/ with one .txt file per sequence")
    # genomic-benchmarks names files by number; sort 2.txt before 10.txt
    return sorted(class_dir.glob("*.txt"),
                  key=lambda path: (0, int(path.stem), "") if path.stem.isdigit()
                  else (1, 0, path.name))


def _read_sequence(path):
    """The uppercase sequence in ``path`` (surrounding whitespace ignored), checked to be DNA."""
    text = path.read_text().strip()
    if not text:
        raise ValueError(f"{path}: the file is empty, expected one DNA sequence")
    bad = NOT_DNA.search(text.upper())
    if bad:
        raise ValueError(f"{path}: character {text[bad.start()]!r} at position {bad.start()} "
                         f"(counting from 0) is not A, C, G, T or N")
    return text.upper()
