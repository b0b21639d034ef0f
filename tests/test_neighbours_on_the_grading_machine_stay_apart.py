"""A fork bomb, a memory hog and a disk filler graded at the same time as an honest classmate
(``autograder autograde``, more jobs than the machine has cores) cost only their
own exercise, with feedback naming the bound they hit; the classmate keeps full marks, no sandbox
holds more memory than its bound, and the grading machine's disk does not fill. The class is
graded twice: the regrade gives every student the same feedback.
"""
import os
import tempfile
import textwrap
import threading
from pathlib import Path

import nbformat
import pytest

from autograder.tools.example_class import filled_notebook, solution_code
from autograder.sandbox import cgroups
from autograder.sandbox.isolation import detect
from class_grading import gradebook_scores, run_autograde
from example_submissions import ASSIGNMENT, NOTEBOOK

SANDBOX_MEMORY = 2 * 2**30
# Each attack fires in one hidden check only (predict with plain floats), so that the notebook's
# own cells, which call predict with tensors, run as the reference's do.
ATTACKS = {
    "fork_bomb": """
    while True:
        try:
            os.fork()
        except OSError:
            pass
""",
    # four children of 700 MiB each: every one within RLIMIT_AS, together past the sandbox's 2 GiB
    "memory_hog": """
    for _ in range(4):
        if os.fork() == 0:
            block = bytearray(700 * 2**20)
            for i in range(0, len(block), 4096):
                block[i] = 1
            time.sleep(120)
            os._exit(0)
    time.sleep(120)
""",
    "disk_filler": """
    chunk = b"x" * 2**20
    for n in range(10**6):
        with open(os.path.expanduser(f"~/fill{n}.bin"), "wb") as out:
            for _ in range(32):
                out.write(chunk)
""",
}
ATTACK_IN_PREDICT = """import os, time
def predict(x, w, b):
    if isinstance(w, float):
{attack}
    return w * x + b
"""


def attacking_predict(attack):
    """The reference's predict, with ``attack`` run first when w is a plain float."""
    return ATTACK_IN_PREDICT.format(
        attack=textwrap.indent(textwrap.dedent(attack).strip("\n"), " " * 8))


BOUND_NAMED = {"fork_bomb": "sandbox process limit", "memory_hog": "sandbox memory limit",
               "disk_filler": "sandbox disk limit"}

pytestmark = pytest.mark.skipif(
    detect().mode != "bubblewrap" or not {"memory", "pids"} <= set(cgroups.detect().bases),
    reason="needs bubblewrap and cgroup memory and pids controllers (autograder doctor)")


class PeakWatch:
    """The largest value ``measure()`` returned, polled while grading runs."""

    def __init__(self, measure):
        self.measure = measure
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.measure())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def sandbox_memory():
    """The memory of the sandbox cgroup that holds the most."""
    base = cgroups.detect().bases["memory"]
    name = ("memory.usage_in_bytes" if cgroups.detect().versions["memory"] == 1
            else "memory.current")
    return max([_read_int(usage) for usage in base.glob(f"sandbox-*/{name}")], default=0)


def _read_int(path):
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return 0


def files_size(*folders):
    """Bytes the files under ``folders`` hold (as many as are there when it looks)."""
    total = 0
    for folder in folders:
        for root, _, files in os.walk(folder):
            for name in files:
                try:
                    total += os.lstat(os.path.join(root, name)).st_size
                except OSError:
                    pass
    return total


def sandbox_scratch(course):
    """What the grading keeps on the machine's disk: the sandboxes' folders and the course.
    (A sandbox's home and /tmp are size-bounded tmpfs, in its memory; nothing else is writable
    from inside.) Measured there rather than as the disk's free space, which other work on
    the machine changes."""
    return lambda: files_size(course, *Path(tempfile.gettempdir()).glob("dlbio-sandbox-*"))


@pytest.fixture(scope="module")
def graded_neighbours(tmp_path_factory):
    from autograder.nbgrader_cli import make_course

    course = make_course(tmp_path_factory.mktemp("neighbours"), [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.SandboxedGrading.assignment_limits = {{{ASSIGNMENT!r}: "
                     f"{{'sandbox_memory_bytes': {SANDBOX_MEMORY}, 'call_seconds': 20}}}}\n")
    release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    students = {"honest": None, **ATTACKS}
    for student, attack in students.items():
        notebook = filled_notebook(release, source, lambda exercise, cell, attack=attack: (
            attacking_predict(attack) if attack and exercise == "predict"
            else solution_code(cell)))
        target = course / "submitted" / student / ASSIGNMENT / NOTEBOOK
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
    jobs = str(max(len(students), 2 * os.cpu_count()))
    with PeakWatch(sandbox_memory) as memory, PeakWatch(sandbox_scratch(course)) as disk:
        result = run_autograde(course, ASSIGNMENT, "--jobs", jobs)
        feedback = {student: grade_cell_text(course, student, "grade_predict")
                    for student in students}
        regrade = run_autograde(course, ASSIGNMENT, "--jobs", jobs, "--force")
    return {"course": course, "result": result, "regrade": regrade, "feedback": feedback,
            "peak_memory": memory.peak, "disk_used": disk.peak}


def grade_cell_text(course, student, grade_id):
    notebook = nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
    cell = next(cell for cell in notebook.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return "".join(output.get("text", "") for output in cell.outputs)


def test_the_honest_classmate_keeps_full_marks(graded_neighbours):
    for run in ("result", "regrade"):
        assert graded_neighbours[run].returncode == 0, graded_neighbours[run].stderr[-3000:]
    scores = gradebook_scores(graded_neighbours["course"], ASSIGNMENT)["honest"]
    assert scores and all(score == maximum for score, maximum in scores.values()), scores


def test_the_regrade_gives_everyone_the_same_feedback(graded_neighbours):
    course = graded_neighbours["course"]
    assert {student: grade_cell_text(course, student, "grade_predict")
            for student in graded_neighbours["feedback"]} == graded_neighbours["feedback"]


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_costs_its_exercise_with_the_bound_named(graded_neighbours, attack):
    course = graded_neighbours["course"]
    score, maximum = gradebook_scores(course, ASSIGNMENT)[attack]["grade_predict"]
    assert score < maximum
    assert BOUND_NAMED[attack] in grade_cell_text(course, attack, "grade_predict")


def test_no_sandbox_held_more_memory_than_its_bound(graded_neighbours):
    assert 0 < graded_neighbours["peak_memory"] <= SANDBOX_MEMORY


def test_the_grading_machine_disk_does_not_fill(graded_neighbours):
    # the filler alone would write gigabytes in its 20 s
    assert graded_neighbours["disk_used"] < 512 * 2**20
