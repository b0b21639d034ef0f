"""Scoring a quiz grade cell ``grade("quiz:<bank>:<question id>")`` on the trusted side.

The learner's answer variable is fetched from the sandboxed kernel as plain data; the bank is
read from the course's ``quizzes/`` folder here, outside the sandbox, and the answer is scored
with ``scoring.score`` exactly as ``autograder quiz check`` scores it.

The verdict's result is already a CheckResult with a fractional score (partial credit for
multiple choice); it becomes the grade cell's one check.
"""
import dataclasses
import functools

from dlbio_student.quiz.banks import BankError, load_bank
from dlbio_student.quiz.schema import answer_variable
from dlbio_student.quiz.scoring import AnswerError, attempt, parse_response, score
from dlbio_student.report import CheckResult

from ..student import Handle, StudentError
from .course_banks import bank_path
from .nbgrader_build import NBGRADER_SEED


@functools.lru_cache(maxsize=16)
def _bank(path, modified):
    return load_bank(path)


def course_bank(bank_name):
    path = bank_path(bank_name)
    return _bank(path, path.stat().st_mtime_ns if path.exists() else 0)


def grade_quiz_cell(key, student):
    """CheckResults for the grade cell ``key`` ("quiz:<bank>:<question id>")."""
    _, bank_name, question_id = (key.split(":", 2) + ["", ""])[:3]
    try:
        bank = course_bank(bank_name)
        question = bank.question(question_id)
    except (BankError, KeyError):
        return [CheckResult(key, "question known to the course", False,
                            got=f"no question {question_id!r} in quizzes/{bank_name}.yaml",
                            hint="Ask your instructor: this grade cell names an unknown quiz "
                                 "question.")]
    variable = answer_variable(question_id)
    try:
        given = student.get(variable)
    except StudentError as error:
        if error.kind != "missing":
            raise
        return [CheckResult(key, "answer given", False, got=f"`{variable}` is not set",
                            hint=f"Put your answer in `{variable}` in the cell below the "
                                 "question, and run that cell.")]
    if isinstance(given, Handle):
        return [CheckResult(key, "answer given", False, got=f"`{variable}` is a {given.type_name}",
                            hint="Give a letter, a list of letters, a number or a text, as the "
                                 "question says.")]
    current = attempt(bank, question, NBGRADER_SEED)
    try:
        verdict = score(current, parse_response(current, given, letters=True))
    except AnswerError as error:
        return [CheckResult(key, "answer has the right form", False, got=str(error),
                            hint="Check the form the question asks for (letters in quotes, a "
                                 "list of letters, a number or a text).")]
    return [dataclasses.replace(verdict.check, exercise=key)]
