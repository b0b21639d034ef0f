"""Student export: a bank that still checks answers but does not show them before an attempt.

- choice questions: each choice carries a salted SHA-256 of (question, choice, right/wrong);
- short answers: only salted SHA-256 hashes of the accepted answers are stored;
- numeric answers (and formulas), explanations, feedback, model answers and key points are
  sealed: XORed with a SHA-256 key stream derived from the salt and the question id, then
  base64-encoded, and opened only after the learner has answered.

This keeps answers out of sight for honest self-study; it is not a secret from a determined
reader (the salt is in the file, and a choice has only two possible hashes).
"""
import base64
import hashlib
import json
import secrets
from typing import Annotated, Literal

from pydantic import Field

from .answer_key import normalize_text
from .schema import QUESTION_ID, QUESTION_TYPES, Bank, Strict, Text, Variable
from .templating import evaluate, fill


class ChoiceText(Strict):
    id: str
    text: Text


class StudentQuestion(Strict):
    id: Annotated[str, Field(pattern=QUESTION_ID)]
    type: Literal[QUESTION_TYPES]
    source: Text
    prompt: Text
    hints: list[str] = []
    concepts: list[str] = []
    points: Annotated[float, Field(gt=0)] = 1.0
    choices: list[ChoiceText] = []
    variables: dict[str, Variable] = {}
    unit: str = ""
    case_sensitive: bool = False
    checks: list[str] = []  # per choice, or one per accepted short answer: salted hashes
    sealed: str = ""

    @property
    def auto_checked(self):
        return self.type != "open"

    @property
    def templated(self):
        return bool(self.variables)


class StudentBank(Strict):
    format: Literal["student"]
    title: Text
    source: Text
    description: str = ""
    salt: Text
    questions: Annotated[list[StudentQuestion], Field(min_length=1)]

    question = Bank.question


def salted_hash(salt, *parts):
    return hashlib.sha256(":".join([salt, *parts]).encode("utf-8")).hexdigest()


def _key_stream(salt, question_id, length):
    key = hashlib.sha256(f"{salt}:{question_id}:seal".encode("utf-8")).digest()
    blocks = (hashlib.sha256(key + counter.to_bytes(8, "big")).digest()
              for counter in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(data, salt, question_id):
    plain = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    stream = _key_stream(salt, question_id, len(plain))
    return base64.b64encode(bytes(a ^ b for a, b in zip(plain, stream))).decode("ascii")


def unseal(text, salt, question_id):
    hidden = base64.b64decode(text.encode("ascii"))
    stream = _key_stream(salt, question_id, len(hidden))
    return json.loads(bytes(a ^ b for a, b in zip(hidden, stream)).decode("utf-8"))


def _hidden_part(question, salt):
    """What a student export must not show before an attempt."""
    data = {"explanation": question.explanation}
    if question.type in ("single_choice", "multiple_choice"):
        data["choice_feedback"] = {choice.id: choice.feedback for choice in question.choices}
    elif question.type == "numeric":
        data.update(answer=question.answer, tolerance=question.tolerance,
                    mistakes=[[mistake.answer, mistake.feedback] for mistake in question.mistakes])
    elif question.type == "short_answer":
        data["mistakes"] = [[salted_hash(salt, question.id, normalize_text(
            mistake.answer, question.case_sensitive)), mistake.feedback]
            for mistake in question.mistakes]
    elif question.type == "open":
        data.update(model_answer=question.model_answer, key_points=list(question.key_points))
    return data


def _checks(question, salt):
    if question.type in ("single_choice", "multiple_choice"):
        right = {question.answer} if isinstance(question.answer, str) else set(question.answer)
        return [salted_hash(salt, question.id, choice.id,
                            "right" if choice.id in right else "wrong")
                for choice in question.choices]
    if question.type == "short_answer":
        return sorted({salted_hash(salt, question.id,
                                   normalize_text(answer, question.case_sensitive))
                       for answer in question.answers})
    return []


def to_student_bank(bank, salt=None):
    """The student export of ``bank`` (a StudentBank); ``salt`` defaults to a random one."""
    salt = salt or secrets.token_hex(16)
    questions = []
    for question in bank.questions:
        questions.append(StudentQuestion(
            id=question.id, type=question.type, source=question.source, prompt=question.prompt,
            hints=list(question.hints), concepts=list(question.concepts), points=question.points,
            choices=[ChoiceText(id=choice.id, text=choice.text)
                     for choice in getattr(question, "choices", [])],
            variables=dict(getattr(question, "variables", {})),
            unit=getattr(question, "unit", ""),
            case_sensitive=getattr(question, "case_sensitive", False),
            checks=_checks(question, salt), sealed=seal(_hidden_part(question, salt), salt,
                                                        question.id)))
    return StudentBank(format="student", title=bank.title, source=bank.source,
                       description=bank.description, salt=salt, questions=questions)


class SealedKey:
    """The answer key of a student-export question: hashes and sealed data, opened on demand."""

    def __init__(self, question, salt):
        self.question = question
        self.salt = salt
        self._opened = None

    def _hidden(self):
        if self._opened is None:
            self._opened = unseal(self.question.sealed, self.salt, self.question.id)
        return self._opened

    def correct_choices(self):
        return {choice.id for choice, check in zip(self.question.choices, self.question.checks)
                if check == salted_hash(self.salt, self.question.id, choice.id, "right")}

    def choice_feedback(self, choice_id):
        return self._hidden().get("choice_feedback", {}).get(choice_id, "")

    def numeric_targets(self, values):
        hidden = self._hidden()
        return ([(evaluate(hidden["answer"], values), "")]
                + [(evaluate(answer, values), fill(feedback, values))
                   for answer, feedback in hidden["mistakes"]])

    def tolerance(self):
        return self._hidden()["tolerance"]

    def _hash(self, text):
        return salted_hash(self.salt, self.question.id,
                           normalize_text(text, self.question.case_sensitive))

    def accepts(self, text):
        return self._hash(text) in self.question.checks

    def text_feedback(self, text):
        given = self._hash(text)
        return next((feedback for check, feedback in self._hidden()["mistakes"]
                     if check == given), "")

    def explanation(self, values):
        return fill(self._hidden()["explanation"], values)

    def model_answer(self):
        return self._hidden()["model_answer"]

    def key_points(self):
        return list(self._hidden()["key_points"])
