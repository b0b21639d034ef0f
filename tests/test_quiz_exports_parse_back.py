"""The GIFT export, read back by a GIFT parser, and the jupyterquiz export, read back from its
JSON, give the bank's questions and answers; GIFT's weights score like our partial credit."""
import json
import re
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.quiz.exports import EXPORT_SEED, markdown_html, to_gift, to_jupyterquiz
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.scoring import attempt, multiple_choice_fraction, right_answer

REPO = Path(__file__).resolve().parents[1]
BANKS = sorted((REPO / "quizzes").glob("*.yaml"))

# A small GIFT parser (Moodle's format: docs.moodle.org/en/GIFT_format).
ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003",
           "\\{": "\ue004", "\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"}
RESTORE = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#", "\ue004": "{",
           "\ue005": "}", "\ue006": ":", "\ue007": "\n"}


def hide_escapes(text):
    return re.sub(r"\\[\\~=#{}:n]", lambda match: ESCAPES[match.group(0)], text)


def unescape(text):
    return "".join(RESTORE.get(char, char) for char in text).strip()


def parse_gift(text):
    """[{title, format, text, type, answers, general_feedback}] from GIFT text."""
    questions, category = [], None
    lines = [line for line in hide_escapes(text).split("\n") if not line.lstrip().startswith("//")]
    for block in re.split(r"\n\s*\n", "\n".join(lines)):
        block = block.strip()
        if not block:
            continue
        if block.startswith("$CATEGORY:"):
            category = block.split(":", 1)[1].strip()
            continue
        match = re.fullmatch(r"(?:::(?P<title>[^:]*)::)?\s*(?:\[(?P<format>\w+)\])?"
                             r"(?P<text>[^{]*)\{(?P<answers>[^}]*)\}\s*", block, re.DOTALL)
        assert match, f"not a GIFT question: {block[:200]!r}"
        question = {"title": unescape(match["title"] or ""), "format": match["format"],
                    "text": unescape(match["text"]), "category": category,
                    **parse_answers(match["answers"])}
        questions.append(question)
    return questions


def parse_item(item):
    """'%50%text#feedback' -> (weight or None, text, feedback)."""
    weight = None
    found = re.match(r"\s*%(-?[\d.]+)%", item)
    if found:
        weight, item = float(found[1]), item[found.end():]
    text, _, feedback = item.partition("#")
    return weight, unescape(text), unescape(feedback)


def parse_answers(body):
    body, _, general = body.partition("####")
    body = body.strip()
    result = {"general_feedback": unescape(general)}
    if not body:
        return {**result, "type": "essay", "answers": []}
    if body.startswith("#"):
        answers = []
        numeric = body[1:].strip()
        for item in re.findall(r"=([^=]*)", numeric) if "=" in numeric else [numeric]:
            weight, value, feedback = parse_item(item)
            number, _, tolerance = value.partition(":")
            answers.append({"weight": 100.0 if weight is None else weight,
                            "value": float(number), "tolerance": float(tolerance or 0),
                            "feedback": feedback})
        return {**result, "type": "numerical", "answers": answers}
    items = re.findall(r"([=~])([^=~]*)", body)
    answers = []
    for sign, item in items:
        weight, text, feedback = parse_item(item)
        if weight is None:
            weight = 100.0 if sign == "=" else 0.0
        answers.append({"sign": sign, "weight": weight, "text": text, "feedback": feedback})
    if all(sign == "=" for sign, _ in items):
        kind = "shortanswer"
    elif any(sign == "=" for sign, _ in items):
        kind = "multichoice"
    else:
        kind = "multichoice_multiple"
    return {**result, "type": kind, "answers": answers}


def test_the_parser_reads_the_gift_spec_examples():
    sample = ("// comment\n::Q1:: 1 + 1 \\= ? {=2#right ~3#wrong}\n\n"
              "::Q2:: Pick two {~%50%a ~%50%b ~%-100%c}\n\n::Q3:: Pi? {#3.14:0.01}\n\n"
              "::Q4:: Name it {=MSE =mean squared error}\n\n::Q5:: Explain {}")
    parsed = parse_gift(sample)
    assert [q["type"] for q in parsed] == ["multichoice", "multichoice_multiple", "numerical",
                                           "shortanswer", "essay"]
    assert parsed[0]["text"] == "1 + 1 = ?" and parsed[0]["answers"][0]["feedback"] == "right"
    assert parsed[2]["answers"][0]["value"] == 3.14


# The GIFT export against the bank.
@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_gift_export_parses_back_to_the_bank(path):
    bank = load_bank(path)
    parsed = parse_gift(to_gift(bank, path.stem))
    assert [q["title"] for q in parsed] == [question.id for question in bank.questions]
    for question, gift in zip(bank.questions, parsed):
        current = attempt(bank, question, EXPORT_SEED, shuffle=False)
        assert gift["format"] == "markdown" and gift["category"] == f"$course$/dlbio/{path.stem}"
        assert gift["text"] == current.prompt.strip()
        explanation = current.key.explanation(current.values).strip()
        if question.type == "open":
            assert gift["type"] == "essay"
            assert question.model_answer.strip() in gift["general_feedback"]
            assert all(point in gift["general_feedback"] for point in question.key_points)
            continue
        assert gift["general_feedback"] == explanation
        check_gift_answers(question, current, gift)


def check_gift_answers(question, current, gift):
    answers = gift["answers"]
    if question.type in ("single_choice", "multiple_choice"):
        assert [a["text"] for a in answers] == [choice.text for choice in question.choices]
        assert [a["feedback"] for a in answers] == [c.feedback.strip() for c in question.choices]
        right = current.key.correct_choices()
        if question.type == "single_choice":
            assert gift["type"] == "multichoice"
            assert [a["sign"] == "=" for a in answers] == [c.id in right for c in question.choices]
        else:
            assert gift["type"] == "multichoice_multiple"
            for answer, choice in zip(answers, question.choices):
                share = 100 / len(right)
                assert answer["weight"] == pytest.approx(share if choice.id in right else -share,
                                                         abs=1e-4)
    elif question.type == "numeric":
        assert gift["type"] == "numerical"
        first, *mistakes = answers
        assert first["weight"] == 100 and first["tolerance"] == question.tolerance
        assert first["value"] == pytest.approx(right_answer(current))
        targets = current.key.numeric_targets(current.values)[1:]
        assert [(m["weight"], m["feedback"]) for m in mistakes] == \
            [(0, text.strip()) for _, text in targets]
        assert [m["value"] for m in mistakes] == pytest.approx([value for value, _ in targets])
    else:
        assert gift["type"] == "shortanswer"
        accepted = [a["text"] for a in answers if a["weight"] == 100]
        assert accepted == [answer.strip() for answer in question.answers]
        assert [(a["text"], a["feedback"]) for a in answers if a["weight"] == 0] == \
            [(m.answer.strip(), m.feedback.strip()) for m in question.mistakes]


def test_gift_weights_score_multiple_choice_like_our_partial_credit():
    bank = load_bank(REPO / "quizzes" / "linear_regression.yaml")
    for question in (q for q in bank.questions if q.type == "multiple_choice"):
        gift = parse_gift(to_gift(bank.model_copy(update={"questions": [question]}), "x"))[0]
        weights = {choice.id: answer["weight"]
                   for choice, answer in zip(question.choices, gift["answers"])}
        for mask in range(2 ** len(question.choices)):
            picked = [c.id for i, c in enumerate(question.choices) if mask >> i & 1]
            moodle = max(0.0, sum(weights[choice_id] for choice_id in picked)) / 100
            assert moodle == pytest.approx(
                multiple_choice_fraction(picked, set(question.answer)), abs=1e-4)


def test_export_command_writes_gift(tmp_path, capsys):
    output = tmp_path / "cnn.gift"
    assert main(["quiz", "export", "cnn", "--format", "gift", "-o", str(output)]) == 0
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    assert len(parse_gift(output.read_text())) == len(bank.questions)


# The jupyterquiz export against the bank.
def from_jupyterquiz(entry):
    """A jupyterquiz question dict as (type, right answers, wrong answers)."""
    kind = {"multiple_choice": "single_choice", "many_choice": "multiple_choice",
            "numeric": "numeric", "string": "short_answer"}[entry["type"]]
    answers = [a for a in entry["answers"] if a.get("type") != "default"]
    if kind == "numeric":
        right = [a.get("value", sum(a.get("range", [0, 0])) / 2) for a in answers if a["correct"]]
        wrong = [a["value"] for a in answers if not a["correct"]]
    else:
        right = [a["answer"] for a in answers if a["correct"]]
        wrong = [a["answer"] for a in answers if not a["correct"]]
    return kind, right, wrong


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_jupyterquiz_export_round_trips_through_json(path, capsys):
    bank = load_bank(path)
    assert main(["quiz", "export", str(path), "--format", "jupyterquiz"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert entries == to_jupyterquiz(bank)
    auto = [question for question in bank.questions if question.auto_checked]
    assert len(entries) == len(auto)
    for question, entry in zip(auto, entries):
        current = attempt(bank, question, EXPORT_SEED, shuffle=False)
        kind, right, wrong = from_jupyterquiz(entry)
        assert kind == question.type
        assert entry["question"] == markdown_html(current.prompt)
        if kind in ("single_choice", "multiple_choice"):
            ids = current.key.correct_choices()
            assert right == [markdown_html(c.text) for c in question.choices if c.id in ids]
            assert wrong == [markdown_html(c.text) for c in question.choices if c.id not in ids]
        elif kind == "numeric":
            targets = current.key.numeric_targets(current.values)
            assert right == pytest.approx([targets[0][0]])
            assert wrong == pytest.approx([value for value, _ in targets[1:]])
            if question.tolerance:
                low, high = entry["answers"][0]["range"]
                assert high - low == pytest.approx(2 * question.tolerance)
        else:
            assert right == question.answers
            assert wrong == [mistake.answer for mistake in question.mistakes]
