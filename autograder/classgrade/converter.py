"""nbgrader's ``Autograde`` converter, cut in two around the sandboxed grading.

``nbgrader autograde`` does, per submission: create the student and submission in the
gradebook, copy the instructor's files, *sanitize* each notebook (clear outputs, restore grade
cells) into ``autograded/``, then *autograde* it (the preprocessors of ``nbgrader_config.py``:
``SandboxedGrading`` runs it, ``SaveAutoGrades`` and the rest write the gradebook). Here
``prepare`` does everything up to ``SandboxedGrading`` and returns a plain-data job;
``finish`` runs the autograde preprocessors with ``SandboxedGrading`` replaced by
``ReplayGrading``, which hands on the notebook a worker graded. Every gradebook write is
nbgrader's own code, in this one process.
"""
import os
import re
from dataclasses import asdict, dataclass

import nbformat
from nbconvert.writers import FilesWriter
from nbgrader import utils
from nbgrader.converters import Autograde, BaseConverter, NbGraderException

from ..nbgrader_plugin import SandboxedGrading
from .jobs import NotebookJob, SubmissionJob, folder_files


@dataclass
class Submission:
    """One student's folder ``submitted/<student>/<assignment>`` and its notebook files."""

    student: str
    assignment: str
    folder: str
    notebooks: list


class ReplayGrading(SandboxedGrading):
    """Stands where ``SandboxedGrading`` stands, and returns the notebook a worker graded."""

    result = None  # a NotebookResult as a dict, set before each notebook

    def preprocess(self, nb, resources):
        result = self.result
        self.log_report(result["name"], result["notes"], result["points"],
                        result["points_possible"], result["regrade"])
        graded = nbformat.from_dict(result["notebook"])
        self.keep_checks(graded, resources, result["report"])
        return graded, resources


class ClassAutograde(Autograde):
    """``Autograde`` whose per-submission steps the class-grading run calls one at a time."""

    def open(self):
        """Find the submissions (nbgrader's own glob) and set up its exporter and writer;
        raises NbGraderException when the course cannot be graded this way."""
        if not any(isinstance(pp, type) and issubclass(pp, SandboxedGrading)
                   for pp in self.autograde_preprocessors):
            raise NbGraderException("this course's nbgrader_config.py does not grade with "
                                    "autograder.nbgrader_plugin.SandboxedGrading")
        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        self.exporter = self.exporter_class(parent=self, config=self.config)
        self._grading = SandboxedGrading(parent=self.exporter)
        os.chdir(self.coursedir.root)

    def submissions(self):
        """Every submission nbgrader would grade, as ``Submission``s, sorted by student."""
        found = []
        excluded = set(filter(None, self.coursedir.student_id_exclude.split(",")))
        regexp = self._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True)
        for folder, notebooks in sorted(self.assignments.items()):
            match = re.match(regexp, folder)
            if match is None or match["student_id"] in excluded:
                continue
            found.append(Submission(match["student_id"], match["assignment_id"], folder,
                                    sorted(notebooks)))
        return found

    def prepare(self, submission):
        """Gradebook entries, instructor files and sanitized notebooks of ``submission``, as
        ``nbgrader autograde`` makes them; returns its ``SubmissionJob``."""
        self.notebooks = list(submission.notebooks)
        self.discard(submission)
        self.run_pre_convert_hook()
        self.init_assignment(submission.assignment, submission.student)
        submission.notebooks = list(self.notebooks)  # nbgrader leaves out unknown notebooks
        jobs, limits = [], None
        for notebook_file in self.notebooks:
            self._sanitizing = True
            self._init_preprocessors()
            BaseConverter.convert_single_notebook(self, notebook_file)
            sanitized = self._sanitized_path(submission, notebook_file)
            self._sanitizing = False
            resources = self.init_single_notebook_resources(sanitized)
            resources["metadata"] = {"path": os.path.dirname(sanitized)}
            notebook = nbformat.read(sanitized, as_version=4)
            job = self._grading.prepare(notebook, resources)
            limits = job.limits
            jobs.append(NotebookJob(job.assignment, job.name, notebook, job.refusal))
        self._sanitizing = True
        files = folder_files(self._format_dest(submission.assignment, submission.student))
        return SubmissionJob(submission.student, jobs, files,
                             asdict(limits) if limits else {})

    def finish(self, submission, results):
        """Run nbgrader's autograde preprocessors on each sanitized notebook with the graded
        notebook of ``results`` (NotebookResult dicts, in notebook order) in the sandbox's
        place: scores into the gradebook, graded notebooks into ``autograded/``."""
        self.notebooks = list(submission.notebooks)
        try:
            for notebook_file, result in zip(self.notebooks, results, strict=True):
                self._sanitizing = False
                self._init_preprocessors()
                self._replay.result = result
                with utils.setenv(NBGRADER_EXECUTION="autograde"):
                    BaseConverter.convert_single_notebook(
                        self, self._sanitized_path(submission, notebook_file))
        finally:
            self._sanitizing = True
        self.set_permissions(submission.assignment, submission.student)
        self.run_post_convert_hook()

    def discard(self, submission):
        """Remove what a grading of ``submission`` left in ``autograded/`` (as nbgrader does
        with a failed or interrupted one)."""
        destination = os.path.normpath(self._format_dest(submission.assignment,
                                                         submission.student))
        if os.path.exists(destination):
            utils.rmtree(destination)

    def is_graded(self, submission):
        """Whether ``autograded/`` holds a graded notebook for each of its notebooks."""
        return all(os.path.exists(os.path.join(
            self._format_dest(submission.assignment, submission.student),
            os.path.basename(path))) for path in submission.notebooks)

    def _sanitized_path(self, submission, notebook_file):
        return os.path.join(self._format_dest(submission.assignment, submission.student),
                            os.path.basename(notebook_file))

    def _init_preprocessors(self):
        super()._init_preprocessors()
        if not self._sanitizing:
            self._replay = ReplayGrading(parent=self.exporter)
            self.exporter._preprocessors = [
                self._replay if isinstance(pp, SandboxedGrading) else pp
                for pp in self.exporter._preprocessors]
