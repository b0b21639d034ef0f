"""Item statistics of a quiz assignment, from the answers grading stored.

difficulty: the mean score of the question (share of its points earned, 0 to 1: a high value
is an easy question). discrimination: the correlation, across students, between the score on
the question and the score on the rest of the quiz (the item-rest correlation of classical test
theory): near 0 or negative, strong and weak students alike get it right, which is how a
misleading or ambiguous question shows. For choice questions, how often each wrong choice was
picked (the letters are those of the quiz notebook, whose order is fixed by ``NBGRADER_SEED``).
"""
import math
from collections import Counter
from dataclasses import dataclass, field

from dlbio_student.quiz.scoring import LETTERS, attempt

from ..quiz.nbgrader_build import NBGRADER_SEED
from ..quiz.nbgrader_cells import course_bank

CHOICE_TYPES = ("single_choice", "multiple_choice")
WRONG_ANSWERS_SHOWN = 3  # the most frequent wrong answers of a numeric or text question


@dataclass
class WrongAnswer:
    """A wrong answer and how many students gave it: a choice (its letter and text), or a
    value typed in (``text`` empty)."""

    answer: str
    text: str
    count: int


@dataclass
class QuestionStats:
    """One auto-checked quiz question across the class (see the module docstring)."""

    question_id: str
    kind: str
    points: float
    prompt: str
    answered: int
    difficulty: float
    discrimination: float | None
    wrong_answers: list = field(default_factory=list)


def question_stats(quiz_exercises, stored):
    """[QuestionStats] of the quiz grade cells ``quiz_exercises`` (class_report.ExerciseStats),
    from ``stored`` ({student: {notebook: StoredNotebook}} of the students counted)."""
    results = {student: {exercise.exercise: exercise for notebook in notebooks.values()
                         for exercise in notebook.report.exercises}
               for student, notebooks in stored.items()}
    students = sorted(results)
    earned = {stats.exercise: [results[student][stats.exercise].fraction
                               if stats.exercise in results[student] else 0.0
                               for student in students] for stats in quiz_exercises}
    totals = [sum(stats.points_possible * earned[stats.exercise][index]
                  for stats in quiz_exercises) for index in range(len(students))]
    found = []
    for stats in quiz_exercises:
        _, bank_name, question_id = stats.exercise.split(":", 2)
        bank = course_bank(bank_name)
        current = attempt(bank, bank.question(question_id), NBGRADER_SEED)
        item = earned[stats.exercise]
        rest = [total - stats.points_possible * score for total, score in zip(totals, item)]
        answers = [check for student in students if stats.exercise in results[student]
                   for check in results[student][stats.exercise].checks
                   if check.score is not None]
        found.append(QuestionStats(
            question_id, current.question.type, stats.points_possible,
            " ".join(current.prompt.split()), len(answers),
            sum(item) / len(item) if item else 0.0, correlation(item, rest),
            _wrong_answers(current, answers)))
    return found


def correlation(xs, ys):
    """Pearson's correlation of two equally long lists; None when either does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return cov / math.sqrt(var_x * var_y)


def _wrong_answers(current, answers):
    """Every wrong choice with how often it was picked (choice questions), or the most frequent
    wrong values typed in. ``answers``: the scored checks (``got``: the answer as shown)."""
    if current.question.type not in CHOICE_TYPES:
        typed = Counter(check.got for check in answers if not check.passed)
        return [WrongAnswer(answer, "", count)
                for answer, count in typed.most_common(WRONG_ANSWERS_SHOWN)]
    right = current.key.correct_choices()
    picked = Counter(letter.strip() for check in answers for letter in check.got.split(","))
    return [WrongAnswer(LETTERS[index], choice.text, picked[LETTERS[index]])
            for index, choice in enumerate(current.choices) if choice.id not in right]
