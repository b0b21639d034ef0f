"""A bug in the grader itself still leaves every grade cell with a score and a message.

nbgrader would otherwise drop the submission from the run (no grade at all); the TA sees the
note in nbgrader's log, the student reads "ask your instructor".
"""
from autograder import pipeline
from conftest import grade_snippets


def test_an_internal_error_scores_0_with_a_message(monkeypatch):
    def broken_graders(*args):
        raise AttributeError("a grader bug")

    monkeypatch.setattr(pipeline, "score_grade_cells", broken_graders)
    report, exercises = grade_snippets(["def predict(x, w, b):\n    return w * x + b"],
                                       {"predict": 2.0})
    assert exercises["predict"].points == 0
    assert "internal error" in exercises["predict"].problem
    assert any("AttributeError: a grader bug" in note for note in report.notes)
