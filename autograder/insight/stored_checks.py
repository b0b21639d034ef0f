"""The per-check results of each graded notebook, kept for the class report.

Grading stores, for every notebook it grades, the report it computed (``report.to_json_dict``:
each exercise's checks, with the mistake a check named) and which grade cell scores which
exercise, in the course folder at ``.autograde/checks/<assignment>/<student>/<notebook>.json``.
Only the trusted side writes there, after the student's code has run: ``SandboxedGrading``
under ``nbgrader autograde``, the TA's process (``ReplayGrading``) under ``autograder
autograde``, both through ``store_checks``. The sandbox never sees the course folder, and
nbgrader's own folders (which hold the student's files) are not used, so a submission cannot
bring a file of its own. A grading that starts removes the notebook's file first, so one that
fails leaves no results of an earlier grading behind.
"""
import json
import os
from dataclasses import dataclass
from pathlib import Path

from dlbio_student.report import NotebookReport, from_json_dict

CHECKS_DIR = Path(".autograde") / "checks"


@dataclass
class StoredNotebook:
    """One graded notebook: its student, its report and {exercise key: grade cell id}."""

    student: str
    report: NotebookReport
    grade_ids: dict


def stored_checks_path(course, assignment, student, notebook):
    """Where the results of ``notebook`` (its name without .ipynb) are kept."""
    return Path(course) / CHECKS_DIR / assignment / student / f"{notebook}.json"


def forget_checks(path):
    """Remove stored results (a grading of that notebook is starting)."""
    Path(path).unlink(missing_ok=True)


def store_checks(path, report_data, grade_ids):
    """Write ``report_data`` (``to_json_dict`` of the notebook's report) and ``grade_ids``
    ({exercise key: grade cell id}) to ``path``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps({"report": report_data, "grade_ids": grade_ids}, indent=1,
                                  sort_keys=True))
    os.replace(partial, path)


def read_stored_checks(course, assignment):
    """{student: {notebook name: StoredNotebook}} of every notebook of ``assignment`` with stored
    results (unreadable files are left out)."""
    found = {}
    for path in sorted((Path(course) / CHECKS_DIR / assignment).glob("*/*.json")):
        try:
            data = json.loads(path.read_text())
            stored = StoredNotebook(path.parent.name, from_json_dict(data["report"]),
                                    dict(data["grade_ids"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.setdefault(path.parent.name, {})[path.stem] = stored
    return found
