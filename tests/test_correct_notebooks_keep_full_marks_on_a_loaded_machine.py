"""On a machine the test loads itself, every correct notebook keeps full marks, and a regrade
says the same: ``autograder autograde`` with twice as many jobs as the machine has cores (and the
rest of the suite beside it), a classmate whose memory hog fills its own sandbox among them.
(CPU-bound processes beside gradings are in ``test_a_busy_machine_changes_no_grade``.)

The class holds, for the first and the last assignment (the cheapest and the costliest to
grade), the reference and the notebooks that hold every correct variant of
``tests/correct_variants`` (``example_class.variant_rounds``: round k writes each exercise in
its k-th style), graded whole, demo cells included, under the shipped limits (the 04 round
whose ``mutation_effects`` calls the model once per position among them). Every variant of
every assignment is also graded, under the shipped limits but without the demo cells, in
``test_correct_variants_keep_every_point``. The references' feedback is compared with the idle,
sequential ``nbgrader autograde`` of the same notebooks (``graded_class``), and 01 is graded a
second time to compare with itself.
"""
import os

import nbformat
import pytest

from autograder.nbgrader_cli import assignments_in, make_course
from autograder.pipeline import is_autograded_cell
from autograder.tools.example_class import filled_notebook, solution_code, variant_rounds
from class_grading import gradebook_scores, run_autograde
from conftest import REPO
from correct_variants import variants_of
from example_submissions import ASSIGNMENT
from test_neighbours_on_the_grading_machine_stay_apart import SANDBOX_MEMORY, attacking_predict

JOBS = str(2 * os.cpu_count())  # every sandbox gets about half the CPU it asks for
ASSIGNMENTS = [name for name in assignments_in(REPO) if name[:2] in ("01", "04")]
NEIGHBOUR = "zed_memory_hog"


def grade_cell_outputs(course, student, assignment):
    """{grade_id: outputs} of the student's graded notebook (feedback text and score)."""
    path, = (course / "autograded" / student / assignment).glob("*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: cell.outputs for cell in notebook.cells
            if is_autograded_cell(cell)}


def write_class(course):
    """The references, the variant rounds and the memory-hog neighbour; {assignment:
    [students]} of the honest ones."""
    honest = {}
    for assignment in ASSIGNMENTS:
        source_path = next((course / "source" / assignment).glob("*.ipynb"))
        source = nbformat.read(source_path, as_version=4)
        release = nbformat.read(course / "release" / assignment / source_path.name, 4)
        students = {"ada_reference": filled_notebook(
            release, source, lambda exercise, cell: solution_code(cell))}
        for k, notebook in enumerate(variant_rounds(release, source, variants_of(assignment))):
            students[f"variants_{k + 1}"] = notebook
        if assignment == ASSIGNMENT:
            students[NEIGHBOUR] = filled_notebook(release, source, lambda exercise, cell: (
                attacking_predict("memory_hog") if exercise == "predict"
                else solution_code(cell)))
        for student, notebook in students.items():
            target = course / "submitted" / student / assignment / source_path.name
            target.parent.mkdir(parents=True)
            nbformat.write(notebook, target)
        honest[assignment] = sorted(set(students) - {NEIGHBOUR})
    return honest


@pytest.fixture(scope="module")
def loaded_class(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("loaded"), ASSIGNMENTS)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.SandboxedGrading.assignment_limits = {{{ASSIGNMENT!r}: "
                     f"{{'sandbox_memory_bytes': {SANDBOX_MEMORY}}}}}\n")
    honest = write_class(course)
    runs, first = {}, {}
    for assignment in ASSIGNMENTS:
        runs[assignment] = run_autograde(course, assignment, "--jobs", JOBS, timeout=1800)
        first[assignment] = {student: grade_cell_outputs(course, student, assignment)
                             for student in honest[assignment]}
    regrade = run_autograde(course, ASSIGNMENT, "--jobs", JOBS, "--force", timeout=1800)
    return {"course": course, "honest": honest, "runs": runs, "first": first,
            "regrade": regrade}


def test_every_correct_notebook_keeps_full_marks_on_the_loaded_machine(loaded_class):
    course = loaded_class["course"]
    short = {}
    for assignment, students in loaded_class["honest"].items():
        run = loaded_class["runs"][assignment]
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        scores = gradebook_scores(course, assignment)
        for student in students:
            lost = {grade: score for grade, score in scores[student].items()
                    if score[0] != score[1]}
            if lost:
                short[f"{assignment}/{student}"] = lost
    assert short == {}, short


def test_the_memory_hog_costs_only_its_own_exercise(loaded_class):
    scores = gradebook_scores(loaded_class["course"], ASSIGNMENT)[NEIGHBOUR]
    assert scores["grade_predict"][0] < scores["grade_predict"][1]
    assert all(score == maximum for grade, (score, maximum) in scores.items()
               if grade != "grade_predict"), scores


def test_a_regrade_on_the_loaded_machine_gives_the_same_feedback(loaded_class):
    regrade = loaded_class["regrade"]
    assert regrade.returncode == 0, regrade.stderr[-3000:]
    course = loaded_class["course"]
    again = {student: grade_cell_outputs(course, student, ASSIGNMENT)
             for student in loaded_class["honest"][ASSIGNMENT]}
    assert again == loaded_class["first"][ASSIGNMENT]


def test_the_references_get_the_feedback_of_an_idle_sequential_grading(loaded_class,
                                                                       graded_class):
    idle_course, _ = graded_class
    for assignment in ASSIGNMENTS:
        idle = grade_cell_outputs(idle_course, "ada_reference", assignment)
        assert loaded_class["first"][assignment]["ada_reference"] == idle, assignment
