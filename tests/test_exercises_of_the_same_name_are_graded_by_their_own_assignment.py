"""Each assignment's grader module alone grades its notebook: two assignments that both have an
exercise ``accuracy`` (and checks of the same test name) are graded independently, and an
exercise of another assignment is not graded at all."""
import nbformat

from autograder.grader_runner import run_graders
from autograder.sandbox.kernel import SandboxKernel
from autograder.sandbox.limits import Limits

GRADER = '''
from autograder.checks import exercise, expect_equal


@exercise("accuracy")
def test_accuracy_counts(student):
    """accuracy counts {what}"""
    expect_equal(student.call("accuracy", [1, 0, 1, 1]), {expected}, hint="{hint}")
'''


def test_two_assignments_grade_their_own_accuracy(tmp_path):
    graders = tmp_path / "graders"
    graders.mkdir()
    (graders / "test_classifier.py").write_text(GRADER.format(
        what="the ones", expected=3, hint="Count the predictions that are 1."))
    (graders / "test_regression.py").write_text(GRADER.format(
        what="the items", expected=4, hint="Count every prediction."))
    limits = Limits()
    kernel = SandboxKernel(limits)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def accuracy(predictions):\n    return sum(predictions)")])
    try:
        kernel.start()
        kernel.run_cell(notebook, 0)
        classifier = run_graders(kernel, limits, {"accuracy": 1.0}, "05_classifier", graders)
        regression = run_graders(kernel, limits, {"accuracy": 1.0}, "06_regression", graders)
        elsewhere = run_graders(kernel, limits, {"sigmoid": 1.0}, "01_linear_regression")
    finally:
        kernel.shutdown()
    assert [(check.check, check.passed) for check in classifier["accuracy"].checks] == [
        ("accuracy counts the ones", True)]
    assert [(check.check, check.passed, check.hint)
            for check in regression["accuracy"].checks] == [
        ("accuracy counts the items", False, "Count every prediction.")]
    assert elsewhere["sigmoid"].fraction == 0
    assert "01_linear_regression" in elsewhere["sigmoid"].problem
