"""``autograder autograde --scheduler`` grades a small class on a Dask cluster: a scheduler and
two worker processes on 127.0.0.1, started here and stopped after; the gradebook, written on this side, has the scores ``nbgrader autograde``
gave the same submissions on the idle machine, and the graded notebooks the same feedback."""
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.pipeline import is_autograded_cell
from class_grading import (EXAMPLE_CLASS_LIMITS, course_like, environment, gradebook_scores,
                           run_autograde, wait_until)
from example_submissions import ASSIGNMENT

pytest.importorskip("distributed")
STUDENTS = ("ada_reference", "ben_untouched", "cleo_mistakes")
DASK = Path(sys.executable).with_name("dask")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """tcp://127.0.0.1:PORT of a running scheduler with two single-threaded workers."""
    address = f"tcp://127.0.0.1:{free_port()}"
    options = {"cwd": tmp_path, "env": environment(), "stdout": subprocess.DEVNULL,
               "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                   address.rsplit(":", 1)[1], "--no-dashboard",
                                   "--idle-timeout", "600"], **options)]
    processes += [subprocess.Popen([DASK, "worker", address, "--nthreads", "1", "--no-dashboard",
                                    "--death-timeout", "60", "--name", f"worker-{number}"],
                                   **options) for number in (1, 2)]
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            assert wait_until(lambda: len(client.scheduler_info()["workers"]) == 2, 120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_class_graded_on_two_dask_workers_gets_nbgrader_scores(graded_class, cluster,
                                                                  tmp_path):
    reference, _ = graded_class
    course = course_like(reference, tmp_path / "course", ASSIGNMENT, students=STUDENTS,
                         limits=EXAMPLE_CLASS_LIMITS)
    result = run_autograde(course, ASSIGNMENT, "--scheduler", cluster)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 workers" in result.stderr
    expected = {student: scores for student, scores in
                gradebook_scores(reference, ASSIGNMENT).items() if student in STUDENTS}
    assert gradebook_scores(course, ASSIGNMENT) == expected
    for student in STUDENTS:
        assert feedback(course, student) == feedback(reference, student), student


def feedback(course, student):
    """The outputs of every grade cell of ``student``'s graded notebook."""
    path, = (course / "autograded" / student / ASSIGNMENT).glob("*.ipynb")
    return [cell.outputs for cell in nbformat.read(path, as_version=4).cells
            if is_autograded_cell(cell)]
