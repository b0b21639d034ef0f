"""One submission's grading as plain data, and the worker function that grades it.

A ``SubmissionJob`` carries everything the sandboxed grading needs (the sanitized notebooks,
the files of the submission's folder, the limits), so a worker needs no access to the course
folder: a local process or a Dask worker on another machine runs the same ``grade_submission``.
What comes back (graded notebooks and scores) goes to nbgrader's own preprocessors on the TA's
machine. Jobs travel between trusted processes only; student code sees none of this.
"""
import functools
import hashlib
import socket
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from dlbio_student.report import to_json_dict

from ..pipeline import grade_notebook, refuse_notebook
from ..sandbox.limits import Limits

KIT = Path(__file__).resolve().parents[1]
SKIPPED_PARTS = (".ipynb_checkpoints", "__pycache__")


@dataclass
class NotebookJob:
    """One notebook: its ``assignment`` (whose grader module scores it), ``name``
    "assignment/notebook", the sanitized notebook (nbformat dict), ``refusal`` (why it must
    not run, or "")."""

    assignment: str
    name: str
    notebook: dict
    refusal: str = ""


@dataclass
class SubmissionJob:
    """One student's submission: notebooks, the folder's regular files {relative path: bytes}
    (what the student's code may read), limits (field name -> value) and the fingerprint of
    the grading kit that prepared it."""

    student: str
    notebooks: list
    files: dict
    limits: dict
    kit: str = field(default_factory=lambda: kit_fingerprint())


@dataclass
class NotebookResult:
    """The graded notebook (nbformat dict), its points, notes, per-exercise problems, its
    report (``report.to_json_dict``: what the TA's process stores for the class report) and
    ``regrade``: why it must be graded again instead of given a grade ("" if not)."""

    name: str
    notebook: dict
    points: float
    points_possible: float
    notes: list
    problems: list
    report: dict
    regrade: str = ""


def folder_files(folder):
    """{relative path: bytes} of the regular files under ``folder`` (links are not followed,
    checkpoints are left out), as ``SandboxKernel`` copies them into the private home."""
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or any(part.startswith(SKIPPED_PARTS) for part in relative.parts):
            continue
        if path.is_file():
            files[relative.as_posix()] = path.read_bytes()
    return files


@functools.cache
def kit_fingerprint():
    """SHA-256 of the graders, the references and the pipeline: a worker whose kit differs
    from the TA's would grade differently, so it refuses the job."""
    digest = hashlib.sha256()
    for path in sorted([*KIT.glob("*.py"), *KIT.glob("graders/*.py"), *KIT.glob("sandbox/*.py"),
                        *KIT.parent.glob("solutions/*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def grade_submission(job):
    """Grade every notebook of ``job`` in the sandbox; returns {"results": [NotebookResult as a
    dict], "seconds", "host"}. Runs on a worker: a local process or a Dask worker."""
    start = time.monotonic()
    if job.kit != kit_fingerprint():
        raise RuntimeError(f"this worker ({socket.gethostname()}) has a different version of "
                           f"the grading kit ({kit_fingerprint()}, the TA's is {job.kit}): "
                           f"install the same kit on every worker")
    limits = Limits().with_overrides(job.limits)
    results = []
    with tempfile.TemporaryDirectory(prefix="dlbio-submission-") as folder:
        for relative, content in job.files.items():
            target = Path(folder, relative)
            if not target.resolve().is_relative_to(Path(folder).resolve()):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        for item in job.notebooks:
            notebook = nbformat.from_dict(item.notebook)
            report = (refuse_notebook(notebook, item.name, item.refusal) if item.refusal
                      else grade_notebook(notebook, item.name, folder, limits,
                                           assignment=item.assignment))
            results.append(asdict(NotebookResult(
                item.name, notebook, report.points, report.points_possible, report.notes,
                [f"{exercise.exercise}: {exercise.problem}" for exercise in report.exercises
                 if exercise.problem], to_json_dict(report), report.regrade)))
    return {"results": results, "seconds": time.monotonic() - start,
            "host": socket.gethostname()}
