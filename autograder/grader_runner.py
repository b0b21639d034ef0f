"""Run an assignment's hidden grader module (a pytest test module) against one student's code.

Every numbered assignment ``NN_topic`` has one grader module, ``graders/test_<topic>.py``; only
that module grades its notebook, so two assignments may each have an exercise of the same name
(``accuracy``, ``relu``) without one's checks running on the other. Each grader test is one
check of one exercise (``@exercise("predict")``). A small pytest plugin gives the tests three
fixtures, ``student`` (the student's code, with this exercise's time budget), ``rng`` (a
``torch.Generator`` seeded from the test's name, so regrading is deterministic) and ``figures``
(the exercise report's list of figures, which ``checks.show_curves`` draws into), and turns
every test outcome into a ``CheckResult``.
"""
import importlib
import os
import zlib
from pathlib import Path

import pytest
import torch
from dlbio_student.report import NOT_IMPLEMENTED, CheckResult, ExerciseReport

from .checks import CheckFailed
from .course import assignment_topic
from .sandbox.failure import SandboxFailure
from .student import StudentCode, StudentError

GRADERS_DIR = Path(__file__).with_name("graders")
COURSE_SEED = 20261124


class _ResultCollector:
    """pytest plugin: selects the requested exercises' checks and records their outcomes."""

    def __init__(self, kernel, limits, reports):
        self.reports = reports  # exercise name -> ExerciseReport (filled in place)
        self.students = {name: StudentCode(kernel, limits.call_seconds, limits.exercise_seconds,
                                           limits.wait_factor, exercise=name)
                         for name in reports}
        self.collected = set()
        self.starved = set()  # exercises the machine did not give the CPU they asked for

    @staticmethod
    def _marker(item):
        marker = item.get_closest_marker("exercise")
        return (marker.args[0], marker.kwargs.get("weight", 1.0)) if marker else (None, 0.0)

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "exercise(name, weight): a check of one exercise")

    def pytest_collection_modifyitems(self, config, items):
        kept = [item for item in items if self._marker(item)[0] in self.reports]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
        self.collected = {self._marker(item)[0] for item in kept}

    @pytest.fixture
    def student(self, request):
        return self.students[self._marker(request.node)[0]]

    @pytest.fixture
    def figures(self, request):
        return self.reports[self._marker(request.node)[0]].figures

    @pytest.fixture
    def rng(self, request):
        return torch.Generator().manual_seed(
            COURSE_SEED + zlib.crc32(request.node.nodeid.split("::", 1)[-1].encode()))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and report.failed):
            self._record(item, call.excinfo)

    def _record(self, item, excinfo):
        name, weight = self._marker(item)
        exercise = self.reports[name]
        check = (item.function.__doc__ or item.name).strip().splitlines()[0]
        if "[" in item.name:
            check += f" ({item.name.split('[', 1)[1].rstrip(']')})"
        error = excinfo.value if excinfo is not None else None
        if error is None:
            exercise.checks.append(CheckResult(name, check, True, weight))
        elif isinstance(error, CheckFailed):
            exercise.checks.append(CheckResult(name, check, False, weight, error.expected,
                                               error.got, error.hint, mistake=error.mistake))
        elif isinstance(error, StudentError):
            self._record_student_error(exercise, check, weight, error)
        else:
            exercise.checks.append(CheckResult(
                name, check, False, weight, got=f"the check could not finish "
                f"({type(error).__name__}: {str(error)[:300]})",
                hint="Your result has an unexpected type or structure; compare it with the "
                     "docstring of the exercise."))

    def _record_student_error(self, exercise, check, weight, error):
        if error.kind == "ended":
            return
        if error.kind == "starved":
            self.starved.add(exercise.exercise)
        if error.kind == "not_implemented":
            exercise.problem = NOT_IMPLEMENTED
        elif error.kind == "missing" or error.ends_exercise:
            exercise.problem = error.message
        else:
            exercise.checks.append(CheckResult(exercise.exercise, check, False, weight,
                                               got=error.message,
                                               hint="Run your function on a small example in "
                                                    "the notebook to see the error."))


def grader_module(assignment, graders_dir=GRADERS_DIR):
    """The grader module file of ``assignment`` ("02_promoter_classifier" ->
    ``test_promoter_classifier.py`` in ``graders_dir``), or None when it has none."""
    topic = assignment_topic(assignment)
    path = graders_dir / f"test_{topic}.py" if topic else None
    return path if path is not None and path.is_file() else None


def import_grader_module(assignment):
    """Import ``assignment``'s grader module under the name pytest gives it, so that collection
    later finds it imported; a module that fails to import is left for pytest to report. Also
    imports ``torch._dynamo``, which torch's optimizers import at their first step (~1 s)."""
    importlib.import_module("torch._dynamo")
    path = grader_module(assignment)
    if path is not None:
        try:
            importlib.import_module(f"{__package__}.graders.{path.stem}")
        except Exception:  # noqa: BLE001 (pytest reports it when it collects the module)
            pass


def run_graders(kernel, limits, exercises, assignment, graders_dir=GRADERS_DIR):
    """Grade ``exercises`` (an ordered dict: name -> points possible) of ``assignment`` (e.g.
    "02_promoter_classifier") with its grader module in ``graders_dir``.

    kernel: the ``SandboxKernel`` that ran the notebook. Returns {name: ExerciseReport};
    an exercise that the assignment's grader module does not know scores 0 with a note. An
    exercise the machine starved (not the student's code: ``allowance.py``) is graded once
    more in a fresh kernel; starved again, it raises SandboxFailure("starved"), and the
    submission is to be graded again, not given a grade.
    """
    reports, starved = _grade_once(kernel, limits, exercises, assignment, graders_dir)
    if starved:
        kernel.restart()  # the notebook's cells replayed in a fresh kernel
        again, starved = _grade_once(kernel, limits, {name: exercises[name] for name in starved},
                                     assignment, graders_dir)
        reports.update(again)
    if starved:
        raise SandboxFailure("starved", f"the grading machine was too busy to grade "
                                        f"{', '.join(sorted(starved))}, twice")
    return reports


def _grade_once(kernel, limits, exercises, assignment, graders_dir):
    """({name: ExerciseReport}, names of the exercises the machine starved)."""
    reports = {name: ExerciseReport(name, points) for name, points in exercises.items()}
    module = grader_module(assignment, graders_dir)
    collected, starved = set(), set()
    if module is not None and reports:
        collector = _ResultCollector(kernel, limits, reports)
        arguments = [str(module), "-p", "no:cacheprovider", "-p", "no:terminal",
                     "-c", os.devnull, "--rootdir", str(graders_dir.parent.parent),
                     "-W", "ignore", "--capture=no",
                     # its gc.collect() at exit costs ~0.8 s per notebook; graders raise
                     # nothing unraisable (student errors arrive as plain data)
                     "-p", "no:unraisableexception", "-p", "no:threadexception"]
        pytest.main(arguments, plugins=[collector])
        collected, starved = collector.collected, collector.starved
    for name, report in reports.items():
        if name not in collected:
            report.problem = (f"no grader of {assignment} knows the exercise {name!r} (ask your "
                              "instructor)")
        elif not report.checks and not report.problem:
            report.problem = "no check of this exercise could run"
    return reports, starved
