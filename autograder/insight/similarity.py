"""``autograder similarity ASSIGNMENT``: pairs of submissions whose own code is alike.

For a TA to look at, never a grade: code can be alike for honest reasons, and a pair is only a
place to start reading. The method is MOSS's (Schleimer, Wilkerson and Aiken, "Winnowing:
local algorithms for document fingerprinting", SIGMOD 2003), with copydetect's tokenizer:

1. Each solution cell of each submission is tokenized and normalized by copydetect
   (``filter_code``): every name becomes V, function names F, strings S, comments and
   whitespace go, so renamed variables and changed comments change nothing.
2. Its fingerprints are all its substrings of ``K`` normalized characters (every k-gram is
   kept, i.e. winnowing with a window of 1, which copydetect recommends when speed allows:
   every match of K characters or more is found, and the result does not depend on hashing).
   Fingerprints are a set, so reordered functions still match.
3. Left out: fingerprints of the release stub and of the reference solution (the starter code
   and the one right answer), and those found in ``COMMON_SHARE`` of the submissions or more
   (at least ``COMMON_MIN``): an answer that many students wrote is the class's, not a pair's.
4. A pair is listed when what the two share of what is left covers at least
   ``SHARE_THRESHOLD`` of one submission's own code, is at least ``MIN_SHARED`` normalized
   characters on each side (about five lines), and spreads over at least ``MIN_EXERCISES``
   exercises. Independent students often write the same short obvious answer to an exercise
   or two (a line or two each); copied work shows across the assignment. So two students who
   wrote the same short answers are not listed, and neither is a copy of one or two exercises
   only: the threshold errs on the side of the students.
"""
import html
import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np
from copydetect.utils import filter_code, get_copied_slices, highlight_overlap

from ..notebooks import read_notebook
from ..tools.example_class import solution_code

K = 25  # copydetect's noise threshold: a match shorter than this is not evidence
SHARE_THRESHOLD = 0.5
MIN_SHARED = 150
MIN_EXERCISES = 3
COMMON_SHARE = 0.05
COMMON_MIN = 5


@dataclass
class Cell:
    """One solution cell as code: ``raw`` as written, ``normalized`` by copydetect, ``offsets``
    (copydetect's map back to ``raw``) and {k-gram: [start positions in normalized]}."""

    grade_id: str
    raw: str
    normalized: str
    offsets: np.ndarray
    kgrams: dict


@dataclass
class Submission:
    """A student's solution cells, and the k-grams that are their own (``distinctive``)."""

    student: str
    cells: list
    distinctive: set = field(default_factory=set)

    def coverage(self, kgrams):
        """How many normalized characters the k-grams ``kgrams`` cover, over all cells."""
        return sum(len(_covered(cell, kgrams)) for cell in self.cells)

    def exercises_sharing(self, kgrams):
        """The grade ids of the cells that hold some of the k-grams ``kgrams``."""
        return [cell.grade_id for cell in self.cells if kgrams & cell.kgrams.keys()]


@dataclass
class Pair:
    """Two submissions alike: the share of each one's own code that the other shares, the
    normalized characters shared (the smaller of the two sides), and the shared k-grams."""

    first: Submission
    second: Submission
    shares: tuple
    shared_characters: int
    shared: set

    @property
    def score(self):
        return max(self.shares)


@dataclass
class SimilarityReport:
    """The pairs listed, most alike first, among ``students`` (those compared); ``exercises``:
    {grade id of a solution cell: exercise name}; ``unreadable``: submissions not compared."""

    assignment: str
    students: list
    exercises: dict
    pairs: list
    unreadable: list = field(default_factory=list)


def fingerprint(grade_id, code):
    """The ``Cell`` of ``code``."""
    normalized, offsets = filter_code(code, "cell.py")
    kgrams = defaultdict(list)
    for start in range(len(normalized) - K + 1):
        kgrams[normalized[start:start + K]].append(start)
    return Cell(grade_id, code, normalized, offsets, dict(kgrams))


def _covered(cell, kgrams):
    """The positions of ``cell.normalized`` that k-grams of ``kgrams`` cover."""
    return {start + offset for kgram in kgrams & cell.kgrams.keys()
            for start in cell.kgrams[kgram] for offset in range(K)}


def solution_cells(source):
    """{grade id: exercise} of the code solution cells of a source notebook, in order."""
    cells = {}
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            grade_id = meta.get("grade_id", "")
            cells[grade_id] = grade_id.removesuffix("_solution")
    return cells


def _cells_of(notebook, grade_ids):
    """{grade id: source} of the cells of ``notebook`` with those grade ids."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in notebook.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in grade_ids}


def compare_assignment(course, assignment, min_shared=MIN_SHARED, min_exercises=MIN_EXERCISES):
    """The ``SimilarityReport`` of every submission of ``assignment`` in ``course``
    (``submitted/<student>/<assignment>/``; nothing is graded or run). min_shared,
    min_exercises: the thresholds of the module docstring."""
    course = Path(course)
    exercises, boilerplate = {}, set()
    for source_path in sorted((course / "source" / assignment).glob("*.ipynb")):
        source = read_notebook(source_path)
        grade_ids = solution_cells(source)
        exercises.update(grade_ids)
        release_path = course / "release" / assignment / source_path.name
        stubs = _cells_of(read_notebook(release_path), grade_ids) if release_path.exists() else {}
        for cell in source.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in grade_ids:
                boilerplate |= fingerprint(grade_id, solution_code(cell)).kgrams.keys()
                boilerplate |= fingerprint(grade_id, stubs.get(grade_id, "")).kgrams.keys()
    submissions, unreadable = [], []
    for folder in sorted((course / "submitted").glob(f"*/{assignment}")):
        cells = []
        for path in sorted(folder.glob("*.ipynb")):
            try:
                if path.is_symlink():
                    raise ValueError("a symbolic link")
                code = _cells_of(read_notebook(path), exercises)
            except ValueError:
                unreadable.append(folder.parent.name)
                break
            cells += [fingerprint(grade_id, code[grade_id]) for grade_id in exercises
                      if grade_id in code]
        else:
            submissions.append(Submission(folder.parent.name, cells))
    _keep_own_code(submissions, boilerplate)
    pairs = sorted(_alike_pairs(submissions, min_shared, min(min_exercises, len(exercises))),
                   key=lambda pair: (-pair.score, -pair.shared_characters))
    return SimilarityReport(assignment, [item.student for item in submissions], exercises,
                            pairs, unreadable)


def common_count(submissions):
    """In how many of ``submissions`` (a count) a k-gram must be to be the class's common code."""
    return max(COMMON_MIN, math.ceil(COMMON_SHARE * submissions))


def _keep_own_code(submissions, boilerplate):
    """Set each submission's ``distinctive`` k-grams: neither boilerplate nor common."""
    found_in = defaultdict(int)
    for submission in submissions:
        for kgram in {kgram for cell in submission.cells for kgram in cell.kgrams}:
            found_in[kgram] += 1
    common = common_count(len(submissions))
    for submission in submissions:
        submission.distinctive = {kgram for cell in submission.cells for kgram in cell.kgrams
                                  if kgram not in boilerplate and found_in[kgram] < common}


def _alike_pairs(submissions, min_shared, min_exercises):
    """The pairs above the thresholds of the module docstring."""
    holders = defaultdict(list)
    for submission in submissions:
        for kgram in submission.distinctive:
            holders[kgram].append(submission)
    candidates = {(first.student, second.student): (first, second)
                  for group in holders.values() for first, second in combinations(group, 2)}
    for first, second in candidates.values():
        shared = first.distinctive & second.distinctive
        covered = (first.coverage(shared), second.coverage(shared))
        own = (first.coverage(first.distinctive), second.coverage(second.distinctive))
        shares = tuple(part / whole if whole else 0.0 for part, whole in zip(covered, own))
        if max(shares) >= SHARE_THRESHOLD and min(covered) >= min_shared \
                and len(first.exercises_sharing(shared)) >= min_exercises:
            yield Pair(first, second, shares, min(covered), shared)


def marked_cell(cell, shared):
    """``cell.raw`` as HTML with the parts the k-grams ``shared`` cover in <mark>."""
    starts = np.array(sorted(start for kgram in shared & cell.kgrams.keys()
                             for start in cell.kgrams[kgram]), dtype=int)
    if not len(starts):
        return html.escape(cell.raw)
    slices = get_copied_slices(starts, K)
    if len(cell.offsets) > 0:  # from normalized positions back to the raw code, as copydetect
        slices += cell.offsets[:, 1][np.clip(np.searchsorted(cell.offsets[:, 0], slices),
                                             0, cell.offsets.shape[0] - 1)]
    return highlight_overlap(cell.raw, slices, "<mark>", "</mark>", escape_html=True)[0]
