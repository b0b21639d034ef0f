"""The JupyterLab quiz, without a browser: the ipywidgets quiz answers clicks with verdicts,
hints and a running score, and a notebook cell renders it (and the jupyterquiz version).
A graded bank is shown from its file (only practice banks have names in the student kit)."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.quiz.exports import to_student_yaml
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.widget import quiz_widget

REPO = Path(__file__).resolve().parents[1]
CNN_BANK = str(REPO / "quizzes" / "cnn.yaml")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CNN_POINTS = sum(question.points for question in load_bank(CNN_BANK).questions
                 if question.auto_checked)  # the automatic score's total


def card(quiz, question_id):
    return next(current for current in quiz.attempts if current.id == question_id)


def test_clicks_give_verdicts_hints_and_a_running_score():
    quiz = quiz_widget(CNN_BANK, seed=2)
    assert f"Score: 0 / {CNN_POINTS:g} points" in quiz.score.value

    quiz.hint_buttons["conv-output-shape"].click()
    assert "(batch, channels, positions)" in quiz.feedback["conv-output-shape"].value
    quiz.hint_buttons["conv-output-shape"].click()
    assert quiz.hint_buttons["conv-output-shape"].disabled  # both hints shown

    quiz.inputs["conv-output-shape"].value = "a"
    quiz.check_buttons["conv-output-shape"].click()
    assert "Correct!" in quiz.feedback["conv-output-shape"].value

    quiz.inputs["flattened-size"].value = "15"
    quiz.check_buttons["flattened-size"].click()
    feedback = quiz.feedback["flattened-size"].value
    assert "Not quite" in feedback and "multiplies the dimensions" in feedback

    current = card(quiz, "kernel-facts")
    for choice, tick in zip(current.choices, quiz.inputs["kernel-facts"].children):
        tick.value = choice.id in ("a", "b", "d")
    quiz.check_buttons["kernel-facts"].click()
    assert "Partly right: 2 of 3 right choices picked, 1 wrong choice picked" in \
        quiz.feedback["kernel-facts"].value
    assert f"Score: 1.3333 / {CNN_POINTS:g} points" in quiz.score.value

    quiz.inputs["feature-map-length"].value = "nine"
    quiz.check_buttons["feature-map-length"].click()
    assert "expected a number" in quiz.feedback["feature-map-length"].value


def test_open_questions_reveal_the_model_answer_and_count_ticked_key_points():
    quiz = quiz_widget(CNN_BANK, seed=2)
    quiz.inputs["what-is-a-kernel"].value = "A sliding window of weights."
    quiz.check_buttons["what-is-a-kernel"].click()
    ticks = quiz.key_point_boxes["what-is-a-kernel"]
    assert len(ticks) == 5 and quiz.check_buttons["what-is-a-kernel"].disabled
    ticks[0].value = ticks[1].value = True
    assert "Self-assessment (open questions): 0.8 / 6 points" in quiz.score.value
    assert f"Score: 0 / {CNN_POINTS:g} points" in quiz.score.value  # counted apart


def test_the_widget_works_on_the_student_export(tmp_path):
    export = tmp_path / "cnn.student.yaml"
    export.write_text(to_student_yaml(load_bank(REPO / "quizzes" / "cnn.yaml")))
    quiz = quiz_widget(str(export), seed=2)
    quiz.inputs["one-hot-g"].value = "b"
    quiz.check_buttons["one-hot-g"].click()
    assert "That is C, the second column." in quiz.feedback["one-hot-g"].value


def test_practice_banks_have_names_and_graded_banks_do_not():
    assert quiz_widget("review", seed=1).bank.title.startswith("Review")
    with pytest.raises(ValueError, match="not a practice quiz"):
        quiz_widget("cnn")


def test_a_notebook_cell_renders_the_quiz_widget_and_the_jupyterquiz_version():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from autograder.quiz.exports import show_jupyterquiz\n"
                                  "from dlbio_student.quiz.widget import show_quiz"),
        nbformat.v4.new_code_cell(f"show_quiz({CNN_BANK!r}, seed=1)"),
        nbformat.v4.new_code_cell('show_jupyterquiz("cnn")'),
    ])
    client = NotebookClient(notebook, kernel_name="python3", timeout=60,
                            resources={"metadata": {"path": str(REPO)}}, store_widget_state=True)
    client.execute()
    widget_output, = notebook.cells[1].outputs
    assert WIDGET_VIEW in widget_output["data"]
    state = str(notebook.metadata["widgets"])
    assert "How many filters can a convolutional layer have?" in state
    assert f"Score: 0 / {CNN_POINTS:g} points" in state
    html, javascript = notebook.cells[2].outputs
    assert "data-shuffleanswers" in html["data"]["text/html"]
    assert "nn.Conv1d" in javascript["data"]["application/javascript"]
    assert "show_questions" in javascript["data"]["application/javascript"]
