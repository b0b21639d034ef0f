"""The class report of a quiz assignment rates its questions from the stored answers.

The quiz class of ``insight_class`` (graded quiz ``cnn``, graded once for real) answers right
exactly the questions easier than each student's ability, except one planted bad question that
strong and weak students alike answer at random: it has the lowest discrimination, and the
report says to check it. Difficulty is each question's mean score, and every wrong choice is
counted as often as it was picked.
"""
import pytest
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.scoring import LETTERS, attempt, right_answer

from autograder import cli
from autograder.insight.class_report import build_report
from autograder.insight.quiz_items import correlation
from autograder.quiz.nbgrader_build import NBGRADER_SEED
from conftest import REPO
from insight_class import BAD_QUESTION, QUIZ_BANK

ASSIGNMENT = f"quiz_{QUIZ_BANK}"


@pytest.fixture(scope="module")
def rated(quiz_course):
    course, answers = quiz_course
    return course, answers, build_report(course, ASSIGNMENT)


def current(question_id):
    bank = load_bank(REPO / "quizzes" / f"{QUIZ_BANK}.yaml")
    return attempt(bank, bank.question(question_id), NBGRADER_SEED)


def test_the_bad_question_has_the_lowest_discrimination(rated):
    _, _, report = rated
    by_id = {question.question_id: question for question in report.questions}
    bad = by_id.pop(BAD_QUESTION)
    assert bad.discrimination < min(question.discrimination for question in by_id.values()
                                    if question.discrimination is not None)
    assert bad.discrimination < 0.2 < min(question.discrimination or 1.0
                                          for question in by_id.values())


def test_difficulty_and_wrong_choices_are_those_planted(rated):
    _, answers, report = rated
    assert len(report.checked) == len(answers)
    for question in report.questions:
        asked = current(question.question_id)
        right = right_answer(asked)
        given = [student_answers[question.question_id] for student_answers in answers.values()]
        if question.kind == "single_choice":
            assert question.difficulty == pytest.approx(
                sum(answer == asked.label_of(right) for answer in given) / len(given))
            wrong = {LETTERS[index]: 0 for index, choice in enumerate(asked.choices)
                     if choice.id != right}
            for answer in given:
                if answer in wrong:
                    wrong[answer] += 1
            assert {item.answer: item.count for item in question.wrong_answers} == wrong
        elif question.kind == "numeric":
            assert question.difficulty == pytest.approx(
                sum(answer == right for answer in given) / len(given))
            assert sum(item.count for item in question.wrong_answers) == sum(
                answer != right for answer in given)


def test_correlation_is_pearsons():
    assert correlation([0, 1, 0, 1], [1, 3, 1, 3]) == pytest.approx(1.0)
    assert correlation([0, 1, 1, 0], [1, 3, 1, 3]) == pytest.approx(0.0)
    assert correlation([1, 1, 1], [0, 1, 2]) is None  # everyone right: nothing to tell


def test_the_command_names_the_question_to_check(rated, monkeypatch, capsys):
    course, _, _ = rated
    monkeypatch.chdir(course)
    assert cli.main(["report", ASSIGNMENT]) == 0
    text = capsys.readouterr().out
    assert f"check {BAD_QUESTION}" in text and "discrimination" in text
    page = (course / "feedback" / f"class_report_{ASSIGNMENT}.html").read_text()
    assert BAD_QUESTION in page and 'class="low"' in page and "data:image/png" in page
