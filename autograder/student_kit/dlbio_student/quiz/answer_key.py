"""What scoring may ask about a question's right answer, whether the bank shows it or hides it.

Scoring (``scoring.py``) reads right answers only through an answer key, so the full bank
(``PlainKey``, here) and the student export with hidden answers (``SealedKey``, in
``hiding.py``) are scored by the same code.
"""
import re

from .templating import evaluate, fill


def normalize_text(text, case_sensitive=False):
    """A short answer as compared: outer spaces and a final full stop dropped, inner runs of
    spaces made one, and (unless case_sensitive) case folded."""
    text = re.sub(r"\s+", " ", str(text)).strip().rstrip(".").strip()
    return text if case_sensitive else text.casefold()


class PlainKey:
    """The answer key of a question from the full bank."""

    def __init__(self, question):
        self.question = question

    # choice questions
    def correct_choices(self):
        answer = self.question.answer
        return {answer} if isinstance(answer, str) else set(answer)

    def choice_feedback(self, choice_id):
        return next((choice.feedback for choice in self.question.choices
                     if choice.id == choice_id), "")

    # numeric questions: (value, feedback) pairs, the right answer first with feedback ""
    def numeric_targets(self, values):
        return ([(evaluate(self.question.answer, values), "")]
                + [(evaluate(mistake.answer, values), fill(mistake.feedback, values))
                   for mistake in self.question.mistakes])

    def tolerance(self):
        return self.question.tolerance

    # short answers
    def accepts(self, text):
        accepted = {normalize_text(answer, self.question.case_sensitive)
                    for answer in self.question.answers}
        return normalize_text(text, self.question.case_sensitive) in accepted

    def text_feedback(self, text):
        given = normalize_text(text, self.question.case_sensitive)
        return next((mistake.feedback for mistake in self.question.mistakes
                     if normalize_text(mistake.answer, self.question.case_sensitive) == given), "")

    # every question
    def explanation(self, values):
        return fill(self.question.explanation, values)

    def model_answer(self):
        return self.question.model_answer

    def key_points(self):
        return list(self.question.key_points)
