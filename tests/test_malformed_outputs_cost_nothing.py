"""Outputs and kernel messages that nbformat or nbclient cannot take cost nothing.

Student code can publish display data that is not valid notebook output, or send the kernel's
messages itself with parts missing. Either used to raise out of the grader and leave the whole
submission ungraded; now the output is left out with a note, or the cell counts as stopped.
"""
from conftest import grade_snippets

PREDICT = "def predict(x, w, b):\n    return w * x + b"


def test_display_data_that_is_not_valid_notebook_output_is_left_out():
    report, exercises = grade_snippets(
        ["from IPython.display import publish_display_data\n"
         "publish_display_data({'text/plain': 1})\n" + PREDICT], {"predict": 1.0})
    assert exercises["predict"].fraction == 1.0
    assert report.notes == []


def test_a_forged_kernel_message_stops_only_its_cell():
    forge = ("kernel = get_ipython().kernel\n"
             "kernel.session.send(kernel.iopub_socket, 'clear_output', {}, "
             "parent=kernel.get_parent())\n"
             "kernel.session.send(kernel.iopub_socket, 'status', {}, "
             "parent=kernel.get_parent())")
    report, exercises = grade_snippets([PREDICT, forge], {"predict": 1.0})
    assert exercises["predict"].fraction == 1.0
    assert any("could not read" in note for note in report.notes)
