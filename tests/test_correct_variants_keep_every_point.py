"""Right code in any style the student-facing text allows keeps every point: each correct
alternative in ``tests/correct_variants`` earns full marks through the real grading path, and
passes the visible self-check of its exercise (which validate runs), in a real kernel.

One kernel per assignment runs the reference notebook and grades every variant of it, with its
self-check (``autograder.tools.mistake_grading.grade_variants``), so each test below only
looks up its variant's result.
They are graded under the limits shipped for the assignment (``fitted_limits``), so a correct
style that is slower than the reference, loops instead of tensor operations say, must still fit.
"""
from functools import cache
from pathlib import Path

import nbformat
import pytest

from autograder.fitted_limits import limits_for
from autograder.tools.example_class import exercise_of
from autograder.tools.mistake_grading import grade_variants
from correct_variants import variants_of

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ["01_linear_regression", "02_promoter_classifier", "03_mlp", "04_cnn"]


def source_of(assignment):
    return nbformat.read(next((REPO / "source" / assignment).glob("*.ipynb")), as_version=4)


@cache
def graded(assignment):
    """{variant: Graded} for every variant of ``assignment``, its self-check run too."""
    _, results = grade_variants(source_of(assignment), variants_of(assignment), assignment,
                                limits_for(assignment), self_checks=True)
    return {result.variant: result for result in results}


def cases():
    for assignment in ASSIGNMENTS:
        for variant in variants_of(assignment):
            # one process grades every variant of an assignment (pytest-xdist, --dist loadgroup)
            yield pytest.param(assignment, variant,
                               id=f"{assignment[:2]}-{variant.exercise}-{variant.what}",
                               marks=pytest.mark.xdist_group(f"variants_of_{assignment}"))


@pytest.mark.parametrize("assignment, variant", list(cases()))
def test_correct_variant_earns_full_marks(assignment, variant):
    result = graded(assignment)[variant]
    assert result.report.fraction >= 1.0, (
        f"{variant.exercise} written as '{variant.what}' is correct by the notebook's text but "
        f"scored {result.report.fraction:.2f}:\n{result.feedback}")


@pytest.mark.parametrize("assignment, variant", list(cases()))
def test_correct_variant_passes_its_self_check(assignment, variant):
    stopped = graded(assignment)[variant].self_check
    assert stopped == "", (
        f"{variant.exercise} written as '{variant.what}' is correct by the notebook's text, but "
        f"its visible self-check stops it (validate would say it is not done): {stopped}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_two_correct_variants(assignment):
    exercises = [exercise_of(cell) for cell in source_of(assignment).cells if exercise_of(cell)]
    counts = {exercise: 0 for exercise in exercises}
    for variant in variants_of(assignment):
        assert variant.exercise in counts, f"{variant.exercise} is not an exercise of {assignment}"
        counts[variant.exercise] += 1
    assert {exercise: n for exercise, n in counts.items() if n < 2} == {}


def test_promoter_dataset_variants_read_a_pandas_column_by_position():
    """The grading session swaps one cell at a time, so it never rebuilds the notebook's loaders
    from a variant's PromoterDataset; this checks that path (the test frame's pandas index
    starts after the training rows) in-process, against the reference."""
    import solutions.promoter_classifier as reference
    from dlbio_student.data.synthetic_dna import promoter_like

    frame = promoter_like(n_train=6, n_test=4, seed=0)
    test_frame = frame[frame["split"] == "test"]  # index 6..9
    expected = reference.PromoterDataset(test_frame["sequence"], test_frame["label"])
    for variant in variants_of("02_promoter_classifier"):
        if variant.exercise != "PromoterDataset":
            continue
        namespace = vars(reference).copy()
        exec(variant.code, namespace)
        dataset = namespace["PromoterDataset"](test_frame["sequence"], test_frame["label"])
        assert len(dataset) == len(expected), variant.what
        for i in range(len(expected)):
            for got, wanted in zip(dataset[i], expected[i]):
                assert got.dtype == wanted.dtype and got.equal(wanted), (variant.what, i)
