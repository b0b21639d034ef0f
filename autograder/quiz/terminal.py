"""``autograder quiz take BANK``: the quiz in a terminal, one question at a time.

After each answer: the verdict, feedback on the choice or value given, and the explanation.
``?`` shows the next hint, ``s`` skips, ``q`` ends the quiz. Open questions show the model
answer and key points, and the learner marks which they covered (self-assessment, counted
apart). At the end: the score, then the missed questions are offered again.
"""
import textwrap

from dlbio_student.quiz.scoring import (LETTERS, TYPE_NAMES, AnswerError, QuizReport, attempts,
                                        parse_response, score)
from dlbio_student.quiz.templating import format_number

ANSWER_FORMS = {
    "single_choice": "a letter",
    "multiple_choice": "letters separated by spaces, e.g. A C",
    "numeric": "a number",
    "short_answer": "a word or short phrase",
}


class QuitQuiz(Exception):
    pass


class TerminalQuiz:
    """One learner's session; ``ask`` and ``say`` are ``input`` and ``print`` (for tests)."""

    def __init__(self, bank, name, seed, ask=input, say=print, width=88):
        self.bank, self.name, self.seed = bank, name, seed
        self.ask, self.say, self.width = ask, say, width

    def wrap(self, text, indent=""):
        paragraphs = text.strip().split("\n")
        return "\n".join(textwrap.fill(line, self.width, initial_indent=indent,
                                       subsequent_indent=indent) if line.strip() else ""
                         for line in paragraphs)

    def run(self):
        """Ask every question, print the score, offer the missed ones again; the QuizReport."""
        questions = attempts(self.bank, self.seed)
        auto = sum(q.question.points for q in questions if q.question.auto_checked)
        self.say(f"{self.bank.title} — {len(questions)} questions, {format_number(auto)} "
                 f"points checked automatically (seed {self.seed}).")
        self.say("Type your answer and press Enter. ? = hint, s = skip, q = quit.\n")
        verdicts = []
        try:
            for number, current in enumerate(questions, 1):
                verdicts.append(self.ask_question(number, len(questions), current))
        except QuitQuiz:
            self.say(f"\nQuiz ended early, after {len(verdicts)} of {len(questions)} questions.")
        report = QuizReport(self.name, self.bank.title, self.seed, verdicts)
        self.show_score(report)
        missed = [current for current, verdict in zip(questions, verdicts)
                  if verdict.fraction is not None and not verdict.correct]
        if len(verdicts) == len(questions):
            self.retry(missed)
        return report

    def show_score(self, report):
        self.say(f"\nScore: {format_number(report.points)} / "
                 f"{format_number(report.points_possible)} points ({report.percent:g} %)")
        if report.self_assessed_possible:
            self.say(f"Self-assessment (open questions): "
                     f"{format_number(report.self_assessed_points)} / "
                     f"{format_number(report.self_assessed_possible)} points")

    def retry(self, missed):
        if not missed:
            return
        while missed:
            reply = self._input(f"\nTry the {len(missed)} question"
                                f"{'s' * (len(missed) != 1)} you missed again? [y/n] ")
            if reply.strip().lower() not in ("y", "yes"):
                return
            again = []
            try:
                for number, current in enumerate(missed, 1):
                    verdict = self.ask_question(number, len(missed), current)
                    if not verdict.correct:
                        again.append(current)
            except QuitQuiz:
                return
            self.say(f"\n{len(missed) - len(again)} of {len(missed)} right this time.")
            missed = again
        self.say("\nAll questions answered correctly. Well done!")

    def _input(self, prompt):
        try:
            return self.ask(prompt)
        except EOFError:
            raise QuitQuiz() from None

    def ask_question(self, number, total, current):
        question = current.question
        self.say(f"\n── Question {number}/{total} ({TYPE_NAMES[question.type]}, "
                 f"{format_number(question.points)} point{'s' * (question.points != 1)}) ──")
        self.say(self.wrap(current.prompt))
        for index, choice in enumerate(current.choices):
            self.say(textwrap.fill(f"{LETTERS[index]}) {choice.text}", self.width,
                                   initial_indent="  ", subsequent_indent="     "))
        if question.type == "open":
            return self.ask_open(current)
        hints = list(current.hints)
        while True:
            unit = f" in {question.unit}" if getattr(question, "unit", "") else ""
            reply = self._input(f"Your answer ({ANSWER_FORMS[question.type]}{unit}): ").strip()
            if reply.lower() == "q":
                raise QuitQuiz()
            if reply == "?":
                self.say(f"Hint: {hints.pop(0)}" if hints else "No more hints for this one.")
                continue
            if reply.lower() == "s" or not reply:
                verdict = score(current, None)
                break
            try:
                answer = parse_response(current, reply, letters=True)
            except AnswerError as error:
                self.say(f"Sorry: {error}.")
                continue
            verdict = score(current, answer)
            break
        self.show_verdict(verdict)
        return verdict

    def show_verdict(self, verdict):
        if not verdict.answered:
            self.say("Skipped.")
        elif verdict.correct:
            self.say("✓ Correct!")
        elif verdict.fraction > 0:
            self.say(f"~ Partly right: {verdict.summary} "
                     f"({format_number(verdict.points)} of "
                     f"{format_number(verdict.points_possible)} points).")
        else:
            self.say(f"✗ Not quite: {verdict.summary}.")
        for text in verdict.feedback:
            self.say(self.wrap(text, "  "))
        if verdict.explanation:
            self.say(self.wrap("Why: " + verdict.explanation))

    def ask_open(self, current):
        self.say("Write your answer (finish with an empty line; just Enter to skip to the "
                 "model answer):")
        lines = []
        while True:
            line = self._input("> ")
            if not line.strip():
                break
            lines.append(line)
        placeholder = score(current, None)
        self.say("\nModel answer:")
        self.say(self.wrap(placeholder.model_answer, "  "))
        self.say("Key points:")
        for index, point in enumerate(placeholder.key_points, 1):
            self.say(self.wrap(f"{index}. {point}", "  "))
        while True:
            reply = self._input("Which key points did your answer make? (numbers, e.g. 1 3; "
                                "Enter for none): ")
            if reply.strip().lower() == "q":
                raise QuitQuiz()
            try:
                covered = [int(part) for part in reply.replace(",", " ").split()]
                answer = parse_response(current, {"answer": "\n".join(lines),
                                                  "covered": covered})
                break
            except (ValueError, AnswerError) as error:
                self.say(f"Sorry: {error}.")
        verdict = score(current, answer)
        self.say(f"Self-assessment: {len(verdict.covered)} of {len(verdict.key_points)} key "
                 "points.")
        return verdict
