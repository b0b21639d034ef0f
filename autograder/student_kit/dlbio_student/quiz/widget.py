"""A bank as an interactive quiz in a JupyterLab cell (ipywidgets), scored by ``scoring.py``.

    from dlbio_student.quiz.widget import show_quiz
    show_quiz("review")         # a practice bank of the kit, or a bank file (a student export too)

Each question has its input (radio buttons, check boxes or a text box), a Check button, a Hint
button and a feedback area; open questions reveal the model answer and let the learner tick
the key points they made. The running score sits at the bottom.

"""
import random

import ipywidgets as widgets

from .banks import bank_name, load_bank
from .markdown import markdown_html
from .practice import bank_path
from .scoring import LETTERS, TYPE_NAMES, AnswerError, QuizReport, attempts, parse_response, score
from .templating import format_number


class QuizWidget:
    """The widgets of one attempt at a bank; ``box`` is what the cell displays."""

    def __init__(self, bank, name, seed):
        self.bank, self.name, self.seed = bank, name, seed
        self.attempts = attempts(bank, seed)
        self.verdicts = {}
        self.inputs, self.check_buttons, self.hint_buttons, self.feedback = {}, {}, {}, {}
        self.key_point_boxes = {}
        self.score = widgets.HTML()
        header = widgets.HTML(f"<h3>{bank.title}</h3><p>Attempt seed {seed}. Check each answer; "
                              "open questions ask you to mark the key points you made.</p>")
        cards = [self._card(number, current) for number, current in enumerate(self.attempts, 1)]
        self.box = widgets.VBox([header, *cards, self.score])
        self._update_score()

    def _card(self, number, current):
        question = current.question
        points = format_number(question.points)
        title = (f"<b>Question {number}</b> <i>({TYPE_NAMES[question.type]}, {points} "
                 f"point{'s' * (question.points != 1)})</i>")
        prompt = widgets.HTMLMath(title + markdown_html(current.prompt))
        feedback = widgets.HTML()
        self.feedback[question.id] = feedback
        check = widgets.Button(description="Show model answer" if question.type == "open"
                               else "Check", button_style="primary")
        check.on_click(lambda _button, current=current: self.check(current))
        self.check_buttons[question.id] = check
        hints = list(current.hints)
        hint = widgets.Button(description="Hint", disabled=not hints)
        hint.on_click(lambda _button, hints=hints, current=current: self._hint(current, hints))
        self.hint_buttons[question.id] = hint
        answer = self._input(current)
        self.inputs[question.id] = answer
        return widgets.VBox([prompt, answer, widgets.HBox([check, hint]), feedback],
                            layout=widgets.Layout(border="1px solid #ccc", padding="8px",
                                                  margin="6px 0"))

    def _input(self, current):
        kind = current.question.type
        labels = [f"{LETTERS[index]}) {choice.text}"
                  for index, choice in enumerate(current.choices)]
        if kind == "single_choice":
            return widgets.RadioButtons(options=list(zip(labels, [c.id for c in current.choices])),
                                        value=None, layout=widgets.Layout(width="auto"))
        if kind == "multiple_choice":
            return widgets.VBox([widgets.Checkbox(description=label, value=False, indent=False)
                                 for label in labels])
        if kind == "open":
            return widgets.Textarea(placeholder="Your answer", layout=widgets.Layout(
                width="100%", height="6em"))
        unit = getattr(current.question, "unit", "")
        return widgets.Text(placeholder="a number" + (f" ({unit})" if unit else "")
                            if kind == "numeric" else "your answer")

    def response(self, current):
        """The learner's answer as plain data (None when nothing is given)."""
        kind, box = current.question.type, self.inputs[current.id]
        if kind == "single_choice":
            return box.value
        if kind == "multiple_choice":
            return [choice.id for choice, tick in zip(current.choices, box.children) if tick.value]
        return box.value if box.value.strip() else None

    def _hint(self, current, hints):
        if hints:
            self.feedback[current.id].value = f"<p>💡 {markdown_html(hints.pop(0))}</p>"
        self.hint_buttons[current.id].disabled = not hints

    def check(self, current):
        feedback = self.feedback[current.id]
        if current.question.type == "open":
            return self._reveal(current)
        raw = self.response(current)
        if raw is None or raw == []:
            feedback.value = "<p>Give an answer first.</p>"
            return None
        try:
            verdict = score(current, parse_response(current, raw))
        except AnswerError as error:
            feedback.value = f"<p>⚠ {error}</p>"
            return None
        self.verdicts[current.id] = verdict
        if verdict.correct:
            mark = "<b style='color:#087f23'>✓ Correct!</b>"
        elif verdict.fraction > 0:
            mark = (f"<b style='color:#b26a00'>~ Partly right: {verdict.summary} "
                    f"({format_number(verdict.points)} of "
                    f"{format_number(verdict.points_possible)} points)</b>")
        else:
            mark = f"<b style='color:#b00020'>✗ Not quite: {verdict.summary}.</b>"
        parts = [mark, *(markdown_html(text) for text in verdict.feedback)]
        if verdict.explanation:
            parts.append(markdown_html("**Why:** " + verdict.explanation))
        feedback.value = "".join(f"<div>{part}</div>" for part in parts)
        self._update_score()
        return verdict

    def _reveal(self, current):
        revealed = score(current, None)
        ticks = [widgets.Checkbox(description=f"{number}. {point}", value=False, indent=False,
                                  layout=widgets.Layout(width="auto"))
                 for number, point in enumerate(revealed.key_points, 1)]
        self.key_point_boxes[current.id] = ticks
        for tick in ticks:
            tick.observe(lambda _change, current=current: self._self_assess(current), "value")
        model = widgets.HTMLMath(markdown_html("**Model answer.** " + revealed.model_answer)
                                 + "<p><b>Which key points did your answer make?</b></p>")
        card = self.check_buttons[current.id]
        card.disabled = True
        self.feedback[current.id].value = ""
        container = self.box.children[1 + self.attempts.index(current)]
        container.children = (*container.children, model, widgets.VBox(ticks))
        self._self_assess(current)

    def _self_assess(self, current):
        covered = [number for number, tick in enumerate(self.key_point_boxes[current.id], 1)
                   if tick.value]
        self.verdicts[current.id] = score(current, parse_response(
            current, {"answer": self.inputs[current.id].value, "covered": covered}))
        self._update_score()

    def report(self):
        return QuizReport(self.name, self.bank.title, self.seed,
                          [self.verdicts.get(current.id) or score(current, None)
                           for current in self.attempts])

    def _update_score(self):
        report = self.report()
        checked = sum(1 for verdict in self.verdicts.values() if verdict.fraction is not None)
        text = (f"<p><b>Score: {format_number(report.points)} / "
                f"{format_number(report.points_possible)} points</b> ({checked} of "
                f"{sum(1 for c in self.attempts if c.question.auto_checked)} questions checked)")
        if report.self_assessed_possible:
            text += (f"<br>Self-assessment (open questions): "
                     f"{format_number(report.self_assessed_points)} / "
                     f"{format_number(report.self_assessed_possible)} points")
        self.score.value = text + "</p>"


def quiz_widget(reference, seed=None):
    """The QuizWidget of a bank (a practice bank's name, or a bank file); seed None draws a
    fresh attempt."""
    path = bank_path(reference)
    seed = random.randrange(10_000) if seed is None else seed
    return QuizWidget(load_bank(path), bank_name(path), seed)


def show_quiz(reference, seed=None):
    """The quiz widget to display in a notebook cell (put it last in the cell)."""
    return quiz_widget(reference, seed).box
