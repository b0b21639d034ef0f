"""Classes to learn from, built from the course's own catalogues, for the class-insight tests.

- ``planted_class``: assignment 01 with typical mistakes (``autograder/mistakes``) planted at
  known frequencies in three exercises that call none of each other (so a mistake shows in its
  own exercise only), beside a reference, a correct-variant and an untouched submission.
- ``independent_class``: ten students who each wrote the short exercises of 01 their own way
  (``tests/correct_variants``), typed into the release stub as students do; some of them
  happen to write the same short answer.
- ``copied_pair``: a student with a style of their own, and a copy of their notebook with the
  variables renamed, the functions of a cell reordered and the comments changed.
- ``quiz_class``: students of graded quiz ``cnn`` who answer right exactly the questions easier
  than their ability, and one question that strong and weak students alike answer at random.
"""
import random
import re

import nbformat
from dlbio_student.quiz.schema import answer_variable
from dlbio_student.quiz.scoring import attempt, right_answer

from autograder.quiz.nbgrader_build import NBGRADER_SEED
from autograder.tools.example_class import (filled_notebook, planted_submissions,
                                           solution_code)
from correct_variants import variants_of

ASSIGNMENT = "01_linear_regression"
NOTEBOOK = "linear_regression.ipynb"
STUB_BODY = "    # YOUR CODE HERE\n    raise NotImplementedError()"

# exercise -> the catalogue index of the mistake each planted student made (None: reference)
PLANTED = {
    "gradient_descent_step": [0, 0, 0, 0, 2, 2, 3, 1],
    "normalize": [0, 1, 2, 3, 0, 1, 0, None],
    "train_with_optimizer": [None, 0, 1, 2, 0, 1, 0, None],
}
PLANTED_STUDENTS = [f"planted_{number}" for number in range(len(PLANTED["normalize"]))]
CORRECT_STUDENTS = ("ada_reference", "vera_variants")
UNTOUCHED = "ben_untouched"
SHORT_EXERCISES = ("predict", "mse", "gradient_descent_step", "normalize")
COPIER, ORIGINAL = "kim_copy", "lee_original"
FORGER = "mallory_forges"
FORGED = "FORGED: claims every mistake"


def write_class(course, notebooks, assignment=ASSIGNMENT, notebook_name=NOTEBOOK):
    """Write {student: notebook} as ``submitted/<student>/<assignment>/<notebook_name>``."""
    for student, notebook in notebooks.items():
        target = course / "submitted" / student / assignment / notebook_name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)


def planted_plan():
    """{student: {exercise: catalogue index}} of the planted students."""
    return {student: {exercise: indices[number] for exercise, indices in PLANTED.items()
                      if indices[number] is not None}
            for number, student in enumerate(PLANTED_STUDENTS)}


def planted_class(release, source, catalogue):
    """{student: notebook} of the planted class (see the module docstring)."""
    first_variants = {}
    for variant in variants_of(ASSIGNMENT):
        first_variants.setdefault(variant.exercise, variant.code)
    notebooks = planted_submissions(release, source, catalogue,
                                    {**planted_plan(), "ada_reference": {}})
    notebooks["vera_variants"] = filled_notebook(
        release, source, lambda exercise, cell: first_variants.get(exercise, solution_code(cell)))
    notebooks[UNTOUCHED] = nbformat.from_dict(release)
    return notebooks


def forging_submission(release, source, course):
    """(notebook, {path in the submission folder: text}) of a student with reference code who
    tries to forge the stored check results: a cell of the notebook writes forged files where
    the course keeps them, and the submission brings such files of its own."""
    forged = ('{"grade_ids": {"predict": "grade_predict"}, "report": {"notebook": "x", '
              f'"notes": [], "exercises": [{{"name": "predict", "points_possible": 1.0, '
              f'"checks": [{{"exercise": "predict", "check": "{FORGED}", "passed": false, '
              f'"mistake": "{FORGED}"}}]}}]}}}}')
    notebook = filled_notebook(release, source, lambda exercise, cell: solution_code(cell))
    targets = [str(course / ".autograde" / "checks" / ASSIGNMENT / student / NOTEBOOK.replace(
        ".ipynb", ".json")) for student in (FORGER, "ada_reference")]
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"import pathlib\nfor target in {targets!r}:\n    try:\n"
        f"        pathlib.Path(target).parent.mkdir(parents=True, exist_ok=True)\n"
        f"        pathlib.Path(target).write_text({forged!r})\n"
        f"    except OSError as error:\n        print(error)\n"))
    brought = {f".autograde/checks/{ASSIGNMENT}/{FORGER}/linear_regression.json": forged,
               "linear_regression.json": forged}
    return notebook, brought


def planted_mistakes(catalogue):
    """{exercise: [(Mistake, [students who made it])]} of the planted class."""
    found = {}
    for exercise, indices in PLANTED.items():
        by_index = {}
        for student, index in zip(PLANTED_STUDENTS, indices):
            if index is not None:
                by_index.setdefault(index, []).append(student)
        found[exercise] = [(catalogue[exercise][index], students)
                           for index, students in sorted(by_index.items())]
    return found


def typed_into_stub(stub, code, exercise):
    """The cell a student hands in: ``code`` (a whole cell, as a variant is written) typed into
    the release ``stub``: what stands before the function (imports) first, then the stub's
    ``def`` line and docstring, then the function's body."""
    before, definition, rest = re.split(rf"^(def {exercise}\(.*\):\n)", code.strip("\n"),
                                        maxsplit=1, flags=re.MULTILINE)
    return before + stub.replace(STUB_BODY, rest.rstrip("\n"))


def independent_class(release, source):
    """{student: notebook} of ten students who wrote the short exercises each their own way and
    the longer ones as the reference does."""
    forms = {exercise: [None] + [variant.code for variant in variants_of(ASSIGNMENT)
                                 if variant.exercise == exercise]
             for exercise in SHORT_EXERCISES}  # None: as the reference writes it
    strides = {"predict": 1, "mse": 3, "gradient_descent_step": 2, "normalize": 5}
    stubs = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in release.cells
             if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}

    def student(number):
        def code_for(exercise, cell):
            options = forms.get(exercise, [None])
            chosen = options[(number * strides.get(exercise, 0) + number // 4) % len(options)]
            if chosen is None:
                return solution_code(cell)
            return typed_into_stub(stubs[f"{exercise}_solution"], chosen, exercise)
        return code_for

    return {f"independent_{number}": filled_notebook(release, source, student(number))
            for number in range(10)}


OWN_STYLE = {  # lee_original's cells: correct, and written their own way
    "predict": '''def predict(x, w, b):
    # the line through the cloud of points
    slope_term = torch.mul(x, w)
    return slope_term + b
''',
    "mse": '''def mse(y_pred, y_true):
    # average squared miss, in kg squared
    residuals = y_true - y_pred
    squared = residuals * residuals
    return squared.sum() / residuals.shape[0]
''',
    "gradient_descent_step": '''def apply_update(param, lr):
    # one move against the slope of the loss
    with torch.no_grad():
        param.sub_(lr * param.grad)
    param.grad = None


def gradient_descent_step(w, b, x, y, lr):
    current = mse(predict(x, w, b), y)
    current.backward()
    for param in (w, b):
        apply_update(param, lr)
    return float(current.detach())
''',
    "normalize": '''def normalize(x):
    # z-scores: centre, then scale
    centre = x.sum() / x.numel()
    spread = torch.sqrt(torch.sum((x - centre) ** 2) / (x.numel() - 1))
    return (x - centre) / spread, centre, spread
''',
    "train_linear_regression": '''def train_linear_regression(x, y, lr, epochs):
    # start flat, then walk downhill once per epoch
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    history = list()
    epoch = 0
    while epoch < epochs:
        history.append(gradient_descent_step(w, b, x, y, lr))
        epoch += 1
    return w, b, history
''',
    "train_with_optimizer": '''def make_sgd(model, lr):
    # plain stochastic gradient descent over every parameter
    return torch.optim.SGD(list(model.parameters()), lr=lr)


def train_with_optimizer(model, x, y, lr, epochs):
    opt = make_sgd(model, lr)
    criterion = nn.MSELoss()
    history = list()
    for _ in range(epochs):
        opt.zero_grad()
        predictions = model(x)[:, 0]
        current = criterion(predictions, y)
        current.backward()
        opt.step()
        history.append(float(current.detach()))
    return history
''',
}
RENAMES = {"slope_term": "wx", "residuals": "errs", "squared": "sq", "apply_update": "nudge",
           "param": "p", "current": "loss_now", "centre": "mu", "spread": "sd",
           "history": "curve", "epoch": "step_number", "make_sgd": "build_optimizer",
           "opt": "optimiser", "criterion": "loss_function", "predictions": "out"}


def disguised(code):
    """``code`` as a copier hands it in: names changed, comments rewritten, and the
    functions of the cell in the opposite order."""
    for old, new in RENAMES.items():
        code = re.sub(rf"\b{old}\b", new, code)
    code = re.sub(r"# .*", "# my own work", code)
    functions = [part.strip("\n") for part in re.split(r"\n(?=def )", code) if part.strip()]
    return "\n\n\n".join(reversed(functions)) + "\n"


def copied_pair(release, source):
    """{student: notebook} of the original and the copy."""
    def cells(transform):
        return lambda exercise, cell: transform(OWN_STYLE.get(exercise, solution_code(cell)))
    return {ORIGINAL: filled_notebook(release, source, cells(lambda code: code)),
            COPIER: filled_notebook(release, source, cells(disguised))}


# -- the quiz class ------------------------------------------------------------------------------

QUIZ_BANK = "cnn"
BAD_QUESTION = "one-hot-g"  # answered at random, by strong and weak students alike
QUIZ_STUDENTS = 16


def quiz_answers(bank, seed=7):
    """{student: {question id: answer as the notebook takes it}} of the quiz class: student s
    has ability (s + 0.5) / n and answers a question right when its difficulty is below that
    (the difficulties spread evenly over the questions), else gives a wrong answer."""
    questions = [question for question in bank.questions if question.auto_checked]
    rng = random.Random(seed)
    difficulty = {question.id: (index + 0.5) / len(questions)
                  for index, question in enumerate(questions)}
    answers = {}
    for number in range(QUIZ_STUDENTS):
        ability = (number + 0.5) / QUIZ_STUDENTS
        answers[f"quiz_student_{number:02}"] = {
            question.id: _answer(attempt(bank, question, NBGRADER_SEED), number,
                                 rng.random() < 0.5 if question.id == BAD_QUESTION
                                 else ability > difficulty[question.id])
            for question in questions}
    return answers


def _answer(current, number, right):
    """The answer of student ``number`` to ``current``: the right one, or a wrong one (the
    student's own pick among the wrong choices, or the right value off by one)."""
    correct = right_answer(current)
    kind = current.question.type
    if kind == "single_choice":
        wrong = [choice.id for choice in current.choices if choice.id != correct]
        return current.label_of(correct if right else wrong[number % len(wrong)])
    if kind == "multiple_choice":
        wrong = [choice.id for choice in current.choices if choice.id not in correct]
        picked = sorted(correct) if right else sorted(correct)[1:] + [wrong[number % len(wrong)]]
        return [current.label_of(choice) for choice in picked]
    return correct if right else correct + 1


def quiz_notebooks(release, answers):
    """{student: notebook}: the quiz release with each answer cell filled in."""
    notebooks = {}
    for student, given in answers.items():
        notebook = nbformat.from_dict(release)
        for cell in notebook.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            for question_id, answer in given.items():
                if grade_id == f"answer_{QUIZ_BANK}_{question_id.replace('-', '_')}":
                    cell.source = f"{answer_variable(question_id)} = {answer!r}"
        notebooks[student] = notebook
    return notebooks
