"""A non-editable install puts ``solutions`` and ``autograder`` in site-packages, which the
sandbox must mount to run Python: it sees those two folders empty.

Simulated by declaring the repository a Python prefix, which mounts it read-only inside.
"""
from pathlib import Path

import nbformat
import pytest

from autograder.sandbox import isolation
from autograder.sandbox.kernel import SandboxKernel
from autograder.sandbox.limits import Limits

REPO = Path(__file__).resolve().parents[1]

PROBE = f"""
import os
print(sorted(os.listdir({str(REPO)!r}))[:3] != [], os.listdir({str(REPO / "solutions")!r}))
try:
    import solutions.linear_regression
    print("imported")
except ImportError:
    print("hidden")
"""


@pytest.mark.skipif(isolation.detect().mode != "bubblewrap", reason="needs bubblewrap")
def test_reference_solutions_in_a_mounted_prefix_are_hidden(monkeypatch):
    prefixes = isolation.python_prefixes_of_this_interpreter() | {str(REPO)}
    monkeypatch.setattr(isolation, "python_prefixes_of_this_interpreter", lambda: prefixes)
    assert str(REPO / "solutions") in isolation.trusted_package_dirs([str(REPO)])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    kernel = SandboxKernel(Limits())
    try:
        kernel.start()
        kernel.run_cell(notebook, 0)
    finally:
        kernel.shutdown()
    printed = "".join(output.get("text", "") for output in notebook.cells[0].outputs)
    assert printed.split() == ["True", "[]", "hidden"], notebook.cells[0].outputs
