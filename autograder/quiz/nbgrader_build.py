"""``autograder quiz build BANK``: a bank as an nbgrader source assignment.

``source/quiz_<bank>/quiz_<bank>.ipynb`` has, per question, a locked Markdown cell with the
prompt (choices labelled A, B, ... in a fixed shuffled order) and then:

- auto-checkable question: an answer cell (``solution: true``; the instructor version sets the
  answer variable between ``### BEGIN/END SOLUTION``) and a locked grade cell whose hidden
  ``grade("quiz:<bank>:<question id>")`` the trusted side scores (``nbgrader_cells.py``);
- open question: a manually graded Markdown answer cell whose instructor version holds the
  model answer and the key points between ``### BEGIN/END SOLUTION``.

Templated values and choice order use the fixed seed ``NBGRADER_SEED``, so the notebook and
the grader agree without storing anything but the bank.
"""
from pathlib import Path

import nbformat

from dlbio_student.quiz.schema import answer_variable
from dlbio_student.quiz.scoring import LETTERS, TYPE_NAMES, attempt, right_answer
from dlbio_student.quiz.templating import format_number

NBGRADER_SEED = "nbgrader"
HOW_TO_ANSWER = {
    "single_choice": 'one letter in quotes, for example `{variable} = "B"`',
    "multiple_choice": 'a list of letters, for example `{variable} = ["A", "C"]` (each right '
                       'letter earns its share, each wrong one takes a share back, never below 0)',
    "numeric": "a number, for example `{variable} = 12`",
    "short_answer": 'a short text in quotes, for example `{variable} = "your answer"`',
}


def assignment_name(bank_name):
    return f"quiz_{bank_name}"


def _cell_id(text):
    return text.replace("_", "-")[:64]


def _meta(grade_id, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(source, grade_id, **flags):
    cell = nbformat.v4.new_markdown_cell(source, metadata=_meta(grade_id, **flags))
    cell.id = _cell_id(grade_id)
    return cell


def _code(source, grade_id, **flags):
    cell = nbformat.v4.new_code_cell(source, metadata=_meta(grade_id, **flags))
    cell.id = _cell_id(grade_id)
    return cell


def grade_key(bank_name, question_id):
    return f"quiz:{bank_name}:{question_id}"


def _prompt_markdown(number, current):
    question = current.question
    heading = (f"### Question {number} ({TYPE_NAMES[question.type]}, "
               f"{format_number(question.points)} point{'s' * (question.points != 1)})")
    lines = [heading, "", current.prompt.strip()]
    if current.choices:
        lines.append("")
        lines += [f"- **{LETTERS[index]}**: {choice.text}"
                  for index, choice in enumerate(current.choices)]
    if question.type == "numeric" and question.unit:
        lines += ["", f"Answer in {question.unit}."]
    if question.type == "open":
        lines += ["", "Write your answer in the cell below."]
    else:
        how = HOW_TO_ANSWER[question.type].format(variable=answer_variable(question.id))
        lines += ["", f"*Your answer:* {how}."]
    return "\n".join(lines)


def _answer_code(current, bank_name):
    """The instructor's answer cell: the right answer as the student would type it."""
    question = current.question
    variable = answer_variable(question.id)
    right = right_answer(current)
    if question.type == "single_choice":
        value = repr(current.label_of(right))
    elif question.type == "multiple_choice":
        value = repr(sorted(current.label_of(choice_id) for choice_id in right))
    elif question.type == "numeric":
        value = format_number(right)
    else:
        value = repr(right)
    return (f"# Your answer: {variable} = ...\n### BEGIN SOLUTION\n"
            f"{variable} = {value}\n### END SOLUTION")


def _open_answer_markdown(current):
    points = "\n".join(f"- {point}" for point in current.key.key_points())
    return (f"### BEGIN SOLUTION\n**Model answer.** {current.key.model_answer().strip()}\n\n"
            f"**Key points** (grade by how many the answer makes):\n\n{points}\n"
            f"### END SOLUTION")


def grade_cell_source(bank_name, question_id):
    return (f"# Hidden tests for question {question_id} run here when your quiz is graded.\n"
            f"### BEGIN HIDDEN TESTS\ngrade(\"{grade_key(bank_name, question_id)}\")\n"
            f"### END HIDDEN TESTS")


def build_notebook(bank, bank_name):
    """The instructor notebook of ``bank`` (an nbformat NotebookNode)."""
    grade_base = bank_name.replace("-", "_")
    intro = [f"# {bank.title}", ""]
    if bank.description:
        intro += [bank.description.strip(), ""]
    intro += ["Answer each question in the cell below it. Auto-checked questions are scored when "
              "your quiz is graded; open questions are read by your instructor. Run every "
              "answer cell before you submit."]
    cells = [_markdown("\n".join(intro), f"quiz_{grade_base}_intro", locked=True)]
    for number, question in enumerate(bank.questions, 1):
        current = attempt(bank, question, NBGRADER_SEED)
        base = f"{grade_base}_{question.id.replace('-', '_')}"
        cells.append(_markdown(_prompt_markdown(number, current), f"prompt_{base}", locked=True))
        if question.type == "open":
            cells.append(_markdown(_open_answer_markdown(current), f"open_{base}", grade=True,
                                   solution=True, points=question.points))
            continue
        cells.append(_code(_answer_code(current, bank_name), f"answer_{base}", solution=True))
        cells.append(_code(grade_cell_source(bank_name, question.id), f"grade_quiz_{base}",
                           grade=True, locked=True, points=question.points))
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"name": "python"}})
    return notebook


def write_assignment(bank, bank_name, course):
    """Write ``<course>/source/quiz_<bank>/quiz_<bank>.ipynb``; returns its path."""
    name = assignment_name(bank_name)
    path = Path(course) / "source" / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build_notebook(bank, bank_name), str(path))
    return path
