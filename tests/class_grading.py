"""Helpers for the tests of ``autograder autograde``: a course to grade, the command, scores."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.nbgrader_cli import make_course

# The example class's limits (conftest's graded_class: its looping cell stops after 10 s); the
# setup cell, which imports torch, keeps room for a machine loaded by gradings running at once.
EXAMPLE_CLASS_LIMITS = {"cell_seconds": 10, "cell_seconds_by_id": {"setup": 120}}


def course_like(graded_course, destination, assignment, students=None, limits=None):
    """A fresh course with ``assignment`` generated, the submissions of ``graded_course``
    (those of ``students``, else all) copied in, and ``limits`` ({name: value}) for it."""
    course = make_course(destination, [assignment])
    if limits:
        with open(course / "nbgrader_config.py", "a") as config:
            config.write(f"\nc.SandboxedGrading.assignment_limits = {{{assignment!r}: {limits!r}}}\n")
    for folder in sorted((graded_course / "submitted").glob(f"*/{assignment}")):
        if students is None or folder.parent.name in students:
            shutil.copytree(folder, course / "submitted" / folder.parent.name / assignment)
    return course


def environment():
    """The command's environment: this interpreter's scripts first (nbgrader starts alembic)."""
    scripts = os.path.dirname(sys.executable)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


def autograde_command(assignment, *options):
    return [sys.executable, "-m", "autograder", "autograde", assignment, *options]


def run_autograde(course, assignment, *options, timeout=900):
    """Run ``autograder autograde`` in ``course``; returns the CompletedProcess."""
    return subprocess.run(autograde_command(assignment, *options), cwd=course, env=environment(),
                          capture_output=True, text=True, timeout=timeout)


def gradebook_scores(course, assignment):
    """{student: {grade_id: (auto_score, max_score)}} of every submission in the gradebook."""
    scores = {}
    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            scores[submission.student_id] = {
                grade.name: (grade.auto_score, grade.max_score)
                for notebook in submission.notebooks for grade in notebook.grades}
    return scores


def processes_in_session(session):
    """Pids of live processes whose session id is ``session``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if os.getsid(int(entry.name)) == session:
                found.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return found


def wait_until(condition, seconds, step=0.2):
    """Poll ``condition`` until it is true or ``seconds`` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(step)
    return value
