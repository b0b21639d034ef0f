"""release/ holds exactly what ``nbgrader generate_assignment`` makes of source/ today."""
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCE_NOTEBOOKS = sorted(REPO.glob("source/*/*.ipynb"))


@pytest.mark.parametrize("source_path", SOURCE_NOTEBOOKS,
                         ids=lambda path: path.parent.name)
def test_release_matches_a_fresh_generate_assignment(source_path, generated_course):
    relative = source_path.relative_to(REPO / "source")
    committed, fresh = REPO / "release" / relative, generated_course / "release" / relative
    assert committed.exists(), f"release/{relative} is missing: run `make release`"
    assert (nbformat.read(committed, as_version=4) == nbformat.read(fresh, as_version=4)), (
        f"release/{relative} is out of sync with source/{relative}: run `make release` "
        "and commit release/")


def test_every_release_notebook_has_a_source():
    orphans = [str(path.relative_to(REPO)) for path in REPO.glob("release/*/*.ipynb")
               if not (REPO / "source" / path.relative_to(REPO / "release")).exists()]
    assert orphans == []
