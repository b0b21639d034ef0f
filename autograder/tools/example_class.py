"""The demo's example class: submissions built from the release notebooks.

For every assignment in ``source/`` with a mistakes catalogue, three students submit:
``ada_reference`` (every stub filled with the instructor's solution), ``ben_untouched`` (the
release notebook as handed out) and ``cleo_mistakes`` (the first typical mistake of every
exercise, the reference elsewhere).
"""
import dataclasses
import importlib
import re

import nbformat

from ..course import assignment_topic

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


def variant_rounds(release, source, variants):
    """Notebooks that together hold every correct variant once: round k fills each exercise
    with its k-th variant (``variants``: objects with ``exercise`` and ``code``, in order) and
    the reference where it has fewer. A notebook of correct cells is correct."""
    by_exercise = {}
    for variant in variants:
        by_exercise.setdefault(variant.exercise, []).append(variant.code)
    rounds = max(map(len, by_exercise.values()), default=0)

    def round_code(k):
        def code_for(exercise, cell):
            codes = by_exercise.get(exercise, [])
            return codes[k].strip() + "\n" if k < len(codes) else solution_code(cell)
        return code_for

    return [filled_notebook(release, source, round_code(k)) for k in range(rounds)]


def has_mistakes(assignment):
    """True when the numbered assignment "NN_topic" has a mistakes catalogue,
    ``autograder.mistakes.<topic>`` (quizzes have none)."""
    return _catalogue_module(assignment) is not None


def _catalogue_module(assignment):
    topic = assignment_topic(assignment)
    if topic is None:
        return None
    try:
        return importlib.import_module(f"autograder.mistakes.{topic}")
    except ModuleNotFoundError:
        return None


def mistakes_of(assignment, source):
    """The mistakes catalogue ({exercise: [Mistake]}) of ``assignment``, or None if it has
    none; each mistake's ``code`` is the student's whole cell, its changes made to the solution
    cell of ``source`` (the assignment's source notebook). ValueError when a change no longer
    applies to the reference."""
    module = _catalogue_module(assignment)
    if module is None:
        return None
    references = {exercise_of(cell): solution_code(cell) for cell in source.cells
                  if exercise_of(cell)}
    catalogue = {}
    for mistake in module.MISTAKES:
        written_out = dataclasses.replace(
            mistake, code=mistake.cell(references.get(mistake.exercise, "")))
        catalogue.setdefault(mistake.exercise, []).append(written_out)
    return catalogue


def planted_submissions(release, source, catalogue, plan):
    """{student: notebook} of a class with planted mistakes: every stub filled with the
    reference, except where ``plan`` ({student: {exercise: index in the exercise's list of
    ``catalogue``}}) plants a typical mistake."""
    def code_for(planted):
        def code(exercise, cell):
            index = planted.get(exercise)
            return solution_code(cell) if index is None else catalogue[exercise][index].code
        return code
    return {student: filled_notebook(release, source, code_for(planted))
            for student, planted in plan.items()}


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
        release_path = course / "release" / assignment / source_path.name
        if not has_mistakes(assignment) or not release_path.exists():
            continue
        source = nbformat.read(source_path, as_version=4)
        catalogue = mistakes_of(assignment, source)
        release = nbformat.read(release_path, as_version=4)
        for student, notebook in submissions(release, source, catalogue).items():
            target = course / "submitted" / student / assignment / source_path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
        written.append(assignment)
    return written
