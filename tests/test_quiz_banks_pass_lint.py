"""Every quiz bank passes the schema; lint names file, question id and field for each problem."""
from pathlib import Path

import pytest

from autograder.cli import main
from dlbio_student.quiz.banks import BankError, load_bank

REPO = Path(__file__).resolve().parents[1]
BANKS = sorted((REPO / "quizzes").glob("*.yaml"))

WORKSHOP_QUESTIONS = {
    "linear_regression": [
        "What shape should be the training data for our Linear layer?",
        "What is a loss function?",
        "What is mean squared error?",
        "What happens when you invoke the .backward function on the result of the mean squared "
        "error loss function?",
        "How do you update the weights and biases of a model?",
        "Why do you reset gradients to zero after updating weights?",
        "What is an epoch?",
        "What is the benefit of training a model for multiple epochs?",
        "What should you do if your model's loss doesn't decrease while training?",
        "What are the inputs to a PyTorch optimizer?",
        "How could we feed 2 features as input?",
    ],
    "mlp": [
        "What are the benefits of shuffling the training data before creating batches?",
        "What is the reason for adding nonlinearity?",
        "What should be the output of an NN if we want to do classification?",
    ],
    "cnn": [
        "How many filters can a convolutional layer have?",
        "Did we just work with a 2-dimensional or 1-dimensional convolution layer?",
        "What is a kernel?",
    ],
    "review": [f"Define **{term}**." for term in (
        "linear regression", "gradient", "parameter", "hyperparameter", "epoch", "batch size",
        "learning rate", "regression", "classification", "loss function",
        "activation function")] + ["Define **MLP** (multilayer perceptron)."],
}


def test_there_is_one_bank_per_workshop_quiz():
    assert {path.stem for path in BANKS} == set(WORKSHOP_QUESTIONS)


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_bank_keeps_the_workshop_questions_with_their_sources(path):
    bank = load_bank(path)
    open_questions = [question for question in bank.questions if question.type == "open"]
    prompts = [" ".join(question.prompt.split()) for question in open_questions]
    assert prompts == WORKSHOP_QUESTIONS[path.stem]
    for number, question in enumerate(open_questions, 1):
        assert question.source.endswith(f" {number}"), question.source
        assert question.model_answer and len(question.key_points) >= 3


@pytest.mark.parametrize("path", BANKS, ids=[path.stem for path in BANKS])
def test_every_workshop_question_has_auto_checked_siblings(path):
    bank = load_bank(path)
    for question in bank.questions:
        if question.type != "open":
            continue
        siblings = [other for other in bank.questions if other.type != "open"
                    and other.source.startswith(question.source.split(",")[0])
                    and set(other.concepts) & set(question.concepts)]
        assert siblings, f"{question.id} has no auto-checked question on its concepts"


def test_lint_command_passes_on_every_bank(capsys):
    assert main(["quiz", "lint"]) == 0
    assert capsys.readouterr().out.count(": ok (") == len(BANKS)


BROKEN_BANK = """
title: Broken on purpose
source: the lint test
questions:
  - {id: essay-one, type: essay, source: s, prompt: p, explanation: e, concepts: [c]}
  - id: wrong-answer
    type: single_choice
    source: s
    prompt: p
    explanation: e
    concepts: [c]
    choices: [{id: a, text: A}, {id: b, text: B}]
    answer: e
  - {id: wrong-answer, type: numeric, source: s, prompt: p, concepts: [c], answer: 3}
  - id: division-by-zero
    type: numeric
    source: s
    prompt: "{{ n }} bp, kernel {{ k }}"
    explanation: e
    concepts: [c]
    variables: {n: {min: 1, max: 5}, k: {choices: [3, 4]}}
    answer: "n / (k - 3)"
  - id: escape-attempt
    type: numeric
    source: s
    prompt: p
    explanation: e
    concepts: [c]
    answer: "__import__('os').system('touch /tmp/pwned')"
  - id: unknown-placeholder
    type: numeric
    source: s
    prompt: "A sequence of {{ seq_len }} bp"
    explanation: e
    concepts: [c]
    answer: 3
"""


def test_lint_reports_every_problem_with_file_question_and_field(tmp_path, capsys):
    bank = tmp_path / "broken.yaml"
    bank.write_text(BROKEN_BANK)
    assert main(["quiz", "lint", str(bank)]) == 1
    lines = capsys.readouterr().out.splitlines()
    expected = [
        ("'essay-one' (#1)", "field 'type'", "unknown type 'essay'"),
        ("'wrong-answer' (#2)", "field 'answer'", "'e' is not among the choices (a, b)"),
        ("'wrong-answer' (#3)", "field 'explanation'", "Field required"),
        ("'division-by-zero' (#4)", "field 'answer'", "ZeroDivisionError"),
        ("'escape-attempt' (#5)", "field 'answer'", "is not allowed"),
        ("'unknown-placeholder' (#6)", "field 'prompt'", "seq_len, which is not a variable"),
        ("", "field 'questions'", "duplicate question ids: wrong-answer"),
    ]
    assert len(lines) == len(expected), lines
    for line, parts in zip(lines, expected):
        assert line.startswith(str(bank) + ": ")
        for part in parts:
            assert part in line, (part, line)
    assert not Path("/tmp/pwned").exists()


def test_lint_names_the_line_of_a_yaml_syntax_error(tmp_path):
    bank = tmp_path / "typo.yaml"
    bank.write_text("title: x\nsource: y\nquestions:\n  - id: a\n    prompt: one: two\n")
    with pytest.raises(BankError) as error:
        load_bank(bank)
    assert f"{bank}: line 5: not valid YAML" in str(error.value)
