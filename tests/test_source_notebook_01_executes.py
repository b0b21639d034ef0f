"""The instructor notebook of assignment 01 runs top to bottom in a fresh kernel.

Grade cells are left out: they only name the exercise that the trusted side scores.
"""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "source" / "01_linear_regression" / "linear_regression.ipynb"


def test_source_notebook_01_runs_without_errors():
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if not cell.metadata.get("nbgrader", {}).get("grade")]
    client = NotebookClient(notebook, kernel_name="python3", timeout=60,
                            resources={"metadata": {"path": str(REPO)}})
    client.execute()  # raises CellExecutionError naming the failing cell
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.output_type == "error"]
    assert not errors
