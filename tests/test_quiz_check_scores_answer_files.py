"""``autograder quiz check`` scores an answers file: full marks 100 %, nothing 0 %, a partly
right file exactly its share; multiple choice partial credit follows the documented rule."""
import json
from pathlib import Path

import pytest
import yaml

from autograder.cli import main
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.scoring import (AnswersFileError, attempts, check_answers,
                                     multiple_choice_fraction, right_answer)

REPO = Path(__file__).resolve().parents[1]
BANKS = sorted((REPO / "quizzes").glob("*.yaml"))
SEED = 11


def wrong_answer(current):
    """An answer of the right type that earns nothing."""
    question = current.question
    if question.type == "single_choice":
        return next(choice.id for choice in question.choices if choice.id != question.answer)
    if question.type == "multiple_choice":
        wrong = [choice.id for choice in question.choices if choice.id not in question.answer]
        return wrong[: len(question.answer)]
    if question.type == "numeric":
        return right_answer(current) + 1000 + question.tolerance * 10
    if question.type == "short_answer":
        return "certainly not this"
    return {"answer": "no idea", "covered": []}


def answers_file(bank, pick):
    return {"seed": SEED, "answers": {current.id: pick(current)
                                      for current in attempts(bank, SEED)}}


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_full_marks_scores_100_percent_and_nothing_scores_0(path):
    bank = load_bank(path)
    full = check_answers(bank, path.stem, answers_file(bank, right_answer))
    assert full.points == full.points_possible > 0 and full.percent == 100
    assert full.self_assessed_points == full.self_assessed_possible > 0
    assert all(verdict.correct for verdict in full.verdicts if verdict.fraction is not None)
    empty = check_answers(bank, path.stem, {"answers": {}})
    assert empty.points == 0 and empty.percent == 0 and empty.self_assessed_points == 0
    assert not any(verdict.answered for verdict in empty.verdicts)


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_a_partly_right_file_scores_exactly_its_share(path):
    bank = load_bank(path)
    auto = [current for current in attempts(bank, SEED) if current.question.auto_checked]
    right_ids = {current.id for current in auto[::2]}
    data = answers_file(bank, lambda current: right_answer(current) if current.id in right_ids
                        else wrong_answer(current))
    report = check_answers(bank, path.stem, data)
    expected = sum(current.question.points for current in auto if current.id in right_ids)
    assert report.points == pytest.approx(expected)
    assert report.percent == pytest.approx(round(100 * expected / report.points_possible, 2))
    assert {verdict.question_id for verdict in report.verdicts if verdict.correct} == right_ids


@pytest.mark.parametrize("picked, fraction", [
    ([], 0), (["a"], 1 / 3), (["a", "b"], 2 / 3), (["a", "b", "c"], 1),
    (["a", "b", "c", "d"], 2 / 3), (["a", "d"], 0), (["a", "d", "e"], 0),
    (["a", "b", "c", "d", "e"], 1 / 3), (["d"], 0),
])
def test_multiple_choice_partial_credit_is_right_picks_minus_wrong_picks(picked, fraction):
    # cnn.yaml kernel-facts: a, b, c are right; d, e are wrong.
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    assert set(bank.question("kernel-facts").answer) == {"a", "b", "c"}
    assert multiple_choice_fraction(picked, {"a", "b", "c"}) == pytest.approx(fraction)
    report = check_answers(bank, "cnn", {"answers": {"kernel-facts": picked}})
    verdict = next(v for v in report.verdicts if v.question_id == "kernel-facts")
    assert verdict.points == pytest.approx(round(fraction, 4))


def test_choices_may_be_given_by_id_or_by_their_text():
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    report = check_answers(bank, "cnn", {"answers": {"one-hot-g": "0 0 1 0",
                                                     "conv-output-shape": "a"}})
    assert report.points == 2


def test_unknown_ids_and_wrong_types_are_all_reported(tmp_path, capsys):
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    data = {"answers": {"no-such-question": 1, "feature-map-length": "nine",
                        "one-hot-g": 3, "kernel-facts": {"a": True}, "conv-output-shape": "z"}}
    with pytest.raises(AnswersFileError) as error:
        check_answers(bank, "cnn", data)
    problems = error.value.problems
    assert len(problems) == 5
    for expected in ("unknown question id 'no-such-question'",
                     "'feature-map-length' (numeric): expected a number, got 'nine'",
                     "'one-hot-g' (single choice): expected one choice",
                     "'kernel-facts' (multiple choice): expected a list of choices",
                     "'conv-output-shape' (single choice): 'z' is not one of the choices"):
        assert any(expected in problem for problem in problems), (expected, problems)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data))
    assert main(["quiz", "check", "cnn", "--answers", str(answers)]) == 2
    assert "unknown question id 'no-such-question'" in capsys.readouterr().err


def auto_checked_points(bank):
    """The points a bank's automatically checked questions are worth (the report's total)."""
    return sum(question.points for question in bank.questions if question.auto_checked)


def test_cli_prints_text_and_json_reports(tmp_path, capsys):
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    data = answers_file(bank, right_answer)
    data["answers"]["kernel-facts"] = ["a", "b", "d"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(data))
    assert main(["quiz", "check", "cnn", "--answers", str(answers), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    possible = auto_checked_points(bank)
    assert report["points_possible"] == possible
    assert report["points"] == pytest.approx(possible - 2 / 3, 1e-3)
    kernel_facts = next(q for q in report["questions"] if q["question_id"] == "kernel-facts")
    assert kernel_facts["summary"] == "2 of 3 right choices picked, 1 wrong choice picked"
    assert "one kernel slides along all positions" in kernel_facts["feedback"][0]
    assert main(["quiz", "check", "cnn", "--answers", str(answers)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Quiz: convolutional networks on DNA (cnn, seed 11): "
                           f"{possible - 2 / 3:.4f} / {possible:g}")
    assert ("kernel-facts: 0.3333 / 1 points\n"
            "  ~ 2 of 3 right choices picked, 1 wrong choice picked") in text


def test_templated_answers_depend_on_the_seed():
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    data = answers_file(bank, right_answer)
    values = {check_answers(bank, "cnn", data, seed=seed).points
              for seed in range(SEED - 3, SEED + 3)}
    assert max(values) == auto_checked_points(bank) and min(values) < auto_checked_points(bank)
