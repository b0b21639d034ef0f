"""The JASPAR matrices planted in the synthetic enhancers: liver transcription factors, as the
Cohn enhancers come from liver-like cells.

The count matrices are shipped in ``jaspar_motifs.json`` (three small tables) rather than read
from the JASPAR database at run time: reading the database needs pyjaspar and Biopython, which the
student kit would otherwise have to carry for 25 rows of numbers. The file was extracted once with
``python -m dlbio_student.data.jaspar_motifs`` (which needs ``pip install pyjaspar``), and
tests/test_synthetic_dna_plants_jaspar_motifs.py checks that it still matches pyjaspar's copy when
pyjaspar is installed.
"""
import json
from functools import cache
from pathlib import Path

import numpy as np

MATRICES_FILE = Path(__file__).with_name("jaspar_motifs.json")
# name -> JASPAR matrix ID (CORE collection, human): what each factor binds in liver enhancers.
PLANTED_MATRICES = {
    "HNF4A": "MA0114.5",  # nuclear receptor, a master regulator of hepatocytes: CAAAGTCCA
    "CEBPB": "MA0466.4",  # bZIP, binds as a dimer to a palindrome: ATTGCGCAAT
    "FOXA1": "MA0148.5",  # forkhead pioneer factor (HNF3A) that opens liver chromatin: GTAAACAT
}


@cache
def _read():
    return json.loads(MATRICES_FILE.read_text())


def jaspar_release():
    """The JASPAR release the shipped matrices come from, e.g. "JASPAR2026"."""
    return _read()["release"]


def position_probability_matrices():
    """{factor name: (K, 4) float64 numpy array}, columns A C G T, each row summing to 1: the
    base frequencies of the JASPAR count matrix at each of its K positions (a fresh copy)."""
    return {name: _probabilities(entry["counts"]) for name, entry in _read()["motifs"].items()}


def consensus(probabilities):
    """The most frequent base at each position of a (K, 4) matrix, e.g. "CAAAGTCCA"."""
    return "".join("ACGT"[column] for column in np.argmax(probabilities, axis=1))


def _probabilities(counts):
    table = np.array([counts[base] for base in "ACGT"], dtype=np.float64).T  # (K, 4)
    return table / table.sum(axis=1, keepdims=True)


def extract_from_pyjaspar():
    """{"release", "motifs": {name: {"matrix_id", "counts": {base: [K counts]}}}} read from the
    JASPAR database inside the pyjaspar package (offline)."""
    from pyjaspar import jaspardb

    database = jaspardb()
    motifs = {}
    for name, matrix_id in PLANTED_MATRICES.items():
        motif = database.fetch_motif_by_id(matrix_id)
        motifs[name] = {"matrix_id": matrix_id,
                        "counts": {base: [int(count) for count in motif.counts[base]]
                                   for base in "ACGT"}}
    return {"release": database.release, "motifs": motifs}


if __name__ == "__main__":
    MATRICES_FILE.write_text(json.dumps(extract_from_pyjaspar(), indent=1) + "\n")
    print(f"wrote {MATRICES_FILE}")
