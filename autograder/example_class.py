"""The demo's example class: submissions built from the release notebooks.

For every assignment in ``source/`` with a mistakes catalogue, three students submit:
``ada_reference`` (every stub filled with the instructor's solution), ``ben_untouched`` (the
release notebook as handed out) and ``cleo_mistakes`` (the first typical mistake of every
exercise, the reference elsewhere).
"""
import importlib
import re

import nbformat

from .course import assignment_topic

SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)
STUDENTS = ("ada_reference", "ben_untouched", "cleo_mistakes")


def solution_code(source_cell):
    """The instructor's cell with the solution markers removed: what a full-marks student wrote."""
    return SOLUTION_MARKERS.sub("", source_cell.source)


def exercise_of(cell):
    """The exercise a solution cell implements (grade_id "<exercise>_solution"), or None."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    grade_id = meta.get("grade_id", "")
    if meta.get("solution") and not meta.get("grade") and grade_id.endswith("_solution"):
        return grade_id[: -len("_solution")]
    return None


def filled_notebook(release, source, code_for):
    """A copy of ``release`` whose solution cells hold ``code_for(exercise, source_cell)``."""
    solutions = {exercise_of(cell): cell for cell in source.cells if exercise_of(cell)}
    notebook = nbformat.from_dict(release)
    for cell in notebook.cells:
        exercise = exercise_of(cell)
        if exercise in solutions:
            cell.source = code_for(exercise, solutions[exercise])
    return notebook


def mistakes_of(assignment):
    """The mistakes catalogue ({exercise: [Mistake]}) of a numbered assignment "NN_topic"
    (``autograder.mistakes.<topic>``), or None if it has none."""
    module_name = assignment_topic(assignment)  # "02_promoter_classifier", not quizzes
    if module_name is None:
        return None
    try:
        module = importlib.import_module(f"autograder.mistakes.{module_name}")
    except ModuleNotFoundError:
        return None
    catalogue = {}
    for mistake in module.MISTAKES:
        catalogue.setdefault(mistake.exercise, []).append(mistake)
    return catalogue


def submissions(release, source, catalogue):
    """{student: notebook} for the three example students."""
    def reference(exercise, cell):
        return solution_code(cell)

    def first_mistake(exercise, cell):
        mistakes = catalogue.get(exercise)
        return mistakes[0].code.strip() + "\n" if mistakes else solution_code(cell)

    return {"ada_reference": filled_notebook(release, source, reference),
            "ben_untouched": nbformat.from_dict(release),
            "cleo_mistakes": filled_notebook(release, source, first_mistake)}


def build_example_class(course):
    """Write ``submitted/<student>/<assignment>/<notebook>.ipynb`` for every catalogued assignment.

    course: the course folder (a Path) with ``source/`` and a generated ``release/``.
    Returns the list of assignments written.
    """
    written = []
    for source_path in sorted(course.glob("source/*/*.ipynb")):
        assignment = source_path.parent.name
        catalogue = mistakes_of(assignment)
        release_path = course / "release" / assignment / source_path.name
        if catalogue is None or not release_path.exists():
            continue
        source = nbformat.read(source_path, as_version=4)
        release = nbformat.read(release_path, as_version=4)
        for student, notebook in submissions(release, source, catalogue).items():
            target = course / "submitted" / student / assignment / source_path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
        written.append(assignment)
    return written
