"""nbgrader's autograde step, with execution moved into the sandbox and scoring outside it.

``nbgrader_config.py`` puts ``SandboxedGrading`` where nbgrader's own ``Execute`` preprocessor
stands in ``Autograde.autograde_preprocessors``; the rest of nbgrader's pipeline (saving grades,
late penalties, feedback, export) is unchanged and reads the scores this stage writes.
"""
from traitlets import Dict

from nbgrader.preprocessors import NbGraderPreprocessor

from .pipeline import grade_notebook
from .sandbox.limits import Limits


class SandboxedGrading(NbGraderPreprocessor):
    """Run the student's notebook in the sandbox and fill in every grade cell's score."""

    assignment_limits = Dict(
        {}, help="Per-assignment overrides of the sandbox limits, e.g. "
                 "{'04_cnn': {'cell_seconds': 180}} (names: see autograder.sandbox.limits)."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        limits = Limits().with_overrides(self.assignment_limits.get(assignment, {}))
        name = f"{assignment}/{resources['nbgrader']['notebook']}"
        report = grade_notebook(nb, name, resources["metadata"]["path"], limits)
        for note in report.notes:
            self.log.warning("%s: %s", name, note)
        self.log.info("%s: %g / %g points", name, report.points, report.points_possible)
        return nb, resources
