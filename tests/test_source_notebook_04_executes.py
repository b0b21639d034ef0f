"""The instructor notebook of assignment 04 runs top to bottom in a fresh kernel, training
included, within the course's budget of 60 s on 2 CPU cores.

Grade cells are left out: they only name the exercise that the trusted side scores.
"""
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "source" / "04_cnn" / "cnn.ipynb"
BUDGET_SECONDS = 60


def test_source_notebook_04_runs_without_errors_within_its_budget():
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if not cell.metadata.get("nbgrader", {}).get("grade")]
    client = NotebookClient(notebook, kernel_name="python3", timeout=BUDGET_SECONDS,
                            resources={"metadata": {"path": str(REPO)}})
    started = time.monotonic()
    client.execute()  # raises CellExecutionError naming the failing cell
    seconds = time.monotonic() - started
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.output_type == "error"]
    assert not errors
    assert seconds < BUDGET_SECONDS, f"the notebook took {seconds:.0f} s"
