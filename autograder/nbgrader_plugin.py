"""nbgrader's autograde step, with execution moved into the sandbox and scoring outside it.

``nbgrader_config.py`` puts ``SandboxedGrading`` where nbgrader's own ``Execute`` preprocessor
stands in ``Autograde.autograde_preprocessors``; the rest of nbgrader's pipeline (saving grades,
late penalties, feedback, export) is unchanged and reads the scores this stage writes.
``RestoreDeletedGradeCells`` runs just before nbgrader's ``OverwriteCells``.
"""
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict

from .course import restore_grade_cells
from .pipeline import FALLBACK_NOTE, grade_notebook, read_notebook
from .sandbox.limits import Limits


class SandboxedGrading(NbGraderPreprocessor):
    """Run the student's notebook in the sandbox and fill in every grade cell's score."""

    assignment_limits = Dict(
        {}, help="Per-assignment overrides of the sandbox limits, e.g. "
                 "{'04_cnn': {'cell_seconds': 180}} (names: see autograder.sandbox.limits)."
    ).tag(config=True)

    _fallback_announced = False  # the fallback warning is given once per nbgrader run

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        limits = Limits().with_overrides(self.assignment_limits.get(assignment, {}))
        name = f"{assignment}/{resources['nbgrader']['notebook']}"
        report = grade_notebook(nb, name, resources["metadata"]["path"], limits)
        for note in report.notes:
            if note.startswith(FALLBACK_NOTE):
                if not SandboxedGrading._fallback_announced:
                    self.log.warning("%s (every notebook of this run)", note)
                SandboxedGrading._fallback_announced = True
            else:
                self.log.warning("%s: %s", name, note)
        self.log.info("%s: %g / %g points", name, report.points, report.points_possible)
        return nb, resources


class RestoreDeletedGradeCells(NbGraderPreprocessor):
    """Put deleted grade cells back where the source notebook has them.

    nbgrader 0.9's own repair (``OverwriteCells.add_missing_cells``) fails with a KeyError for
    the whole submission when the cell before a grade cell is neither a solution nor a grade
    cell, as our locked self-check cells are.
    """

    def preprocess(self, nb, resources):
        course = CourseDirectory(config=self.config)
        source_path = (Path(course.format_path(course.source_directory, ".",
                                               resources["nbgrader"]["assignment"]))
                       / f"{resources['nbgrader']['notebook']}.ipynb")
        restore_grade_cells(nb, read_notebook(source_path))
        return nb, resources
