"""The course folder as ``autograder check`` sees it: source notebooks, limits, grade cells.

``check`` grades a notebook the way ``nbgrader autograde`` does: it finds the instructor's
source notebook the student's notebook came from, and restores every grade cell from it (so an
edited or deleted grade cell changes nothing), then uses the same pipeline and limits.
"""
import copy
import os
import re
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from .fitted_limits import limits_for
from .notebooks import read_notebook


def course_root():
    """The course folder: $DLBIO_COURSE_ROOT, else the repository this package lives in."""
    return Path(os.environ.get("DLBIO_COURSE_ROOT") or Path(__file__).resolve().parents[1])


def assignment_topic(assignment):
    """The topic of a numbered assignment ("02_promoter_classifier" -> "promoter_classifier"),
    which names its grader and mistakes modules; None for others (quizzes: "quiz_cnn")."""
    numbered = re.fullmatch(r"\d+_(\w+)", assignment or "")
    return numbered.group(1) if numbered else None


def _grade_ids(notebook):
    return [cell.metadata.nbgrader["grade_id"] for cell in notebook.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade")
            and "grade_id" in cell.metadata.nbgrader]


def find_source_notebook(notebook, root=None):
    """(assignment, source notebook) sharing the most grade cells with ``notebook``.

    Raises ValueError when the notebook has no grade cell of any course notebook.
    """
    wanted = set(_grade_ids(notebook))
    best, best_overlap = None, 0
    for path in sorted((root or course_root()).glob("source/*/*.ipynb")):
        overlap = len(wanted & set(_grade_ids(read_notebook(path))))
        if overlap > best_overlap:
            best, best_overlap = path, overlap
    if best is None:
        raise ValueError("this notebook is not one of the course's assignments (none of its "
                         "cells is a graded cell of a notebook in source/)")
    return best.parent.name, read_notebook(best)


def restore_grade_cells(notebook, source):
    """Overwrite grade cells with the source's, and put back deleted ones where they stood."""
    by_id = {cell.metadata.nbgrader["grade_id"]: cell for cell in source.cells
             if cell.get("metadata", {}).get("nbgrader", {}).get("grade")}
    present = {}
    for index, cell in enumerate(notebook.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in by_id:
            present[grade_id] = index
            original = by_id[grade_id]
            if not original.metadata.nbgrader.get("solution"):
                cell.source = original.source
                cell.cell_type = original.cell_type
            cell.metadata.nbgrader = dict(original.metadata.nbgrader)
    previous = -1
    for cell in source.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in present:
            previous = _index_of(notebook, grade_id)
        elif grade_id in by_id:
            restored = _copy_cell(cell)
            notebook.cells.insert(previous + 1, restored)
            previous += 1
    return notebook


def _index_of(notebook, grade_id):
    for index, cell in enumerate(notebook.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    return -1


def _copy_cell(cell):
    restored = copy.deepcopy(cell)
    if restored.cell_type == "code":
        restored.outputs, restored.execution_count = [], None
    return restored


def assignment_limits(assignment, root=None):
    """The limits ``nbgrader_config.py`` sets for ``assignment`` (defaults where it says none)."""
    root = root or course_root()
    overrides = {}
    if (root / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        overrides = dict(config.SandboxedGrading.get("assignment_limits", {})).get(assignment, {})
    return limits_for(assignment, overrides)
