"""Every typical mistake written as changes to the reference solution cell still applies to
it: each changed text is found exactly once, and the result differs from the reference (a
mistake that no longer applies would silently grade the reference, or nothing)."""
from pathlib import Path

import nbformat
import pytest

from autograder.mistakes import Mistake
from autograder.tools.example_class import exercise_of, mistakes_of, solution_code
from autograder.tools.mistake_grading import catalogued_notebooks

CATALOGUED = catalogued_notebooks(Path(__file__).resolve().parents[1])


@pytest.mark.parametrize("source_path", CATALOGUED, ids=lambda path: path.parent.name)
def test_every_edit_applies_to_the_reference_cell(source_path):
    source = nbformat.read(source_path, as_version=4)
    references = {exercise_of(cell): solution_code(cell) for cell in source.cells
                  if exercise_of(cell)}
    for mistakes in mistakes_of(source_path.parent.name, source).values():
        for mistake in mistakes:
            assert mistake.code.strip() and mistake.code != references[mistake.exercise], (
                mistake.exercise, mistake.what)


def test_an_edit_that_no_longer_applies_is_refused():
    mistake = Mistake.edit("relu", "kept the negative part", "min(0, x)", ("x > 0", "x < 0"))
    assert mistake.cell("def relu(x):\n    return torch.where(x > 0, x, 0 * x)\n") == \
        "def relu(x):\n    return torch.where(x < 0, x, 0 * x)\n"
    with pytest.raises(ValueError, match="not in the reference"):
        mistake.cell("def relu(x):\n    return x.clamp(min=0)\n")
