"""Grading one notebook, as a pipeline of small stages a TA can read top to bottom:

find grade cells → run the student's cells in the sandbox → score each grade cell on the trusted
side (``cell_scoring``: the assignment's graders, or the quiz engine) → write each grade cell's
output (feedback text + the score nbgrader reads).

Grade cells are never executed in the student's kernel: their single ``grade("<exercise>")``
call only names what the trusted side scores, so nothing the student's code prints, patches or
suppresses can change a score.
"""
import ast
import threading
from dataclasses import dataclass

from dlbio_student.report import ExerciseReport, NotebookReport, grade_cell_outputs

from .cell_scoring import score_grade_cells, warm_up
from .sandbox.allowance import Allowance
from .sandbox.kernel import SandboxFailure, SandboxKernel
from .sandbox.limits import Limits
from .sandbox.usage import Usage

FALLBACK_NOTE = "sandbox: fallback mode"
EXIT_REGRADE = 75  # EX_TEMPFAIL: the machine was too busy to grade fairly; grade again
STOPS_BEFORE_CUT = 2  # cells stopped at their time limit before the demo cells are left out
TIME_STOPS = ("timeout", "waited")
REGRADE_PROBLEM = ("the grading machine was too busy to grade your notebook; it will be graded "
                   "again (this costs you nothing)")


@dataclass(frozen=True)
class GradeCell:
    """A grade cell of the notebook: its position, what it grades and its points."""

    index: int
    key: str  # the argument of grade(...), e.g. "predict" or "quiz:cnn:kernel-size"
    points: float


def grade_call_key(source):
    """The string in the cell's single ``grade("...")`` call, or None if there is none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    keys = [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "grade" and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]
    return keys[0] if len(keys) == 1 else None


def is_autograded_cell(cell):
    """A code cell that nbgrader scores from its output (not a manually graded answer)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def defines_graded_code(cell):
    """A solution cell: where the student writes what the graders call."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("solution", False) and not meta.get("grade", False)


def find_grade_cells(notebook):
    """Stage 1: every autograded cell; a cell without a grade(...) call gets the key None."""
    return [GradeCell(index, grade_call_key(cell.source),
                      float(cell.metadata["nbgrader"].get("points", 0)))
            for index, cell in enumerate(notebook.cells) if is_autograded_cell(cell)]


def run_student_cells(kernel, notebook, report):
    """Stage 2: execute every code cell except grade cells, in order, in the sandbox.

    Once the notebook's budget (``notebook_seconds`` of CPU time, or ``wait_factor`` times as
    much running) is spent, or ``STOPS_BEFORE_CUT`` cells were stopped at their time limit (a
    hang in a function is met again in every demo cell that calls it), only the cells that
    define graded code still run, so that slow demo cells never cost the exercises after them;
    the report names the cells left out. A cell the machine starved runs once more in a fresh
    kernel; starved again, it raises SandboxFailure("starved").
    """
    budget = Allowance.of(kernel.limits.notebook_seconds, kernel.limits.wait_factor)
    spent, left_out, stopped = Usage(), [], []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        if is_autograded_cell(cell):
            continue
        if (spent.cpu > budget.cpu or spent.given > budget.wait
                or len(stopped) >= STOPS_BEFORE_CUT) and not defines_graded_code(cell):
            left_out.append(index + 1)
            continue
        run = kernel.run_cell(notebook, index)
        if run.status == "starved":
            cell.outputs, cell.execution_count = [], None
            run = kernel.run_cell(notebook, index)
            if run.status == "starved":
                raise SandboxFailure("starved", f"cell {index + 1} could not be run: "
                                                f"{run.message}")
        spent += run.used
        if run.status in TIME_STOPS:
            stopped.append(index + 1)
        if run.status not in ("ok", "error"):
            report.notes.append(f"cell {index + 1} was stopped: {run.message}")
        if run.output_cut:
            report.notes.append(f"cell {index + 1} {run.output_cut}")
    if left_out:
        report.notes.append(f"{_why_cut(budget, stopped)}: {_cells(left_out)} (not your "
                            f"solutions) {'were' if len(left_out) > 1 else 'was'} left out; the "
                            f"cells that define your functions still ran")


def _cells(numbers):
    return f"cell{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def _why_cut(budget, stopped):
    if len(stopped) >= STOPS_BEFORE_CUT:
        return f"{_cells(stopped)} ran out of time (look for an endless loop or a wait)"
    return (f"the notebook used more than its {budget.cpu:g} s of CPU time in all (or "
            f"{budget.wait:g} s of running)")


def write_grade_outputs(notebook, grade_cells, reports, report):
    """Stage 4: every grade cell gets feedback and a score, so none is left blank (nbgrader
    would give full marks to a grade cell without output)."""
    for cell in grade_cells:
        exercise = reports.get(cell.key) if cell.key else None
        if exercise is None:
            exercise = ExerciseReport(cell.key or f"cell {cell.index + 1}", cell.points,
                                      problem="this grade cell names no exercise; "
                                              "ask your instructor")
        notebook.cells[cell.index].outputs = grade_cell_outputs(exercise)
        report.exercises.append(exercise)


def grade_notebook(notebook, name, files_dir=None, limits=Limits(), isolation=None, *,
                   assignment):
    """Grade ``notebook`` (an nbformat NotebookNode, changed in place) and return its report.

    assignment: the assignment it belongs to (e.g. "02_promoter_classifier"): its grader
    module alone scores the notebook. files_dir: the submission's folder, whose files the
    student's code may read.
    """
    report = NotebookReport(name)
    grade_cells = find_grade_cells(notebook)
    kernel = SandboxKernel(limits, files_dir, isolation)
    reports = {}
    importing = threading.Thread(target=warm_up, args=(assignment,), name="import graders",
                                 daemon=True)
    importing.start()
    try:
        kernel.start()
        if not kernel.isolation.is_security_boundary:
            report.notes.append(f"{FALLBACK_NOTE} ({kernel.isolation.reason}); "
                                "this is not a security boundary")
        run_student_cells(kernel, notebook, report)
        importing.join()
        reports = score_grade_cells(kernel, limits, grade_cells, assignment)  # stage 3
    except SandboxFailure as failure:
        if failure.machine_fault:
            report.regrade = failure.message
            reports = _ungraded(grade_cells, f"not graded yet: {REGRADE_PROBLEM}")
        else:
            report.notes.append(f"your notebook could not be run: {failure.message}")
            reports = _ungraded(grade_cells, "your notebook could not be run, so this exercise "
                                             "could not be graded")
    except Exception as error:  # a grader bug must not leave the submission without a grade
        report.notes.append(f"the grader stopped on an internal error "
                            f"({type(error).__name__}: {str(error)[:300]}); ask your instructor")
        reports = _ungraded(grade_cells, "the grader stopped on an internal error; ask your "
                                         "instructor to regrade")
    finally:
        kernel.shutdown()
    write_grade_outputs(notebook, grade_cells, reports, report)
    return report


def _ungraded(grade_cells, problem):
    """{key: ExerciseReport} scoring every exercise 0 with ``problem``."""
    return {cell.key: ExerciseReport(cell.key, cell.points, problem=problem)
            for cell in grade_cells if cell.key}


def refuse_notebook(notebook, name, reason):
    """Score every grade cell 0 with ``reason``, without running the notebook (it must not run:
    e.g. a link to someone else's notebook). Returns its report."""
    report = NotebookReport(name, notes=[reason])
    grade_cells = find_grade_cells(notebook)
    write_grade_outputs(notebook, grade_cells, _ungraded(grade_cells, reason), report)
    return report

