"""``autograder check`` exits non-zero with a clear message when it cannot grade a file."""
import nbformat
import pytest

from autograder import cli


@pytest.mark.parametrize("make, message", [
    (lambda folder: folder / "missing.ipynb", "no such file"),
    (lambda folder: folder, "is a folder, not a notebook"),
    (lambda folder: _write(folder / "essay.ipynb", "Dear TA, ..."),
     "not a readable Jupyter notebook"),
    (lambda folder: _write(folder / "other.ipynb", nbformat.writes(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(1)")]))), "not one of the course's assignments"),
], ids=["missing", "folder", "not-json", "not-ours"])
def test_check_refuses_with_a_message(tmp_path, capsys, make, message):
    assert cli.main(["check", str(make(tmp_path))]) == 2
    assert message in capsys.readouterr().err


def _write(path, text):
    path.write_text(text)
    return path
