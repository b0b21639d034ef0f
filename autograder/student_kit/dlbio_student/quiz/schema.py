"""The quiz bank format (``quizzes/*.yaml``), as pydantic models.

A bank is a title, the workshop quiz it mirrors, and a list of questions. Every question has an
id, a Markdown prompt, a type, a ``source`` (which workshop quiz and number it comes from), an
explanation shown after answering, hints, concept tags and points. The types:

- ``single_choice``: ``choices`` (id, text, feedback when picked) and ``answer``: one choice id.
- ``multiple_choice``: ``answer``: a list of choice ids. Partial credit: each right choice
  picked earns 1/k of the points (k right choices), each wrong choice picked takes 1/k back,
  never below 0.
- ``numeric``: ``answer`` is a number or a formula over ``variables`` (drawn per attempt),
  accepted within ``tolerance``; ``mistakes`` give feedback for typical wrong values.
- ``short_answer``: accepted ``answers`` (compared ignoring case and extra spaces unless
  ``case_sensitive``); ``mistakes`` give feedback for typical wrong ones.
- ``open``: a ``model_answer`` and the ``key_points`` a good answer makes; learners mark which
  they covered (self-assessment, counted apart from the automatic score).

Every rule a bank must follow is in these models, so ``autograder quiz lint`` is pydantic's
validation with the errors named by file, question id and field (``banks.py`` reads the files).
"""
import random
import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .templating import FormulaError, every_combination, evaluate, names_in, placeholders

QUESTION_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
TEXT_FIELD = re.compile(r"^(prompt|explanation|hints\.\d+|mistakes\.\d+\.\w+): (.*)$", re.DOTALL)
CHOICE_ID = r"^[a-z0-9]+$"
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(Strict):
    id: Annotated[str, Field(pattern=CHOICE_ID)]
    text: Text
    feedback: str = ""  # shown when this choice is picked (why it is right or wrong)


class Variable(Strict):
    """A value drawn per attempt: an integer in ``min``..``max`` (inclusive), or one of
    ``choices``."""

    min: int | None = None
    max: int | None = None
    choices: list[float | int] | None = None

    @model_validator(mode="after")
    def _one_form(self):
        if self.choices is not None:
            if self.min is not None or self.max is not None:
                raise ValueError("give either choices or min/max, not both")
            if not self.choices:
                raise ValueError("choices is empty")
        elif self.min is None or self.max is None:
            raise ValueError("give min and max (integers), or choices")
        elif self.min > self.max:
            raise ValueError(f"min {self.min} is larger than max {self.max}")
        return self

    def draw(self, rng):
        if self.choices is not None:
            return rng.choice(self.choices)
        return rng.randint(self.min, self.max)

    def extremes(self):
        return list(self.choices) if self.choices is not None else sorted({self.min, self.max})


class NumericMistake(Strict):
    answer: float | int | str  # a number, or a formula over the question's variables
    feedback: Text


class TextMistake(Strict):
    answer: Text
    feedback: Text


class Question(Strict):
    id: Annotated[str, Field(pattern=QUESTION_ID)]
    source: Text  # the workshop quiz and number, e.g. "CNN quiz, question 3"
    prompt: Text
    explanation: Text
    hints: list[Text] = []
    concepts: Annotated[list[Text], Field(min_length=1)]
    points: Annotated[float, Field(gt=0)] = 1.0

    @model_validator(mode="after")
    def _placeholders_need_variables(self):
        if self.type != "numeric":
            for field in ("prompt", "explanation"):
                if placeholders(getattr(self, field)):
                    raise ValueError(f"{field}: {{{{ }}}} placeholders need variables, which "
                                     "only numeric questions have")
        return self

    @property
    def auto_checked(self):
        return self.type != "open"

    @property
    def templated(self):
        return bool(getattr(self, "variables", None))


def _repeated(ids):
    """The ids that stand more than once in ``ids``, sorted."""
    return sorted({identifier for identifier in ids if ids.count(identifier) > 1})


def _check_choice_ids(cls, choices):
    repeated = _repeated([choice.id for choice in choices])
    if repeated:
        raise ValueError(f"choice ids repeat: {', '.join(repeated)}")
    return choices


def _not_a_choice(answer, choices):
    ids = [choice.id for choice in choices]
    return ValueError(f"{answer!r} is not among the choices ({', '.join(ids)})")


class SingleChoice(Question):
    type: Literal["single_choice"]
    choices: Annotated[list[Choice], Field(min_length=2)]
    answer: Annotated[str, Field(min_length=1)]

    _choice_ids = field_validator("choices")(classmethod(_check_choice_ids))

    @field_validator("answer")
    @classmethod
    def _answer_is_a_choice(cls, answer, info):
        choices = info.data.get("choices")
        if choices is not None and answer not in {choice.id for choice in choices}:
            raise _not_a_choice(answer, choices)
        return answer


class MultipleChoice(Question):
    type: Literal["multiple_choice"]
    choices: Annotated[list[Choice], Field(min_length=2)]
    answer: Annotated[list[str], Field(min_length=1)]

    _choice_ids = field_validator("choices")(classmethod(_check_choice_ids))

    @field_validator("answer")
    @classmethod
    def _answers_are_choices(cls, answer, info):
        choices = info.data.get("choices")
        if choices is not None:
            for choice_id in answer:
                if choice_id not in {choice.id for choice in choices}:
                    raise _not_a_choice(choice_id, choices)
        if len(set(answer)) != len(answer):
            raise ValueError("a choice is listed twice")
        return answer


class Numeric(Question):
    type: Literal["numeric"]
    variables: Annotated[dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], Variable],
                         Field(validate_default=True)] = {}
    answer: float | int | str  # a number, or a formula over ``variables``
    tolerance: Annotated[float, Field(ge=0)] = 0.0  # absolute: |given - answer| <= tolerance
    unit: str = ""
    mistakes: list[NumericMistake] = []

    @field_validator("variables")
    @classmethod
    def _placeholders_evaluate(cls, variables, info):
        texts = [(field, info.data.get(field)) for field in ("prompt", "explanation")]
        texts += [(f"hints.{number}", hint)
                  for number, hint in enumerate(info.data.get("hints", []))]
        _check_placeholders(texts, variables)
        return variables

    @field_validator("answer")
    @classmethod
    def _answer_evaluates(cls, answer, info):
        if "variables" in info.data:  # else the variables' own error is reported
            _check_formula(answer, info.data["variables"])
        return answer

    @field_validator("mistakes")
    @classmethod
    def _mistakes_evaluate(cls, mistakes, info):
        if "variables" not in info.data:  # its own error is reported
            return mistakes
        variables = info.data["variables"]
        for number, mistake in enumerate(mistakes):
            try:
                _check_formula(mistake.answer, variables)
            except ValueError as error:
                raise ValueError(f"mistakes.{number}.answer: {error}") from None
        _check_placeholders([(f"mistakes.{number}.feedback", mistake.feedback)
                             for number, mistake in enumerate(mistakes)], variables)
        return mistakes


def _check_placeholders(texts, variables):
    """Raise ValueError "<field>: ..." for the first ``{{ formula }}`` that does not compute."""
    for field, text in texts:
        for formula in (f.strip() for f in placeholders(text or "")):
            try:
                _check_formula(formula, variables)
            except ValueError as error:
                raise ValueError(f"{field}: placeholder {{{{{formula}}}}}: {error}") from None


def _check_formula(formula, variables):
    """Raise ValueError unless ``formula`` computes a number for every draw of ``variables``."""
    if not isinstance(formula, str):
        return
    unknown = names_in(formula) - set(variables)
    if unknown:
        raise ValueError(f"formula {formula!r} uses {', '.join(sorted(unknown))}, which "
                         f"{'is not a variable' if len(unknown) == 1 else 'are not variables'}")
    for values in every_combination(variables) if variables else [{}]:
        try:
            result = evaluate(formula, values)
        except FormulaError as error:
            where = f" for {values}" if values else ""
            raise ValueError(f"formula fails to evaluate{where}: {error}") from None
        if isinstance(result, bool) or not isinstance(result, (int, float)):
            raise ValueError(f"formula {formula!r} does not give a number")


class ShortAnswer(Question):
    type: Literal["short_answer"]
    answers: Annotated[list[Text], Field(min_length=1)]  # every accepted answer
    case_sensitive: bool = False
    mistakes: list[TextMistake] = []


class Open(Question):
    type: Literal["open"]
    explanation: str = ""  # optional here: the model answer and key points are the explanation
    model_answer: Text
    key_points: Annotated[list[Text], Field(min_length=1)]
    points: Annotated[float, Field(gt=0)] = 2.0


AnyQuestion = Annotated[Union[SingleChoice, MultipleChoice, Numeric, ShortAnswer, Open],
                        Field(discriminator="type")]
QUESTION_TYPES = ("single_choice", "multiple_choice", "numeric", "short_answer", "open")


def _unique_ids(cls, questions):
    repeated = _repeated([question.id for question in questions])
    if repeated:
        raise ValueError(f"duplicate question ids: {', '.join(repeated)}")
    return questions


class Bank(Strict):
    title: Text
    source: Text  # the workshop quiz this bank mirrors
    description: str = ""
    questions: Annotated[list[AnyQuestion], Field(min_length=1)]

    _unique_ids = field_validator("questions")(classmethod(_unique_ids))

    def question(self, question_id):
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


class QuestionId(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str


class BankOutline(BaseModel):
    """Just the question ids: validated beside ``Bank`` so that duplicate ids are reported even
    when some question is broken (pydantic skips a list's validator when an item fails)."""

    model_config = ConfigDict(extra="allow")
    questions: list[QuestionId]

    _unique_ids = field_validator("questions")(classmethod(_unique_ids))


def attempt_rng(seed, question_id):
    """The random generator of one question in one attempt: choice order and drawn values."""
    return random.Random(f"{seed}:{question_id}")


_SAFE = re.compile(r"[^a-z0-9_]")


def answer_variable(question_id):
    """The Python variable a notebook answer goes in, e.g. ``answer_feature_map_length``."""
    return "answer_" + _SAFE.sub("_", question_id.replace("-", "_"))
