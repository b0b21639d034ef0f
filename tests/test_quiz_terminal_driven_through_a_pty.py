"""``autograder quiz take`` in a pseudo-terminal: a learner answers, asks for a hint, sees the
verdicts and the score, assesses an open question and retries the one they missed."""
import sys
from pathlib import Path

import pexpect

from autograder.quiz.exports import to_student_yaml
from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.scoring import LETTERS, attempts, right_answer

REPO = Path(__file__).resolve().parents[1]
SEED = 4
SMALL_BANK = """
title: Three questions on DNA convolutions
source: the terminal test
questions:
  - id: one-hot-g
    type: single_choice
    source: "CNN quiz, question 2 (auto-checked)"
    prompt: With the columns in the order A C G T, which row is the one-hot encoding of G?
    choices:
      - {id: a, text: "0 0 1 0"}
      - {id: b, text: "0 1 0 0", feedback: "That is C, the second column."}
      - {id: c, text: "0 0 0 1", feedback: "That is T, the last column."}
    answer: a
    explanation: G is the third of A, C, G, T.
    hints: [A one-hot row has a single 1, in the column of its base.]
    concepts: [one-hot]
  - id: feature-map-length
    type: numeric
    source: "CNN quiz, question 3 (auto-checked)"
    prompt: A kernel of size {{ k }} slides over {{ n }} bp. How many positions?
    variables: {n: {min: 11, max: 40}, k: {choices: [3, 5]}}
    answer: "n - k + 1"
    mistakes: [{answer: "n", feedback: "Without padding the window must fit inside."}]
    explanation: "{{ n }} - {{ k }} + 1 = {{ n - k + 1 }}"
    concepts: [convolution]
  - id: what-is-a-kernel
    type: open
    source: "CNN quiz, question 3"
    prompt: What is a kernel?
    model_answer: A small window of learned weights that slides along the sequence.
    key_points: [learned weights, slides along the input, gives a feature map]
    concepts: [convolution]
"""


def spawn(bank_path, seed=SEED):
    return pexpect.spawn(sys.executable, ["-m", "autograder", "quiz", "take", str(bank_path),
                                          "--seed", str(seed)],
                         cwd=str(REPO), encoding="utf-8", timeout=20, dimensions=(50, 120))


def letter_of(current, choice_id):
    return LETTERS[[choice.id for choice in current.choices].index(choice_id)]


def test_answer_hint_score_and_retry(tmp_path):
    bank_path = tmp_path / "small.yaml"
    bank_path.write_text(SMALL_BANK)
    one_hot, feature_map, _ = attempts(load_bank(bank_path), SEED)
    quiz = spawn(bank_path)
    quiz.expect("3 questions, 2 points checked automatically")
    quiz.expect(r"Question 1/3 \(single choice, 1 point\)")
    quiz.expect("Your answer")
    quiz.sendline("?")
    quiz.expect("Hint: A one-hot row has a single 1")
    quiz.sendline(letter_of(one_hot, "b"))
    quiz.expect("Not quite")
    quiz.expect("That is C, the second column.")
    quiz.expect("Why: G is the third of A, C, G, T.")
    quiz.expect(r"Question 2/3 \(numeric")
    quiz.expect("Your answer")
    quiz.sendline("seven")
    quiz.expect("Sorry: expected a number, got 'seven'")
    quiz.sendline(str(right_answer(feature_map)))
    quiz.expect("Correct!")
    quiz.expect(r"Question 3/3 \(open question, 2 points\)")
    quiz.sendline("Weights that slide along DNA.")
    quiz.sendline("")
    quiz.expect("Model answer:")
    quiz.expect("3. gives a feature map")
    quiz.expect("Which key points")
    quiz.sendline("1 2")
    quiz.expect("Self-assessment: 2 of 3 key points")
    quiz.expect(r"Score: 1 / 2 points \(50 %\)")
    quiz.expect(r"Self-assessment \(open questions\): 1.3333 / 2 points")
    quiz.expect(r"Try the 1 question you missed again\? \[y/n\]")
    quiz.sendline("y")
    quiz.expect("Question 1/1")
    quiz.expect("Your answer")
    quiz.sendline(letter_of(one_hot, "a"))
    quiz.expect("Correct!")
    quiz.expect("1 of 1 right this time")
    quiz.expect("All questions answered correctly")
    quiz.expect(pexpect.EOF)
    quiz.close()
    assert quiz.exitstatus == 0


def test_take_works_on_the_student_export(tmp_path):
    bank = load_bank(REPO / "quizzes" / "cnn.yaml")
    export = tmp_path / "cnn.student.yaml"
    export.write_text(to_student_yaml(bank))
    first, second = [current for current in attempts(bank, SEED)][:2]
    assert first.question.type == "open" and second.question.type == "single_choice"
    quiz = spawn(export)
    quiz.expect("Write your answer")
    quiz.sendline("")
    quiz.expect("As many as you choose")
    quiz.sendline("1")
    quiz.expect("Self-assessment: 1 of 4 key points")
    n = len(bank.questions)
    quiz.expect(f"Question 2/{n}")
    quiz.expect("Your answer")
    quiz.sendline(letter_of(second, second.question.answer))
    quiz.expect("Correct!")
    quiz.expect("Why: Conv1d keeps the batch")
    quiz.expect(f"Question 3/{n}")
    quiz.sendline("q")
    quiz.expect(f"Quiz ended early, after 2 of {n} questions")
    quiz.expect(r"Score: 1 / 1 points \(100 %\)")
    quiz.expect(pexpect.EOF)
    quiz.close()
    assert quiz.exitstatus == 0
