"""``autograder quiz export``: a bank for an LMS (Moodle GIFT), for jupyterquiz, or for students.

Templated numeric questions are exported as one instance (values drawn with ``seed``): GIFT and
jupyterquiz have no formula questions. jupyterquiz has no open questions; they are left out of
its export. Prompts are Markdown: GIFT keeps them as ``[markdown]``, jupyterquiz gets HTML.
"""
import json

import yaml
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.hiding import StudentBank, to_student_bank
from dlbio_student.quiz.markdown import markdown_html
from dlbio_student.quiz.scoring import attempt
from dlbio_student.quiz.templating import format_number

from .course_banks import bank_path

GIFT_SPECIAL = "\\~=#{}:"
EXPORT_SEED = "export"


def gift_escape(text):
    """Text as GIFT needs it: special characters backslash-escaped, newlines as ``\\n``."""
    escaped = "".join("\\" + char if char in GIFT_SPECIAL else char for char in text.strip())
    return escaped.replace("\r\n", "\n").replace("\n", "\\n")


def _weight(value):
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return f"%{text}%"


def _feedback(text):
    return f"#{gift_escape(text)}" if text.strip() else ""


def gift_question(bank, question, seed=EXPORT_SEED):
    """One question in GIFT (Moodle's format), ending with its general feedback."""
    current = attempt(bank, question, seed, shuffle=False)
    key = current.key
    head = (f"// {question.source}; concepts: {', '.join(question.concepts)}\n"
            f"::{gift_escape(question.id)}::[markdown]{gift_escape(current.prompt)} {{\n")
    lines = []
    general = key.explanation(current.values)
    if question.type == "single_choice":
        right = key.correct_choices()
        lines = [f"\t{'=' if choice.id in right else '~'}{gift_escape(choice.text)}"
                 f"{_feedback(choice.feedback)}" for choice in current.choices]
    elif question.type == "multiple_choice":
        right = key.correct_choices()
        share = 100 / len(right)
        lines = [f"\t~{_weight(share if choice.id in right else -share)}"
                 f"{gift_escape(choice.text)}{_feedback(choice.feedback)}"
                 for choice in current.choices]
    elif question.type == "numeric":
        (answer, _), *mistakes = key.numeric_targets(current.values)
        tolerance = format_number(key.tolerance())
        lines = ["\t#", f"\t={format_number(answer)}:{tolerance}"]
        lines += [f"\t=%0%{format_number(value)}:{tolerance}{_feedback(text)}"
                  for value, text in mistakes]
    elif question.type == "short_answer":
        lines = [f"\t={gift_escape(answer)}" for answer in question.answers]
        lines += [f"\t=%0%{gift_escape(mistake.answer)}{_feedback(mistake.feedback)}"
                  for mistake in question.mistakes]
    else:
        points = "\n".join(f"- {point}" for point in key.key_points())
        general = f"Model answer: {key.model_answer().strip()}\n\nKey points:\n{points}"
    if general.strip():
        lines.append(f"\t####{gift_escape(general)}")
    return head + "\n".join(lines) + "\n}\n"


def to_gift(bank, bank_name, seed=EXPORT_SEED):
    """The whole bank as a GIFT file (one category named after the bank)."""
    parts = [f"// {bank.title} ({bank.source}); exported from quizzes/{bank_name}.yaml\n"
             f"$CATEGORY: $course$/dlbio/{bank_name}\n"]
    parts += [gift_question(bank, question, seed) for question in bank.questions]
    return "\n".join(parts)


def jupyterquiz_question(bank, question, seed=EXPORT_SEED):
    """One question as a jupyterquiz dict, or None for open questions."""
    current = attempt(bank, question, seed, shuffle=False)
    key = current.key
    explanation = key.explanation(current.values).strip()
    entry = {"question": markdown_html(current.prompt)}
    if question.type in ("single_choice", "multiple_choice"):
        right = key.correct_choices()
        entry["type"] = "multiple_choice" if question.type == "single_choice" else "many_choice"
        entry["answers"] = [
            {"answer": markdown_html(choice.text), "correct": choice.id in right,
             "feedback": " ".join(part for part in (
                 choice.feedback.strip(), explanation if choice.id in right else "") if part)
             or ("Correct." if choice.id in right else "Incorrect.")}
            for choice in current.choices]
    elif question.type == "numeric":
        (answer, _), *mistakes = key.numeric_targets(current.values)
        tolerance = key.tolerance()
        entry["type"] = "numeric"
        right = ({"type": "range", "range": [answer - tolerance, answer + tolerance]}
                 if tolerance else {"type": "value", "value": answer})
        entry["answers"] = ([{**right, "correct": True, "feedback": explanation or "Correct."}]
                            + [{"type": "value", "value": value, "correct": False,
                                "feedback": text} for value, text in mistakes]
                            + [{"type": "default", "feedback": "Not quite: try again."}])
    elif question.type == "short_answer":
        entry["type"] = "string"
        entry["answers"] = (
            [{"answer": answer, "correct": True, "match_case": question.case_sensitive,
              "feedback": explanation or "Correct."} for answer in question.answers]
            + [{"answer": mistake.answer, "correct": False, "match_case": False,
                "feedback": mistake.feedback} for mistake in question.mistakes]
            + [{"type": "default", "feedback": "Not quite: try again."}])
    else:
        return None
    return entry


def to_jupyterquiz(bank, seed=EXPORT_SEED):
    """The bank's auto-checkable questions as jupyterquiz's JSON (a list of question dicts)."""
    entries = [jupyterquiz_question(bank, question, seed) for question in bank.questions]
    return [entry for entry in entries if entry is not None]


def to_student_yaml(bank, salt=None):
    """The student export as YAML text: answers hidden, still checkable by ``quiz take``."""
    data = to_student_bank(bank, salt).model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def export(bank, bank_name, export_format, seed=EXPORT_SEED):
    """The text of ``bank`` in ``export_format`` ("gift", "jupyterquiz" or "student")."""
    if export_format == "gift":
        return to_gift(bank, bank_name, seed)
    if export_format == "jupyterquiz":
        return json.dumps(to_jupyterquiz(bank, seed), indent=2, ensure_ascii=False) + "\n"
    if export_format == "student":
        return to_student_yaml(bank)
    raise ValueError(f"unknown export format {export_format!r} (gift, jupyterquiz, student)")


def show_jupyterquiz(reference):
    """Display a full bank's auto-checkable questions with jupyterquiz in a notebook (for
    instructors: the answers are in the page's source)."""
    from jupyterquiz import display_quiz  # a notebook-only dependency

    bank = load_bank(bank_path(reference))
    if isinstance(bank, StudentBank):
        raise ValueError("jupyterquiz needs the full bank; use show_quiz for a student export")
    display_quiz(to_jupyterquiz(bank))
