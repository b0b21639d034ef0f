"""Scoring quiz answers: one attempt of a question, one verdict, one report for a whole bank.

The terminal quiz, the notebook widget, ``autograder quiz check`` and the nbgrader grade cells
all score through ``score``, so they cannot disagree about an answer. A verdict's result is a
``report.CheckResult`` with a fractional score, and a quiz report renders as report.py renders
every grade.

Multiple choice partial credit: with k right choices, each right choice picked earns 1/k of
the points and each wrong choice picked takes 1/k back, never below 0 (Moodle's rule, so the
GIFT export scores the same). Open questions are not scored automatically: the learner marks
which key points their answer covered, and that self-assessment is reported apart.
"""
import math
import numbers
from dataclasses import dataclass, field

from ..report import CheckResult, ExerciseReport, NotebookReport
from ..report import render_text as report_text

from .answer_key import PlainKey
from .hiding import SealedKey, StudentBank
from .schema import attempt_rng
from .templating import draw_values, fill, format_number

TYPE_NAMES = {"single_choice": "single choice", "multiple_choice": "multiple choice",
              "numeric": "numeric", "short_answer": "short answer", "open": "open question"}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class AnswerError(ValueError):
    """An answer of the wrong kind for its question (the message says what was expected)."""


def key_for(question, bank):
    """The answer key scoring uses for ``question`` of ``bank`` (full bank or student export)."""
    if isinstance(bank, StudentBank):
        return SealedKey(question, bank.salt)
    return PlainKey(question)


@dataclass
class Attempt:
    """One question as one attempt shows it: drawn values, filled prompt, shuffled choices."""

    question: object
    key: object
    values: dict
    prompt: str
    choices: list  # the question's choices in this attempt's order
    hints: list
    letters: bool = True  # choices shown as A, B, ... (else by their ids, as in answers files)

    @property
    def id(self):
        return self.question.id

    def label_of(self, choice_id):
        if not self.letters:
            return choice_id
        return next(LETTERS[index] for index, choice in enumerate(self.choices)
                    if choice.id == choice_id)


def attempt(bank, question, seed, shuffle=True, letters=True):
    """The attempt ``seed`` of ``question``: the same seed always gives the same attempt."""
    rng = attempt_rng(seed, question.id)
    values = draw_values(question.variables, rng) if question.templated else {}
    choices = list(getattr(question, "choices", []))
    if shuffle:
        rng.shuffle(choices)
    return Attempt(question, key_for(question, bank), values, fill(question.prompt, values),
                   choices, [fill(hint, values) for hint in question.hints], letters)


def attempts(bank, seed, shuffle=True, letters=True):
    return [attempt(bank, question, seed, shuffle, letters) for question in bank.questions]


@dataclass(frozen=True)
class Verdict:
    """One answer to one question. ``check`` is its result, a CheckResult as every grade is
    (exercise: the question id; weight: its points; score: the share earned, None for an open
    question, which the learner assesses); the rest is what a quiz shows beside it."""

    check: CheckResult
    type: str
    answered: bool
    feedback: list = field(default_factory=list)
    explanation: str = ""
    model_answer: str = ""
    key_points: list = field(default_factory=list)
    covered: list = field(default_factory=list)  # open: key point numbers (1-based) the learner marked as made

    @property
    def question_id(self):
        return self.check.exercise

    @property
    def points_possible(self):
        return self.check.weight

    @property
    def fraction(self):
        return self.check.score

    @property
    def response(self):  # the answer as the learner gave it
        return self.check.got

    @property
    def summary(self):  # e.g. "2 of 3 right choices picked, 1 wrong choice picked"
        return self.check.check

    @property
    def points(self):
        return round((self.fraction or 0.0) * self.points_possible, 4)

    @property
    def correct(self):
        return self.check.passed

    @property
    def self_assessed_points(self):
        if not self.key_points:
            return 0.0
        return round(len(self.covered) / len(self.key_points) * self.points_possible, 4)


def parse_response(current, raw, letters=False):
    """Turn an answer given as plain data into the canonical answer of ``current``'s type.

    single choice: a choice id (or its exact text; with ``letters``, A, B, ... in the
    attempt's order); multiple choice: a list of those; numeric: a number; short answer: a
    string; open: a string, or {"answer": text, "covered": [key point numbers]}.
    Raises AnswerError saying what was expected.
    """
    kind = current.question.type
    if kind == "single_choice":
        if not isinstance(raw, str):
            raise AnswerError(f"expected one choice {_choice_form(letters)}, got "
                              f"{_describe(raw)}")
        return _choice_id(current, raw, letters)
    if kind == "multiple_choice":
        if isinstance(raw, str):
            raw = [part for part in raw.replace(",", " ").split() if part] if letters else [raw]
        if not isinstance(raw, (list, tuple)) or not all(isinstance(item, str) for item in raw):
            raise AnswerError(f"expected a list of choices {_choice_form(letters)}, got "
                              f"{_describe(raw)}")
        ids = [_choice_id(current, item, letters) for item in raw]
        return sorted(set(ids), key=ids.index)
    if kind == "numeric":
        if isinstance(raw, str):
            try:
                raw = float(raw.strip().replace(",", "."))
            except ValueError:
                raise AnswerError(f"expected a number, got {raw!r}") from None
        if isinstance(raw, bool) or not isinstance(raw, numbers.Real) or not math.isfinite(raw):
            raise AnswerError(f"expected a number, got {_describe(raw)}")
        return raw if isinstance(raw, (int, float)) else float(raw)  # numpy scalars too
    if kind == "short_answer":
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise AnswerError(f"expected a short text answer, got {_describe(raw)}")
        return str(raw)
    if isinstance(raw, str):
        return {"answer": raw, "covered": []}
    if isinstance(raw, dict) and set(raw) <= {"answer", "covered"}:
        covered = raw.get("covered", [])
        n_points = len(current.key.key_points())
        if (not isinstance(covered, list)
                or not all(isinstance(n, int) and 1 <= n <= n_points for n in covered)):
            raise AnswerError(f"covered: expected key point numbers from 1 to {n_points}, "
                              f"got {_describe(covered)}")
        return {"answer": str(raw.get("answer", "")), "covered": sorted(set(covered))}
    raise AnswerError("expected your answer as text, or {answer: text, covered: [key point "
                      f"numbers]}}, got {_describe(raw)}")


def _choice_form(letters):
    return "(a letter such as \"B\")" if letters else "(a choice id such as \"b\")"


def _describe(value):
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) < 60 else text[:57] + '...'}"


def _choice_id(current, given, letters):
    given = given.strip()
    if letters:
        index = LETTERS.find(given.upper()) if len(given) == 1 else -1
        if 0 <= index < len(current.choices):
            return current.choices[index].id
        raise AnswerError(f"{given!r} is not one of the letters "
                          f"{', '.join(LETTERS[:len(current.choices)])}")
    for choice in current.choices:
        if given == choice.id or given == choice.text:
            return choice.id
    raise AnswerError(f"{given!r} is not one of the choices "
                      f"({', '.join(choice.id for choice in current.choices)})")


def right_answer(current):
    """The full-marks answer of ``current`` (a full bank's question), in answers-file form:
    choice id(s), a number, the first accepted text; open: every key point covered."""
    question = current.question
    if question.type == "numeric":
        return current.key.numeric_targets(current.values)[0][0]
    if question.type == "short_answer":
        return question.answers[0]
    if question.type == "open":
        return {"answer": question.model_answer, "covered": list(
            range(1, len(question.key_points) + 1))}
    return question.answer


def score(current, answer):
    """The verdict on ``answer`` (canonical, from ``parse_response``; None = not answered)."""
    explanation = current.key.explanation(current.values)
    if current.question.type == "open":
        return _score_open(current, answer, explanation)
    if answer is None:
        return _verdict(current, 0.0, "not answered", "", (), explanation, answered=False)
    scorer = {"single_choice": _score_single, "multiple_choice": _score_multiple,
              "numeric": _score_numeric, "short_answer": _score_short}[current.question.type]
    return _verdict(current, *scorer(current, answer), explanation)


def _verdict(current, fraction, summary, response, feedback, explanation, answered=True):
    question = current.question
    check = CheckResult(question.id, summary, math.isclose(fraction, 1.0), weight=question.points,
                        got=response, hint=" ".join([*feedback, explanation]).strip(),
                        score=fraction)
    return Verdict(check, question.type, answered, list(feedback), explanation)


def _score_open(current, answer, explanation):
    question, key = current.question, current.key
    key_points = key.key_points()
    covered = list(answer["covered"]) if answer is not None else []
    summary = (f"you marked {len(covered)} of {len(key_points)} key points as covered"
               if answer is not None else "")
    check = CheckResult(question.id, summary, False, weight=question.points,
                        got=answer["answer"] if answer is not None else "")
    return Verdict(check, question.type, answer is not None, [], explanation,
                   key.model_answer(), key_points, covered)


# Each scorer returns (fraction, summary, response as shown, feedback texts).

def _score_single(current, answer):
    right = answer in current.key.correct_choices()
    feedback = current.key.choice_feedback(answer)
    return (1.0 if right else 0.0, "right" if right else "not the right choice",
            current.label_of(answer), [feedback] if feedback else [])


def multiple_choice_fraction(picked, right):
    """max(0, right picks - wrong picks) / number of right choices."""
    hits = len(set(picked) & right)
    misses = len(set(picked) - right)
    return max(0, hits - misses) / len(right)


def _score_multiple(current, answer):
    right = current.key.correct_choices()
    hits, wrong = len(set(answer) & right), len(set(answer) - right)
    summary = (f"{hits} of {len(right)} right choices picked"
               + (f", {wrong} wrong choice{'s' * (wrong != 1)} picked" if wrong else ""))
    feedback = [f"{current.label_of(choice_id)}: {current.key.choice_feedback(choice_id)}"
                for choice_id in answer
                if choice_id not in right and current.key.choice_feedback(choice_id)]
    response = ", ".join(current.label_of(choice_id) for choice_id in answer) or "none"
    return multiple_choice_fraction(answer, right), summary, response, feedback


def _score_numeric(current, answer):
    targets = current.key.numeric_targets(current.values)
    tolerance = current.key.tolerance()
    unit = f" {current.question.unit}" if current.question.unit else ""
    response = f"{format_number(answer)}{unit}"

    def near(target):
        return abs(answer - target) <= tolerance + 1e-9 * max(1.0, abs(target))

    (right, _), mistakes = targets[0], targets[1:]
    if near(right):
        return 1.0, "right", response, []
    feedback = next((text for value, text in mistakes if near(value)), "")
    return 0.0, "not the right value", response, [feedback] if feedback else []


def _score_short(current, answer):
    if current.key.accepts(answer):
        return 1.0, "right", answer, []
    feedback = current.key.text_feedback(answer)
    return 0.0, "not an accepted answer", answer, [feedback] if feedback else []


@dataclass
class QuizReport:
    """All verdicts of one attempt at a bank; automatic and self-assessed points apart."""

    bank: str
    title: str
    seed: object
    verdicts: list

    def as_report(self):
        """The auto-checked answers as a NotebookReport (one exercise per question); open
        questions, assessed by the learner, as its notes."""
        return NotebookReport(
            f"{self.title} ({self.bank}, seed {self.seed})",
            [ExerciseReport(v.question_id, v.points_possible, [v.check])
             for v in self.verdicts if v.type != "open"],
            [f"{v.question_id} ({TYPE_NAMES[v.type]}, self-assessed): "
             f"{v.summary or 'not answered'}" for v in self.verdicts if v.type == "open"])

    @property
    def points(self):
        return self.as_report().points

    @property
    def points_possible(self):
        return self.as_report().points_possible

    @property
    def percent(self):
        return round(100 * self.points / self.points_possible, 2) if self.points_possible else 0.0

    @property
    def self_assessed_points(self):
        return round(sum(v.self_assessed_points for v in self.verdicts if v.type == "open"), 4)

    @property
    def self_assessed_possible(self):
        return round(sum(v.points_possible for v in self.verdicts if v.type == "open"), 4)


class AnswersFileError(ValueError):
    """An answers file that cannot be graded; ``problems`` lists every problem."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def check_answers(bank, name, data, seed=None):
    """Grade an answers file's data: {"answers": {question id: answer}, "seed": optional}.

    Questions not in the file score 0. Raises AnswersFileError listing unknown question ids and
    answers of the wrong type.
    """
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict) \
            or set(data) - {"answers", "seed"}:
        raise AnswersFileError(["an answers file is a mapping with `answers:` (question id: "
                                "your answer) and optionally `seed:` (the attempt's seed)"])
    seed = data.get("seed", 0) if seed is None else seed
    given = data.get("answers") or {}
    known = {question.id for question in bank.questions}
    problems = [f"unknown question id {question_id!r} (this bank has: "
                f"{', '.join(sorted(known))})" for question_id in given if question_id not in known]
    verdicts = []
    for current in attempts(bank, seed, letters=False):
        answer = None
        if given.get(current.id) is not None:
            try:
                answer = parse_response(current, given[current.id])
            except AnswerError as error:
                problems.append(f"question {current.id!r} ({TYPE_NAMES[current.question.type]})"
                                f": {error}")
                continue
        verdicts.append(score(current, answer))
    if problems:
        raise AnswersFileError(problems)
    return QuizReport(name, bank.title, seed, verdicts)


def render_text(report):
    """A quiz report as terminal text: report.py's rendering of ``report.as_report()``."""
    return report_text(report.as_report())


def to_json_dict(report):
    return {
        "bank": report.bank, "title": report.title, "seed": report.seed,
        "points": report.points, "points_possible": report.points_possible,
        "percent": report.percent,
        "self_assessed_points": report.self_assessed_points,
        "self_assessed_possible": report.self_assessed_possible,
        "questions": [{"question_id": v.question_id, "type": v.type,
                       "points_possible": v.points_possible, "answered": v.answered,
                       "fraction": v.fraction, "response": v.response, "summary": v.summary,
                       "feedback": list(v.feedback), "explanation": v.explanation,
                       "model_answer": v.model_answer, "key_points": list(v.key_points),
                       "covered": list(v.covered), "points": v.points, "correct": v.correct}
                      for v in report.verdicts],
    }
