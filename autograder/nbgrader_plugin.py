"""nbgrader's autograde step, with execution moved into the sandbox and scoring outside it.

``nbgrader_config.py`` puts ``SandboxedGrading`` where nbgrader's own ``Execute`` preprocessor
stands in ``Autograde.autograde_preprocessors``; the rest of nbgrader's pipeline (saving grades,
late penalties, feedback, export) is unchanged and reads the scores this stage writes.
``RestoreDeletedGradeCells`` runs just before nbgrader's ``OverwriteCells``. The per-check
results of every graded notebook are stored for the class report (``insight.stored_checks``).

Symbolic links in a submission are never followed: nbgrader reads a linked notebook and copies
the target of a linked file into ``autograded/`` (and from there into the feedback), so a link
to ``source/``, ``solutions/`` or a classmate's notebook would hand it to the student's code.
"""
import asyncio
import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dlbio_student.report import to_json_dict
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict

from .course import restore_grade_cells
from .fitted_limits import limits_for
from .insight.stored_checks import forget_checks, store_checks, stored_checks_path
from .notebooks import read_notebook
from .pipeline import FALLBACK_NOTE, find_grade_cells, grade_notebook, refuse_notebook
from .sandbox.isolation import detect, weaker_bounds_note
from .sandbox.limits import Limits


class NotGraded(Exception):
    """The notebook must be graded again, and gets no grade now: the grading machine was too
    busy, or could not start a sandbox. nbgrader then leaves the submission out of this run,
    logs why, and ends with an error status."""


LINKED_NOTEBOOK = ("the submitted notebook is a symbolic link, not a file, so it was not run: "
                   "submit the notebook file itself")
# {an nbgrader run's exporter: the notes announced in that run}
_announced = weakref.WeakKeyDictionary()


class SandboxedGrading(NbGraderPreprocessor):
    """Run the student's notebook in the sandbox and fill in every grade cell's score."""

    assignment_limits = Dict(
        {}, help="Per-assignment overrides of the sandbox limits, e.g. "
                 "{'04_cnn': {'cell_seconds': 180}} (names: see autograder.sandbox.limits)."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        self.announce(weaker_bounds_note(detect()))
        job = self.prepare(nb, resources)
        report = refuse_notebook(nb, job.name, job.refusal) if job.refusal else \
            outside_a_running_loop(grade_notebook, nb, job.name, job.files_dir, job.limits,
                                   assignment=job.assignment)
        self.log_report(job.name, report.notes, report.points, report.points_possible,
                        report.regrade)
        self.keep_checks(nb, resources, to_json_dict(report))
        return nb, resources

    def prepare(self, nb, resources):
        """What grading this notebook needs (the trusted side's part before any student code
        runs): its limits, the folder its files come from (copies of links removed), or why it
        must not run at all. Results stored by an earlier grading of it are removed."""
        forget_checks(self.checks_path(resources))
        assignment = resources["nbgrader"]["assignment"]
        limits = assignment_limits_for(assignment, self.assignment_limits)
        name = f"{assignment}/{resources['nbgrader']['notebook']}"
        course = CourseDirectory(config=self.config)
        submitted = Path(course.format_path(course.submitted_directory,
                                            resources["nbgrader"]["student"], assignment))
        notebook_path = submitted / f"{resources['nbgrader']['notebook']}.ipynb"
        files_dir = Path(resources["metadata"]["path"])
        if _through_a_link(course.format_path(course.submitted_directory, ".", "."),
                           notebook_path):
            return GradingJob(assignment, name, limits, files_dir, LINKED_NOTEBOOK)
        _remove_copies_of_links(submitted, files_dir, _source_folder(course, assignment))
        return GradingJob(assignment, name, limits, files_dir)

    def log_report(self, name, notes, points, points_possible, regrade=""):
        """Log a graded notebook's notes (the fallback warning once per run) and its score;
        raise NotGraded when it must be graded again (``regrade`` says why)."""
        for note in notes:
            if note.startswith(FALLBACK_NOTE):
                self.announce(f"{note} (every notebook of this run)")
            else:
                self.log.warning("%s: %s", name, note)
        if regrade:
            raise NotGraded(f"{name} was not graded and needs regrading: {regrade}; run "
                            f"the same autograde command again")
        self.log.info("%s: %g / %g points", name, points, points_possible)

    def announce(self, note):
        """Log ``note`` (if any) once per nbgrader run: one ``nbgrader autograde``, or one
        click of formgrader's Autograde, whose server process lives on. A run is the exporter
        that made this step (``parent``)."""
        given = _announced.setdefault(self.parent if self.parent is not None else self, set())
        if note and note not in given:
            self.log.warning("%s", note)
            given.add(note)

    def checks_path(self, resources):
        """Where the per-check results of this notebook are kept."""
        info = resources["nbgrader"]
        return stored_checks_path(CourseDirectory(config=self.config).root, info["assignment"],
                                  info["student"], info["notebook"])

    def keep_checks(self, nb, resources, report_data):
        """Store the graded notebook ``nb``'s report (``to_json_dict``) for the class report,
        with the grade cell that scores each exercise."""
        grade_ids = {cell.key: nb.cells[cell.index].metadata["nbgrader"]["grade_id"]
                     for cell in find_grade_cells(nb) if cell.key}
        store_checks(self.checks_path(resources), report_data, grade_ids)


@dataclass(frozen=True)
class GradingJob:
    """One notebook to grade: its assignment (whose grader module scores it), its name
    ("assignment/notebook"), ``Limits``, the folder whose files the student's code may read,
    and ``refusal``: why it must not run ("" if it may)."""

    assignment: str
    name: str
    limits: Limits
    files_dir: Path
    refusal: str = ""


def outside_a_running_loop(function, *args, **kwargs):
    """``function(*args, **kwargs)``, called in a thread of its own if this thread runs an
    asyncio loop: formgrader's Autograde runs nbgrader inside the Jupyter server's loop, and a
    sandboxed kernel is driven by a loop of its own, which cannot run inside another."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandboxed grading") as worker:
        return worker.submit(function, *args, **kwargs).result()


def assignment_limits_for(assignment, overrides):
    """The ``Limits`` of ``assignment``: the defaults, its limits fitted to the reference
    (``autograder.fitted_limits``), then ``overrides`` ({assignment: {name: value}}, from
    ``nbgrader_config.py``)."""
    return limits_for(assignment, overrides.get(assignment, {}))


def _source_folder(course, assignment):
    """The instructor's folder of ``assignment`` in the course directory ``course``."""
    return Path(course.format_path(course.source_directory, ".", assignment))


def _through_a_link(top, path):
    """True when ``path``, or a folder between ``top`` and it, is a symbolic link."""
    top, path = Path(os.path.normpath(top)), Path(os.path.normpath(path))
    parts = path.relative_to(top).parts
    return any((top.joinpath(*parts[:depth])).is_symlink() for depth in range(1, len(parts) + 1))


def _remove_copies_of_links(submitted, autograded, source):
    """Delete from ``autograded`` what nbgrader copied through the submission's symbolic links
    (files the instructor's ``source`` folder provides are kept)."""
    for folder, dirs, files in os.walk(submitted):
        for name in dirs + files:
            relative = (Path(folder) / name).relative_to(submitted)
            if (submitted / relative).is_symlink() and not (source / relative).exists():
                copy = autograded / relative
                if copy.is_file() or copy.is_symlink():
                    copy.unlink()


class RestoreDeletedGradeCells(NbGraderPreprocessor):
    """Put deleted grade cells back where the source notebook has them.

    nbgrader 0.9's own repair (``OverwriteCells.add_missing_cells``) fails with a KeyError for
    the whole submission when the cell before a grade cell is neither a solution nor a grade
    cell, as our locked self-check cells are.
    """

    def preprocess(self, nb, resources):
        source = _source_folder(CourseDirectory(config=self.config),
                                resources["nbgrader"]["assignment"])
        notebook = f"{resources['nbgrader']['notebook']}.ipynb"
        restore_grade_cells(nb, read_notebook(source / notebook))
        return nb, resources
