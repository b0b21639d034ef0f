"""Scoring quiz answers: one attempt of a question, one verdict, one report for a whole bank.

The terminal quiz, the notebook widget, ``autograder quiz check`` and the nbgrader grade cells
all score through ``score``, so they cannot disagree about an answer.

Multiple choice partial credit: with k right choices, each right choice picked earns 1/k of
the points and each wrong choice picked takes 1/k back, never below 0 (Moodle's rule, so the
GIFT export scores the same). Open questions are not scored automatically: the learner marks
which key points their answer covered, and that self-assessment is reported apart.
"""
import math
import numbers
from dataclasses import asdict, dataclass, field

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


@dataclass
class Verdict:
    """The outcome of one answer. fraction: share of the points (None for open questions)."""

    question_id: str
    type: str
    points_possible: float
    answered: bool
    fraction: float | None
    response: str = ""  # the answer as the learner gave it, for reports
    summary: str = ""  # e.g. "2 of 3 right choices picked, 1 wrong choice picked"
    feedback: list = field(default_factory=list)
    explanation: str = ""
    model_answer: str = ""
    key_points: list = field(default_factory=list)
    covered: list = field(default_factory=list)  # open: key point numbers (1-based) covered

    @property
    def points(self):
        return round((self.fraction or 0.0) * self.points_possible, 4)

    @property
    def correct(self):
        return self.fraction is not None and math.isclose(self.fraction, 1.0)

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
    question, key = current.question, current.key
    verdict = Verdict(question.id, question.type, question.points, answer is not None,
                      None if question.type == "open" else 0.0)
    if question.type == "open":
        verdict.model_answer, verdict.key_points = key.model_answer(), key.key_points()
        verdict.explanation = key.explanation(current.values)
        if answer is not None:
            verdict.response, verdict.covered = answer["answer"], answer["covered"]
            verdict.summary = (f"you marked {len(verdict.covered)} of "
                               f"{len(verdict.key_points)} key points as covered")
        return verdict
    verdict.explanation = key.explanation(current.values)
    if answer is None:
        verdict.summary = "not answered"
        return verdict
    scorer = {"single_choice": _score_single, "multiple_choice": _score_multiple,
              "numeric": _score_numeric, "short_answer": _score_short}[question.type]
    scorer(current, answer, verdict)
    return verdict


def _score_single(current, answer, verdict):
    right = current.key.correct_choices()
    verdict.response = current.label_of(answer)
    verdict.fraction = 1.0 if answer in right else 0.0
    verdict.summary = "right" if answer in right else "not the right choice"
    feedback = current.key.choice_feedback(answer)
    if feedback:
        verdict.feedback.append(feedback)


def multiple_choice_fraction(picked, right):
    """max(0, right picks - wrong picks) / number of right choices."""
    hits = len(set(picked) & right)
    misses = len(set(picked) - right)
    return max(0, hits - misses) / len(right)


def _score_multiple(current, answer, verdict):
    right = current.key.correct_choices()
    verdict.response = ", ".join(current.label_of(choice_id) for choice_id in answer) or "none"
    verdict.fraction = multiple_choice_fraction(answer, right)
    hits, wrong = len(set(answer) & right), len(set(answer) - right)
    verdict.summary = (f"{hits} of {len(right)} right choices picked"
                       + (f", {wrong} wrong choice{'s' * (wrong != 1)} picked" if wrong else ""))
    for choice_id in answer:
        feedback = current.key.choice_feedback(choice_id)
        if feedback and choice_id not in right:
            verdict.feedback.append(f"{current.label_of(choice_id)}: {feedback}")


def _score_numeric(current, answer, verdict):
    targets = current.key.numeric_targets(current.values)
    tolerance = current.key.tolerance()
    unit = f" {current.question.unit}" if current.question.unit else ""
    verdict.response = f"{format_number(answer)}{unit}"

    def near(target):
        return abs(answer - target) <= tolerance + 1e-9 * max(1.0, abs(target))

    (right, _), mistakes = targets[0], targets[1:]
    if near(right):
        verdict.fraction, verdict.summary = 1.0, "right"
        return
    verdict.summary = "not the right value"
    feedback = next((text for value, text in mistakes if near(value)), "")
    if feedback:
        verdict.feedback.append(feedback)


def _score_short(current, answer, verdict):
    verdict.response = answer
    if current.key.accepts(answer):
        verdict.fraction, verdict.summary = 1.0, "right"
        return
    verdict.summary = "not an accepted answer"
    feedback = current.key.text_feedback(answer)
    if feedback:
        verdict.feedback.append(feedback)


@dataclass
class QuizReport:
    """All verdicts of one attempt at a bank; automatic and self-assessed points apart."""

    bank: str
    title: str
    seed: object
    verdicts: list

    @property
    def points(self):
        return round(sum(v.points for v in self.verdicts if v.fraction is not None), 4)

    @property
    def points_possible(self):
        return round(sum(v.points_possible for v in self.verdicts if v.fraction is not None), 4)

    @property
    def percent(self):
        return round(100 * self.points / self.points_possible, 2) if self.points_possible else 0.0

    @property
    def self_assessed_points(self):
        return round(sum(v.self_assessed_points for v in self.verdicts if v.fraction is None), 4)

    @property
    def self_assessed_possible(self):
        return round(sum(v.points_possible for v in self.verdicts if v.fraction is None), 4)


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


def render_verdict(verdict, detail=True):
    """Text for one verdict: mark, points, summary, feedback, explanation."""
    if verdict.fraction is None:
        lines = [f"• {verdict.question_id} ({TYPE_NAMES[verdict.type]}, self-assessed): "
                 f"{verdict.summary or 'not answered'}"]
        if detail:
            lines.append(f"    model answer: {verdict.model_answer.strip()}")
            lines += [f"    {number}. {'✓' if number in verdict.covered else ' '} {point}"
                      for number, point in enumerate(verdict.key_points, 1)]
        return "\n".join(lines)
    mark = "✓" if verdict.correct else ("~" if verdict.fraction > 0 else "✗")
    answered = f" (your answer: {verdict.response})" if verdict.answered else ""
    lines = [f"{mark} {verdict.question_id}: {verdict.points:g} / {verdict.points_possible:g} "
             f"points, {verdict.summary}{answered}"]
    if detail:
        lines += [f"    feedback: {text.strip()}" for text in verdict.feedback]
        if verdict.explanation:
            lines.append(f"    why: {verdict.explanation.strip()}")
    return "\n".join(lines)


def render_text(report):
    lines = [f"{report.title} ({report.bank}, seed {report.seed}): {report.points:g} / "
             f"{report.points_possible:g} points ({report.percent:g} %)"]
    if report.self_assessed_possible:
        lines.append(f"self-assessed (open questions): {report.self_assessed_points:g} / "
                     f"{report.self_assessed_possible:g} points")
    lines.append("")
    lines += [render_verdict(verdict) for verdict in report.verdicts]
    return "\n".join(lines) + "\n"


def to_json_dict(report):
    return {
        "bank": report.bank, "title": report.title, "seed": report.seed,
        "points": report.points, "points_possible": report.points_possible,
        "percent": report.percent,
        "self_assessed_points": report.self_assessed_points,
        "self_assessed_possible": report.self_assessed_possible,
        "questions": [{**asdict(verdict), "points": verdict.points,
                       "correct": verdict.correct} for verdict in report.verdicts],
    }
