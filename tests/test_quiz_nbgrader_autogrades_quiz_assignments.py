"""The quiz assignments built from the banks are nbgrader assignments: grade cells score the
learner's answer variables on the trusted side, and the real ``nbgrader autograde`` gives a
correct and a wrong submission the right scores. The committed notebooks match the banks."""
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.tools.example_class import solution_code
from autograder.nbgrader_cli import make_course, run_nbgrader
from autograder.quiz.course_banks import graded_banks
from autograder.quiz.nbgrader_build import NBGRADER_SEED, build_notebook
from autograder.quiz.nbgrader_cells import grade_quiz_cell
from dlbio_student.report import ExerciseReport
from autograder.student import Handle, StudentError
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.practice import PRACTICE_BANKS
from dlbio_student.quiz.schema import answer_variable
from dlbio_student.quiz.scoring import attempt

REPO = Path(__file__).resolve().parents[1]
GRADED = graded_banks(REPO)


def strip_ids(notebook):
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader")) for cell in notebook.cells]


@pytest.mark.parametrize("name", GRADED)
def test_committed_quiz_assignment_matches_its_bank(name):
    path = REPO / "quizzes" / f"{name}.yaml"
    committed = REPO / "source" / f"quiz_{path.stem}" / f"quiz_{path.stem}.ipynb"
    assert committed.exists(), f"run: autograder quiz build {path.stem}"
    built = build_notebook(load_bank(path), path.stem)
    assert strip_ids(nbformat.read(committed, as_version=4)) == strip_ids(built), \
        f"{committed} is out of date: run autograder quiz build {path.stem}"


@pytest.mark.parametrize("name", PRACTICE_BANKS)
def test_a_practice_bank_has_no_quiz_assignment(name):
    assert not (REPO / "source" / f"quiz_{name}").exists()
    assert main(["quiz", "build", name, "--course", "/nonexistent"]) == 2


class FakeStudent:
    """Only what grade_quiz_cell uses of StudentCode: ``get``."""

    def __init__(self, **variables):
        self.variables = variables

    def get(self, name):
        if name not in self.variables:
            raise StudentError("missing", f"`{name}` is not defined")
        return self.variables[name]


def fraction(key, student):
    report = ExerciseReport(key, 1.0, checks=grade_quiz_cell(key, student))
    return report.fraction, report


def letters(question_id, *choice_ids):
    """The letters the quiz notebook shows for these choices of a cnn.yaml question."""
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    current = attempt(bank, bank.question(question_id), NBGRADER_SEED)
    return [current.label_of(choice_id) for choice_id in choice_ids]


def test_grade_cells_score_answer_variables_with_partial_credit():
    key = "quiz:cnn:kernel-facts"
    variable = answer_variable("kernel-facts")
    assert fraction(key, FakeStudent(**{variable: letters("kernel-facts", "a", "b", "c")}))[0] == 1
    partial, report = fraction(key, FakeStudent(**{variable: letters("kernel-facts", "a", "b",
                                                                     "d")}))
    assert partial == pytest.approx(1 / 3)
    failed = next(check for check in report.checks if not check.passed)
    assert "one kernel slides along all positions" in failed.hint
    assert fraction("quiz:cnn:flattened-size", FakeStudent(answer_flattened_size=54))[0] == 1
    assert fraction("quiz:cnn:flattened-size", FakeStudent(answer_flattened_size=54.0))[0] == 1
    single = letters("one-hot-g", "a")[0]
    assert fraction("quiz:cnn:one-hot-g", FakeStudent(answer_one_hot_g=single.lower()))[0] == 1


@pytest.mark.parametrize("variables, message", [
    ({}, "`answer_one_hot_g` is not set"),
    ({"answer_one_hot_g": 3}, "expected one choice"),
    ({"answer_one_hot_g": "Z"}, "'Z' is not one of the letters A, B, C, D"),
])
def test_grade_cells_explain_missing_and_malformed_answers(variables, message):
    score, report = fraction("quiz:cnn:one-hot-g", FakeStudent(**variables))
    assert score == 0 and message in report.checks[0].got


def test_grade_cells_refuse_objects_and_unknown_questions():
    handle = Handle.__new__(Handle)
    handle.type_name = "torch.nn.modules.linear.Linear"
    score, report = fraction("quiz:cnn:one-hot-g", FakeStudent(answer_one_hot_g=handle))
    assert score == 0 and "is a torch.nn.modules.linear.Linear" in report.checks[0].got
    score, report = fraction("quiz:cnn:no-such-question", FakeStudent())
    assert score == 0 and "Ask your instructor" in report.checks[0].hint


def fill(release, source, answer_for):
    """A submission: every answer cell of ``release`` gets ``answer_for(grade_id, source_cell)``."""
    notebook = nbformat.from_dict(release)
    sources = {cell.metadata["nbgrader"]["grade_id"]: cell for cell in source.cells
               if "nbgrader" in cell.metadata}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith(("answer_", "open_")):
            answer = answer_for(grade_id, sources[grade_id])
            if answer is not None:
                cell.source = answer
    return notebook


def correct_answer(grade_id, source_cell):
    if grade_id.startswith("open_"):
        return "A window of learned weights that slides along the sequence."
    return solution_code(source_cell)


def wrong_answer(grade_id, source_cell):
    kernel_facts = letters("kernel-facts", "a", "b", "d")  # 2 right, 1 wrong: 1/3
    wrong = {
        "answer_cnn_kernel_facts": f"answer_kernel_facts = {kernel_facts!r}",
        "answer_cnn_one_hot_g": f"answer_one_hot_g = {letters('one-hot-g', 'b')[0]!r}",
        "answer_cnn_flattened_size": "answer_flattened_size = 15",
        "answer_cnn_conv_output_shape": "answer_conv_output_shape = 3  # not a letter",
        "answer_cnn_feature_map_length": "answer_feature_map_length = int('oops')  # crashes",
    }
    return wrong.get(grade_id)  # everything else stays unanswered


def test_nbgrader_autogrades_a_correct_and_a_wrong_quiz_submission(tmp_path):
    course = make_course(tmp_path / "course", ["quiz_cnn"])
    name = "quiz_cnn.ipynb"
    source = nbformat.read(course / "source" / "quiz_cnn" / name, as_version=4)
    release = nbformat.read(course / "release" / "quiz_cnn" / name, as_version=4)
    assert "BEGIN SOLUTION" not in str(release) and "Model answer" not in str(release)
    for student, answer_for in (("ada_right", correct_answer), ("ben_wrong", wrong_answer)):
        target = course / "submitted" / student / "quiz_cnn" / name
        target.parent.mkdir(parents=True)
        nbformat.write(fill(release, source, answer_for), target)
    run_nbgrader(course, "autograde", "quiz_cnn", "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        right = gradebook.find_submission("quiz_cnn", "ada_right")
        wrong = gradebook.find_submission("quiz_cnn", "ben_wrong")
        bank = load_bank(REPO / "quizzes" / "cnn.yaml")
        auto_checked = sum(question.points for question in bank.questions
                           if question.auto_checked)
        open_points = sum(question.points for question in bank.questions
                          if not question.auto_checked)
        assert right.max_score == wrong.max_score == auto_checked + open_points
        assert right.score == pytest.approx(auto_checked)
        assert wrong.score == pytest.approx(0.3333, abs=1e-3)
        assert right.needs_manual_grade  # its open answers; ben's are blank, so scored 0
        assert not wrong.needs_manual_grade
        grade = gradebook.find_grade("grade_quiz_cnn_kernel_facts", "quiz_cnn", "quiz_cnn",
                                     "ben_wrong")
        assert grade.auto_score == pytest.approx(0.3333, abs=1e-3)
    graded = nbformat.read(course / "autograded" / "ben_wrong" / "quiz_cnn" / name, as_version=4)
    outputs = {cell.metadata["nbgrader"]["grade_id"]: "".join(
        output.get("text", "") for output in cell.outputs)
        for cell in graded.cells if cell.metadata.get("nbgrader", {}).get("grade")
        and cell.cell_type == "code"}
    assert "multiplies the dimensions" in outputs["grade_quiz_cnn_flattened_size"]
    assert "expected one choice" in outputs["grade_quiz_cnn_conv_output_shape"]
    assert "`answer_conv_parameter_count` is not set" in \
        outputs["grade_quiz_cnn_conv_parameter_count"]
