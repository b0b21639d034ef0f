"""Who scores a grade cell, on the trusted side: an exercise cell (``grade("predict")``) is
scored by the assignment's grader module, a quiz cell (``grade("quiz:<bank>:<question>")``) by
the quiz engine. The pipeline calls ``score_grade_cells`` and knows neither."""
from dlbio_student.report import ExerciseReport

from .quiz.nbgrader_cells import grade_quiz_cell
from .sandbox.failure import SandboxFailure
from .student import StudentCode, StudentError

QUIZ_PREFIX = "quiz:"


def score_grade_cells(kernel, limits, grade_cells, assignment):
    """{key: ExerciseReport} for every grade cell that names something to grade (a key)."""
    from .grader_runner import run_graders  # imported (with torch and pytest) by warm_up()

    reports = run_graders(kernel, limits, {cell.key: cell.points for cell in grade_cells
                                           if cell.key and not cell.key.startswith(QUIZ_PREFIX)},
                          assignment)
    for cell in grade_cells:
        if cell.key and cell.key.startswith(QUIZ_PREFIX):
            reports[cell.key] = _score_quiz_cell(kernel, limits, cell)
    return reports


def _score_quiz_cell(kernel, limits, cell):
    report = ExerciseReport(cell.key, cell.points)
    student = StudentCode(kernel, limits.call_seconds, limits.exercise_seconds,
                          limits.wait_factor)
    try:
        report.checks = grade_quiz_cell(cell.key, student)
    except StudentError as error:
        if error.kind == "starved":  # the machine's fault: grade the submission again
            raise SandboxFailure("starved", error.message) from None
        report.problem = error.message
    return report


def warm_up(assignment):
    """Import torch, pytest, the references and the assignment's grader module (2-3 s, once per
    process): the pipeline does it in a thread while the sandbox runs the notebook on the other
    core, which is why ``grader_runner`` is imported here and in ``score_grade_cells`` only."""
    from .grader_runner import import_grader_module

    import_grader_module(assignment)
