"""Time limits count the student's work, not the machine's load (``sandbox/usage.py``,
``sandbox/allowance.py``): a cell or call may use so much CPU time, and so much wall time that
the machine gave it. Honest code keeps its points however busy the machine is; code that hangs
is stopped with feedback that says which limit and what the reference needs; a sandbox the
machine starves is run again in a fresh kernel, and a submission it keeps starving is marked for
regrading instead of given a grade.
"""
import json
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.fitted_limits import limits_for
from autograder.nbgrader_plugin import NotGraded, SandboxedGrading
from autograder.pipeline import REGRADE_PROBLEM
from autograder.sandbox import allowance, usage
from autograder.sandbox.kernel import SandboxKernel
from autograder.sandbox.limits import Limits
from conftest import grade_snippets, solution_cell
from dlbio_student.report import render_text
from autograder.tools.machine_load import cpu_hogs, pin

WORK = "total = 0\nfor i in range({n}):\n    total += i * i"  # CPU work, the same every time
PREDICT = "def predict(x, w, b):\n{body}\n    return w * x + b"


def steps_taking(seconds):
    """How many steps of ``WORK`` take ``seconds`` of CPU time on this machine (from the
    fastest of three runs of a million steps): the tests' work fits their limits on a slow
    machine as on a fast one."""
    code = compile(WORK.format(n=1_000_000), "work", "exec")

    def cpu_seconds():
        start = time.process_time()
        exec(code, {})
        return time.process_time() - start

    return int(seconds / min(cpu_seconds() for _ in range(3)) * 1_000_000)


def predict_doing(body):
    return solution_cell(PREDICT.format(body="\n".join("    " + line
                                                         for line in body.splitlines())))


def cpu_of(kernel, n):
    """What the sandbox used for a cell doing n steps of the same work."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WORK.format(n=n))])
    run = kernel.run_cell(notebook, 0)
    assert run.status == "ok", run.message
    return run.used


def test_a_sandbox_uses_the_same_cpu_time_on_a_busy_machine():
    kernel = SandboxKernel(Limits())
    kernel.start()
    try:
        assert kernel.meter.measures, "this machine measures no CPU time (autograder doctor)"
        idle = cpu_of(kernel, 6_000_000)
        # on one core with them: a cgroup of its own would get half of every core otherwise
        pin(kernel.process.pid, {0})
        with cpu_hogs(4, cpus={0}):
            busy = cpu_of(kernel, 6_000_000)
    finally:
        kernel.shutdown()
    assert 0.7 * idle.cpu < busy.cpu < 1.4 * idle.cpu, (idle, busy)
    assert busy.wall > 1.5 * busy.cpu, f"the hogs did not load the machine: {busy}"
    # what the machine gave the sandbox is its CPU time, plus a little messaging
    assert busy.stalled > 0.3 * busy.wall and busy.given < busy.cpu + 0.5, busy


def test_honest_code_keeps_its_points_however_busy_the_machine():
    """Each call and each demo cell computes about 0.35 s, under limits of 1 s of CPU time:
    beside six CPU-bound processes they take about four times as long in wall time, and lose
    nothing."""
    setup = nbformat.v4.new_code_cell("import time, torch")
    setup.metadata["nbgrader"] = {"grade_id": "setup"}
    work = WORK.format(n=steps_taking(0.35))
    cells = [setup, work, predict_doing(work), work]
    limits = Limits(cell_seconds=1.0, cell_seconds_by_id=(("setup", 20.0),), call_seconds=1.0,
                    exercise_seconds=20)
    with cpu_hogs(6):
        report, exercises = grade_snippets(cells, {"predict": 1.0}, limits)
    assert exercises["predict"].fraction == 1.0, render_text(report)
    assert report.notes == [] and report.regrade == ""


class BlockingOnce:
    """A meter whose second reading blocks this process for ``seconds``, as a thread holding
    the GIL (``import torch`` in the graders' warm-up) or a busy machine can."""

    def __init__(self, meter, seconds):
        self.meter, self.seconds, self.reads = meter, seconds, 0

    def read(self):
        self.reads += 1
        if self.reads == 2:
            time.sleep(self.seconds)
        return self.meter.read()


def test_finished_code_is_not_stopped_when_the_grading_process_itself_was_slow():
    """The grading process can be slow to read what the sandbox sent: a cell that finished in
    time is not stopped for the time its reply waited to be read."""
    kernel = SandboxKernel(Limits(cell_seconds=0.5))
    kernel.start()
    try:
        kernel.meter = BlockingOnce(kernel.meter, 2.0)
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            WORK.format(n=steps_taking(0.1)))])
        run = kernel.run_cell(notebook, 0)
    finally:
        kernel.shutdown()
    assert run.status == "ok", (run.message, run.used)
    assert run.used.given > 1.0, run.used  # past the cell's 1 s of waiting: read late


@pytest.mark.parametrize("hang, stop", [
    ("while True:\n    pass", "used 1.0 s of CPU time (the limit of one call is 1 s; the "
                               "reference needs under 0.01 s)"),
    ("time.sleep(10**6)", "ran 3 s without finishing, while using less than its 1 s of CPU "
                          "time: does it sleep, or wait for input() or a lock?"),
], ids=["spinning", "sleeping"])
def test_a_hang_is_stopped_with_the_limit_it_hit_and_what_the_reference_needs(hang, stop):
    limits = limits_for("01_linear_regression", {"call_seconds": 1, "exercise_seconds": 10,
                                                  "wait_factor": 3})
    report, exercises = grade_snippets(["import time, torch", predict_doing(hang)],
                                       {"predict": 1.0}, limits)
    assert exercises["predict"].fraction == 0
    assert exercises["predict"].problem.startswith(f"`predict` {stop}"), \
        exercises["predict"].problem


def starve(kernel):
    """Pin every thread of the sandbox to core 0, beside a real-time process that computes
    there: the sandbox gets the 5 % the kernel keeps for ordinary processes."""
    hogs = cpu_hogs(1, cpus={0}, realtime=True)
    hogs.__enter__()
    pin(kernel.process.pid, {0})
    return hogs


@pytest.fixture
def short_ceiling(monkeypatch):
    """A starved sandbox is stopped after its waiting allowance of wall time (at least 4 s),
    not the course's minute."""
    monkeypatch.setattr(allowance, "CEILING_FACTOR", 1)
    monkeypatch.setattr(allowance, "CEILING_FLOOR", 4.0)


def test_a_cell_the_machine_starves_runs_again_in_a_fresh_kernel_and_loses_nothing(
        monkeypatch, short_ceiling):
    """The cell computes 1.5 s, under its limit of 3 s of CPU time: starved to the 5 % reserve
    (or to four times that) it cannot finish within the ceiling of 6 s of wall time."""
    runs, real_run_cell = [], SandboxKernel.run_cell

    def run_cell(kernel, notebook, index):
        if "starved here" in notebook.cells[index].source and not runs:
            hogs = starve(kernel)
            try:
                run = real_run_cell(kernel, notebook, index)
            finally:
                hogs.__exit__(None, None, None)
        else:
            run = real_run_cell(kernel, notebook, index)
        if "starved here" in notebook.cells[index].source:
            runs.append(run.status)
        return run

    monkeypatch.setattr(SandboxKernel, "run_cell", run_cell)
    cells = [predict_doing("pass"), "# starved here\n" + WORK.format(n=steps_taking(1.5))]
    report, exercises = grade_snippets(cells, {"predict": 1.0}, Limits(cell_seconds=3))
    assert runs == ["starved", "ok"]
    assert exercises["predict"].fraction == 1.0 and report.notes == [], render_text(report)


class StarvingMeter(usage.Meter):
    """A machine that gives the sandbox 1 % of the time it asks for, always."""

    measures = True

    def _totals(self, wall):
        return 0.01 * wall, 0.99 * wall


def test_a_submission_the_machine_keeps_starving_is_marked_for_regrading(monkeypatch,
                                                                         short_ceiling):
    monkeypatch.setattr(usage, "meter_for", lambda process, groups=None: StarvingMeter())
    cells = [predict_doing("pass"), "import time\ntime.sleep(10)"]
    report, exercises = grade_snippets(cells, {"predict": 1.0}, Limits(cell_seconds=3))
    assert "cell 2 could not be run" in report.regrade and "too busy" in report.regrade
    assert exercises["predict"].problem == f"not graded yet: {REGRADE_PROBLEM}"
    assert "NOT GRADED" in render_text(report)
    assert not any("your code" in note for note in report.notes), report.notes
    with pytest.raises(NotGraded, match="needs regrading"):
        SandboxedGrading().log_report("01/x", report.notes, report.points,
                                      report.points_possible, report.regrade)


STARVED_POOL = '''
import sys
from autograder.classgrade import run
from autograder.classgrade.pools import LocalPool


class StarvedFor(LocalPool):
    """Real local workers, but the machine starves the grading of the students on argv."""

    def finished(self):
        done = super().finished()
        for student, outcome in done:
            if student in sys.argv[2:] and isinstance(outcome, dict):
                for result in outcome["results"]:
                    result["regrade"] = "the grading machine was too busy to grade predict, twice"
        return done


run.make_pool = lambda jobs, scheduler: StarvedFor(jobs or 1)
sys.exit(run.autograde_class(sys.argv[1]))
'''


def test_the_class_run_lists_starved_submissions_gives_them_no_grade_and_grades_them_next_run(
        graded_class, tmp_path):
    """``autograder autograde`` leaves a submission the machine starved out of the gradebook,
    names it in its table, prints how many need regrading, exits with 75 (EX_TEMPFAIL), and
    grades it on the next run."""
    from class_grading import course_like, environment, gradebook_scores, run_autograde
    from example_submissions import ASSIGNMENT

    course = course_like(graded_class[0], tmp_path, ASSIGNMENT,
                         students={"ada_reference", "ben_untouched"})
    starved = subprocess.run([sys.executable, "-c", STARVED_POOL, ASSIGNMENT, "ada_reference"],
                             cwd=course, env=environment(), capture_output=True, text=True,
                             timeout=600)
    assert starved.returncode == 75, starved.stderr[-3000:]
    assert "ada_reference" in starved.stdout and "NEEDS REGRADING: the grading machine was " \
        "too busy" in starved.stdout, starved.stdout
    assert "need regrading 1" in starved.stdout
    assert "1 submission(s) need regrading" in starved.stderr
    assert not (course / "autograded" / "ada_reference" / ASSIGNMENT).exists()
    assert "ada_reference" not in json.loads((course / ".autograde" /
                                             f"{ASSIGNMENT}.json").read_text())
    again = run_autograde(course, ASSIGNMENT, "--jobs", "1")
    assert again.returncode == 0 and "already graded 1" in again.stdout, again.stdout
    scores = gradebook_scores(course, ASSIGNMENT)["ada_reference"]
    assert all(score == maximum for score, maximum in scores.values()), scores
