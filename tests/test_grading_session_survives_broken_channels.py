"""Grader calls travel through one grading session (a socket opened by one execute request).

Whatever student code does to that channel costs only the call that met it: the kernel is
restarted where needed, the message says what happened, cells run again between sessions, and
what a call prints is cut to its share of the output budget (a raw flood still stops it).
"""
import dataclasses
import time

import nbformat
import pytest

from autograder.sandbox import session as session_module
from autograder.sandbox.kernel import SandboxKernel
from autograder.sandbox.limits import Limits
from autograder.student import StudentCode, StudentError

CODE = '''
def double(x):
    return 2 * x

def say(x):
    print("calling say with", x)
    return x

def chatty(x):
    print("A" * 150_000)
    return x

def flood(x):
    import os
    while True:
        os.write(1, b"A" * 10_000)

def crash(x):
    import os
    os._exit(3)

def huge(x):
    return "ACGT" * 100_000

def shut_socket(how):
    import gc, socket
    for connection in gc.get_objects():
        if isinstance(connection, socket.socket) and connection.family == socket.AF_UNIX:
            connection.shutdown(getattr(socket, how))
    return how

def forge_status(x):
    kernel = get_ipython().kernel
    kernel.session.send(kernel.iopub_socket, "status", {}, parent=kernel.get_parent())
    return x

def spin(seconds):
    import time
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return seconds
'''


@pytest.fixture(scope="module")
def sandbox():
    limits = dataclasses.replace(Limits(), output_bytes=200_000)
    kernel = SandboxKernel(limits)
    kernel.start()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE)])
    assert kernel.run_cell(notebook, 0).status == "ok"
    yield kernel, notebook
    kernel.shutdown()


def call(kernel, name, *args):
    return StudentCode(kernel, call_seconds=20).call(name, *args)


def run_new_cell(kernel, notebook, code):
    """Append a cell to the notebook and run it; returns the cell."""
    notebook.cells.append(nbformat.v4.new_code_cell(code))
    assert kernel.run_cell(notebook, len(notebook.cells) - 1).status == "ok"
    return notebook.cells[-1]


def test_many_calls_share_one_session(sandbox):
    kernel, _ = sandbox
    assert [call(kernel, "double", n) for n in range(50)] == [2 * n for n in range(50)]
    assert kernel._sessions_opened == 1


def test_cells_run_between_sessions(sandbox):
    kernel, notebook = sandbox
    assert call(kernel, "double", 1) == 2
    cell = run_new_cell(kernel, notebook, "def double(x):\n    return 3 * x\nprint(double(2))")
    assert cell.outputs[0]["text"] == "6\n"
    assert call(kernel, "double", 1) == 3


def test_a_call_that_prints_more_than_the_budget_keeps_its_result(sandbox):
    kernel, _ = sandbox  # an output budget of 200 kB; chatty prints 150 kB a call
    assert [call(kernel, "chatty", n) for n in range(5)] == list(range(5))
    assert kernel.output_bytes <= 200_000 // 64 + 1  # cut inside: only its share came out


def test_a_raw_output_flood_is_stopped_and_costs_only_its_call(sandbox):
    kernel, _ = sandbox
    with pytest.raises(StudentError) as stopped:
        call(kernel, "flood", 1)
    assert stopped.value.kind == "output_flood"
    assert "printed more than" in stopped.value.message
    assert call(kernel, "double", 2) in (4, 6)  # restarted, cells replayed


def test_a_crash_in_a_call_says_so_and_grading_goes_on(sandbox):
    kernel, _ = sandbox
    with pytest.raises(StudentError) as stopped:
        call(kernel, "crash", 1)
    assert stopped.value.kind == "died" and "exit status 3" in stopped.value.message
    assert call(kernel, "double", 2) in (4, 6)


def test_a_reply_too_large_to_read_is_refused(sandbox, monkeypatch):
    kernel, _ = sandbox
    monkeypatch.setattr(session_module, "REPLY_BYTES", 64 * 1024)
    kernel._end_session()  # the next session reads with the smaller limit
    with pytest.raises(StudentError) as stopped:
        call(kernel, "huge", 1)
    assert stopped.value.kind == "no_reply" and "larger than" in stopped.value.message
    assert call(kernel, "double", 2) in (4, 6)


@pytest.mark.parametrize("how", ["SHUT_RDWR", "SHUT_RD"])
def test_student_code_that_breaks_the_socket_loses_only_that_call(sandbox, how):
    kernel, _ = sandbox
    with pytest.raises(StudentError) as stopped:
        for _ in range(2):  # a half-closed socket shows when the grader writes again
            call(kernel, "shut_socket", how)
    assert stopped.value.kind == "no_reply"
    assert "session" in stopped.value.message or "connection" in stopped.value.message
    assert call(kernel, "double", 2) in (4, 6)


def test_a_forged_status_message_changes_nothing(sandbox):
    kernel, _ = sandbox
    assert call(kernel, "forge_status", 7) == 7
    assert call(kernel, "double", 2) in (4, 6)


def test_a_notebook_wide_socket_timeout_does_not_end_the_session(sandbox):
    kernel, notebook = sandbox
    run_new_cell(kernel, notebook,
                 "import socket\nsocket.setdefaulttimeout(0.5)  # e.g. left by a download helper")
    assert call(kernel, "double", 1) in (2, 3)
    time.sleep(1)  # the graders compute their references between two calls
    assert call(kernel, "double", 2) in (4, 6)


def test_output_marks_suppressed_cost_one_wait_and_lose_nothing(sandbox):
    kernel, notebook = sandbox
    run_new_cell(kernel, notebook, "get_ipython().display_pub.publish = lambda *args, **kw: None")
    assert [call(kernel, "say", n) for n in range(3)] == [0, 1, 2]


def test_opening_the_session_has_a_time_of_its_own_and_the_call_keeps_its_limit(sandbox):
    """A slow start of the session (a busy grading machine, here a delayed entry point) does not
    use up the first call's limit; the call itself still has to finish within it."""
    kernel, notebook = sandbox
    run_new_cell(kernel, notebook,
                 "import dlbio_inside, time\n_serve = dlbio_inside.serve_session\n"
                 "dlbio_inside.serve_session = lambda path: (time.sleep(1.5), _serve(path))")
    assert StudentCode(kernel, call_seconds=1.0).call("spin", 0.5) == 0.5  # 1.5 s + 0.5 s
    with pytest.raises(StudentError) as stopped:
        StudentCode(kernel, call_seconds=1.0).call("spin", 1.5)
    assert stopped.value.kind == "timeout"
    assert "used 1.0 s of CPU time (the limit of one call is 1 s)" in stopped.value.message


def test_student_code_cannot_plant_a_link_where_the_grader_listens(sandbox):
    """The trusted side (root) binds and chmods its socket there: a link planted in its place
    would hand a host file to chmod."""
    kernel, notebook = sandbox
    if not kernel.isolation.is_security_boundary:
        pytest.skip("the fallback is not a security boundary")
    target = kernel.socket_dir / f"grader-{kernel._sessions_opened + 1}.sock"
    cell = run_new_cell(kernel, notebook,
                        f"import os\ntry:\n    os.symlink('/etc/passwd', {str(target)!r})\n"
                        f"except OSError as error:\n    print(type(error).__name__, error.errno)")
    assert cell.outputs[0]["text"] == "OSError 30\n"  # read-only file system
    assert not target.is_symlink()
    assert call(kernel, "double", 2) in (4, 6)


def test_a_broken_session_entry_point_fails_fast_with_a_message(sandbox):
    kernel, notebook = sandbox
    run_new_cell(kernel, notebook,
                 "import dlbio_inside\ndlbio_inside.serve_session = lambda path: None")
    for _ in range(2):
        with pytest.raises(StudentError) as stopped:
            call(kernel, "double", 1)
        assert stopped.value.kind == "no_reply"
        assert "stopped the grader from calling it" in stopped.value.message


def test_a_session_entry_point_that_hangs_times_out(sandbox):
    kernel, notebook = sandbox
    run_new_cell(kernel, notebook,
                 "import dlbio_inside, time\n"
                 "dlbio_inside.serve_session = lambda path: time.sleep(600)")
    with pytest.raises(StudentError) as stopped:
        StudentCode(kernel, call_seconds=2).call("double", 1)
    assert stopped.value.kind == "no_session"
    assert "could not start calling your code within 10 s" in stopped.value.message
