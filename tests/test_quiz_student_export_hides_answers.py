"""The student export shows no answer in plain text, yet scores every answer exactly as the full
bank does."""
from pathlib import Path

import pytest
import yaml

from autograder.cli import main
from autograder.quiz.exports import to_student_yaml
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.hiding import StudentBank, seal, unseal
from dlbio_student.quiz.scoring import attempts, check_answers, right_answer, to_json_dict

REPO = Path(__file__).resolve().parents[1]
BANKS = sorted((REPO / "quizzes").glob("*.yaml"))
REVEALING_FIELDS = {"answer", "answers", "explanation", "feedback", "mistakes", "model_answer",
                    "key_points", "tolerance"}


def keys_in(data):
    if isinstance(data, dict):
        return set(data) | set().union(*(keys_in(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(set(), *(keys_in(value) for value in data))
    return set()


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    written = {}
    for path in BANKS:
        target = folder / f"{path.stem}.student.yaml"
        target.write_text(to_student_yaml(load_bank(path), salt=f"salt-{path.stem}"))
        written[path.stem] = target
    return written


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_no_answer_is_shown_in_plain_text(path, exports):
    bank, text = load_bank(path), exports[path.stem].read_text()
    assert not keys_in(yaml.safe_load(text)) & REVEALING_FIELDS
    for question in bank.questions:
        hidden = [getattr(question, "explanation", ""), getattr(question, "model_answer", "")]
        hidden += list(getattr(question, "key_points", []))
        hidden += [choice.feedback for choice in getattr(question, "choices", [])]
        hidden += [mistake.feedback for mistake in getattr(question, "mistakes", [])]
        for secret in filter(None, (" ".join(text.split()) for text in hidden)):
            assert secret[:40] not in " ".join(text.split()), (question.id, secret)
    public = " ".join([question.prompt for question in bank.questions]
                      + [choice.text for question in bank.questions
                         for choice in getattr(question, "choices", [])]
                      + [hint for question in bank.questions for hint in question.hints])
    short_answers = [answer for question in bank.questions if question.type == "short_answer"
                     for answer in question.answers if len(answer) > 4]
    assert not [answer for answer in short_answers if answer in text and answer not in public]


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_the_export_scores_like_the_full_bank(path, exports):
    bank, student = load_bank(path), load_bank(exports[path.stem])
    assert isinstance(student, StudentBank)
    right = {"seed": 5, "answers": {c.id: right_answer(c) for c in attempts(bank, 5)}}
    half = {"seed": 5, "answers": dict(list(right["answers"].items())[::2])}
    for data in (right, half, {"answers": {}}):
        assert to_json_dict(check_answers(student, path.stem, data)) == \
            to_json_dict(check_answers(bank, path.stem, data))


def test_wrong_answers_get_the_same_feedback_from_the_export(exports):
    bank = load_bank(REPO / "quizzes" / "linear_regression.yaml")
    student = load_bank(exports["linear_regression"])
    data = {"answers": {"make-a-column": "Squeeze", "linear-input-shape": "b",
                        "loss-properties": ["a", "d"], "gradient-step": 123}}
    assert to_json_dict(check_answers(student, "lr", data)) == \
        to_json_dict(check_answers(bank, "lr", data))
    report = check_answers(student, "lr", data)
    feedback = {verdict.question_id: verdict.feedback for verdict in report.verdicts}
    assert feedback["make-a-column"] == [
        "squeeze removes dimensions of size 1; you want to add one."]


def test_sealing_round_trips_and_depends_on_salt_and_question():
    data = {"answer": 54, "explanation": "6 × 9 = 54"}
    sealed = seal(data, "salt", "flattened-size")
    assert unseal(sealed, "salt", "flattened-size") == data
    assert "54" not in sealed and sealed != seal(data, "other", "flattened-size")
    with pytest.raises(ValueError):  # the wrong key stream gives bytes that are not JSON
        unseal(sealed, "salt", "another-question")


def test_export_command_writes_a_bank_quiz_check_reads(tmp_path, capsys):
    target = tmp_path / "cnn.student.yaml"
    assert main(["quiz", "export", "cnn", "--format", "student", "-o", str(target)]) == 0
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  flattened-size: 54\n  one-hot-g: a\n")
    capsys.readouterr()
    assert main(["quiz", "check", str(target), "--answers", str(answers)]) == 0
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    possible = sum(question.points for question in bank.questions if question.auto_checked)
    assert f"cnn, seed 0): 2 / {possible:g} points" in capsys.readouterr().out
    assert main(["quiz", "build", str(target)]) == 2
