"""One sandboxed ipykernel that runs one student notebook, and the only channel to it.

The trusted side talks to the kernel over ZMQ (IPC sockets in a private folder). It executes
the notebook's cells with nbclient (so outputs look as they do in JupyterLab) and reads IOPub
under the output budget (a backstop: the inside cuts honest output long before). Grader
requests go through a grading session (``session.py``). Every cell and request runs within an
allowance of CPU time and of wall time the machine gave the sandbox (``allowance.py``), read
from the sandbox's own meter (``usage.py``). A cell or request that goes past it, floods its
output or kills the kernel costs only itself: the kernel is killed, restarted, and the cells
that ran before are replayed.
"""
import asyncio
import functools
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.connect import write_connection_file
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

import dlbio_student

from . import cgroups
from . import isolation as isolation_module
from . import usage
from .allowance import STOP_KINDS, Allowance, stop_message, watch
from .failure import SandboxFailure
from .inside import OUTPUT_CUT_MIME, OUTPUT_MARK_MIME
from .limits import grade_id_of
from .session import OPEN_SESSION_SECONDS, GradingSession, stop_task

INSIDE_MODULE = Path(__file__).with_name("inside.py")
STUDENT_LIBRARY = Path(dlbio_student.__file__).parent  # the student kit, as students install it
BOOTSTRAP = ("import sys as _dlbio_sys\n"
             "_dlbio_sys.path.insert(0, __import__('os').environ['DLBIO_HARNESS'])\n"
             "import dlbio_inside\n"
             "del _dlbio_sys\n"
             # exit() would end the kernel after its cell, and again at every replay
             "get_ipython().ask_exit = lambda: print('exit() is ignored while grading.')\n"
             "dlbio_inside.meter_output({cell_keep}, {call_keep}, {total_keep})\n")
# What student code prints is cut inside the sandbox, where dropping it costs a len(): each cell
# keeps a quarter of the output budget, each grader call a 64th (no one reads a call's output),
# and a kernel 8 budgets in all. The trusted side counts what still arrives and kills the kernel
# past the whole budget in a cell or call, or 16 budgets in all: a backstop for output that
# evaded the cut (raw writes to the file descriptors, forged messages), which the honest cut
# never comes near.
CELL_SHARE = 4
CALL_SHARE = 64
KEPT_BUDGETS = 8
BACKSTOP_BUDGETS = 16
START_SECONDS = 60
START = Allowance(START_SECONDS, START_SECONDS, 3 * START_SECONDS)
READ_GRACE_SECONDS = 2  # before work past its wall time is stopped, its messages are read
OPEN_SESSION = Allowance.of(OPEN_SESSION_SECONDS, 1.0)
OUTPUT_KINDS = ("stream", "display_data", "execute_result", "error")


@dataclass
class CellRun:
    """How one notebook cell ended: status "ok", "error", or a SandboxFailure kind;
    ``output_cut``: how much of its output was left out, as a phrase for the student, or "";
    ``used``: what the sandbox used while it ran (a ``usage.Usage``)."""

    status: str
    message: str = ""
    output_cut: str = ""
    used: usage.Usage = usage.Usage()


class _SandboxClient(AsyncKernelClient):
    """A kernel client whose liveness is the sandbox process itself, not heartbeats."""

    process = None

    async def is_alive(self):
        return self.process is not None and self.process.poll() is None

    # wait_for_ready asks this one, which would trust heartbeats: on a loaded machine (a class
    # graded in parallel) the first beat can come later than the check, failing a live kernel
    _async_is_alive = is_alive


class _CellRunner(NotebookClient):
    """nbclient, with every output counted against the cell's output budget, the inside's note
    on a cut output (``output_cut``) written out as text, and outputs that nbformat rejects
    (student code can publish any data) left out with a note."""

    kernel = None
    output_cut = ""

    def output(self, outs, msg, display_id, cell_index):
        self.kernel.count_output(msg["content"])
        if self.kernel.flooded:
            # Stop reading: the killed kernel may have queued hundreds of MB of output.
            raise SandboxFailure("output_flood", "output flood")
        data = msg["content"].get("data")
        if msg["msg_type"] == "display_data" and isinstance(data, dict) \
                and OUTPUT_CUT_MIME in data:
            self.output_cut = _output_cut_phrase(data[OUTPUT_CUT_MIME])
            # Not a stream: nbgrader's LimitOutput drops the streams past a cell's 1000th line.
            note = nbformat.v4.new_output("display_data", data={
                "text/plain": f"[grading: this cell {self.output_cut}]"})
            outs.append(note)
            return note
        try:
            return super().output(outs, msg, display_id, cell_index)
        except Exception as error:  # e.g. nbformat's NotebookValidationError
            note = nbformat.v4.new_output("stream", name="stdout", text=(
                f"[grading: an output of this cell was left out: it is not valid notebook "
                f"output ({type(error).__name__})]\n"))
            outs.append(note)
            return note


def _output_cut_phrase(cut):
    """What the inside's ``OUTPUT_CUT_MIME`` note says, in words (student code may forge the
    note: that changes only what its own feedback says)."""
    try:
        kept, dropped = (max(int(cut[key]), 0) for key in ("kept", "dropped"))
    except (TypeError, ValueError, KeyError, OverflowError):
        kept, dropped = 0, 0
    return (f"printed {_size(kept + dropped)} of output: only the first {_size(kept)} was "
            f"kept, the rest was cut (the code ran on)")


def _size(characters):
    return (f"{characters / 2**20:.1f} MiB" if characters >= 1000 * 2**10 else
            f"{characters / 2**10:.0f} KiB")


def _output_size(content):
    """The characters one output message takes: its text, or its mime bundle's texts (and the
    JSON of anything else), as the inside counts them."""
    data = content.get("data", content.get("text", ""))
    if isinstance(data, dict):
        return sum(len(value) if isinstance(value, str)
                   else len(json.dumps(value, ensure_ascii=False)) for value in data.values())
    return len(data) if isinstance(data, str) else len(json.dumps(data, ensure_ascii=False))


def _describe_death(returncode, limits):
    if returncode is None:
        return "the kernel stopped responding"
    signal_number = -returncode if returncode < 0 else returncode - 128
    if signal_number == signal.SIGXCPU:
        return f"it used more than its {limits.cpu_seconds} s of CPU time"
    if signal_number == signal.SIGSEGV:
        return "it crashed (segmentation fault)"
    if signal_number == signal.SIGKILL:
        return "it was killed (out of memory, or a kill signal)"
    if 0 < signal_number < 64 and returncode != 0 and (returncode < 0 or returncode > 128):
        return f"it was stopped by signal {signal.Signals(signal_number).name}"
    return f"the kernel process exited (exit status {returncode})"


@functools.cache
def matplotlib_font_lists():
    """The trusted side's matplotlib font cache files, built once if missing, so that no kernel
    spends ~0.4 s scanning fonts. Fonts live in paths the sandbox sees at the same place."""
    import matplotlib
    import matplotlib.font_manager  # noqa: F401 (writes fontlist-*.json on first use)

    return tuple(sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json")))


class SandboxKernel:
    """A restartable sandboxed kernel for one notebook.

    limits: ``Limits``; files_dir: a folder whose regular files are copied into the private home
    (the submission's data files), or None.
    """

    def __init__(self, limits, files_dir=None, isolation=None):
        self.limits = limits
        self.files_dir = Path(files_dir) if files_dir else None
        self.isolation = isolation or isolation_module.detect()
        self.output_bytes = 0  # read in this cell or call
        self.kernel_output_bytes = 0  # read from this kernel in all
        self.flooded = False
        self.generation = 0  # counts starts: objects kept by an earlier kernel are gone
        self.process = None
        self.client = None
        self._replay = []
        self._loop = asyncio.new_event_loop()
        self._root = None
        self.socket_dir = None
        self._session = None
        self._sessions_opened = 0
        self._user = None  # isolation.UidLease of the running sandbox
        self._groups = None  # cgroups.SandboxGroups of the running sandbox, where available
        self.meter = None  # usage.Meter of the running sandbox
        self.used = usage.Usage()  # what the last cell or request used

    # -- life cycle -------------------------------------------------------------------------

    def start(self):
        self.generation += 1
        self._root = Path(tempfile.mkdtemp(prefix="dlbio-sandbox-"))
        os.chmod(self._root, 0o755)
        harness, workspace, runtime = (self._root / name for name in ("harness", "home", "run"))
        self._build_harness(harness)
        self._build_workspace(workspace)
        runtime.mkdir()
        # Ours, read-only inside: student code cannot plant a link where the grader listens.
        self.socket_dir = self._root / "grader"
        self.socket_dir.mkdir(mode=0o755)
        connection = runtime / "kernel.json"
        write_connection_file(str(connection), transport="ipc", ip=str(runtime / "zmq"),
                              key=secrets.token_hex(16).encode(), shell_port=1, iopub_port=2,
                              stdin_port=3, control_port=4, hb_port=5)
        # Its own user and cgroups: gradings running at once do not share their bounds.
        self._user = isolation_module.UidLease()
        self._groups = cgroups.SandboxGroups(self.limits) if self.isolation.is_security_boundary \
            else None
        isolation_module.prepare_private_dir(workspace, self._user.uid)
        isolation_module.prepare_private_dir(runtime, self._user.uid)
        command = isolation_module.kernel_command(self.isolation, harness, workspace, runtime,
                                                  self.socket_dir, connection, self.limits,
                                                  self._user.uid)
        log = open(self._root / "kernel.log", "wb")
        self.process = subprocess.Popen(
            command, env=isolation_module.kernel_environment(self.isolation, harness, workspace),
            cwd=workspace, stdin=subprocess.PIPE if self.isolation.is_security_boundary
            else subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=isolation_module.rlimit_setter(self.limits, self._user.uid, self._groups))
        log.close()
        self.meter = usage.meter_for(self.process, self._groups)
        isolation_module.send_home(self.isolation, self.process, workspace)
        if self._groups is not None:
            self._groups.watch(self.process)
        self.client = _SandboxClient()
        self.client.load_connection_file(str(connection))
        self.client.process = self.process
        self.client.start_channels()
        try:
            self._run(self.client.wait_for_ready(timeout=START_SECONDS))
            isolation_module.seal_runtime_dir(runtime)
            self._execute_quietly(self._bootstrap(), START)
        except (RuntimeError, SandboxFailure) as error:
            log_tail = (self._root / "kernel.log").read_text(errors="replace")[-2000:]
            self.close()
            raise SandboxFailure("start_failed", f"the sandboxed kernel did not start: {error}\n"
                                                 f"{log_tail}") from None

    def _bootstrap(self):
        """The code a new kernel runs first: the inside module, and the output cut."""
        return BOOTSTRAP.format(cell_keep=self.limits.output_bytes // CELL_SHARE,
                                call_keep=self.limits.output_bytes // CALL_SHARE,
                                total_keep=self.limits.output_bytes * KEPT_BUDGETS)

    def _build_harness(self, harness):
        """The read-only folder the kernel sees at /opt/dlbio: our inside module and the student
        kit (``lib/dlbio_student``), which the release notebooks import."""
        (harness / "lib").mkdir(parents=True)
        shutil.copy(INSIDE_MODULE, harness / "dlbio_inside.py")
        shutil.copytree(STUDENT_LIBRARY, harness / "lib" / "dlbio_student",
                        ignore=shutil.ignore_patterns("__pycache__"))

    def _build_workspace(self, workspace):
        """The private home: matplotlib's font list and a copy of the submission's regular
        files (links are not followed)."""
        workspace.mkdir()
        (workspace / ".matplotlib").mkdir()
        for font_list in matplotlib_font_lists():
            shutil.copyfile(font_list, workspace / ".matplotlib" / font_list.name)
        if self.files_dir is None:
            return
        for path in sorted(self.files_dir.rglob("*")):
            relative = path.relative_to(self.files_dir)
            if path.is_symlink() or any(part.startswith(".ipynb_checkpoints")
                                        for part in relative.parts):
                continue
            if path.is_dir():
                (workspace / relative).mkdir(parents=True, exist_ok=True)
            elif path.is_file():
                (workspace / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, workspace / relative)

    def close(self):
        """Kill the sandbox (its PID namespace takes every student process with it)."""
        self._drop_session()
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if self.process is not None:
            self._kill()
            self.process.wait()
        if self._groups is not None:
            self._groups.close()
            self._groups = None
        if self._user is not None:
            self._user.release()
            self._user = None
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def shutdown(self):
        """Close the sandbox and the event loop; the object cannot be used afterwards."""
        self.close()
        self._loop.close()

    def restart(self):
        """A fresh kernel with the cells that ran before replayed (their outputs discarded),
        each within its own cell's allowance. A replay that fails leaves a fresh kernel without
        the cells; one the machine starved raises SandboxFailure("starved")."""
        self.close()
        self.output_bytes, self.kernel_output_bytes, self.flooded = 0, 0, False
        self.start()
        for source, allowance in self._replay:
            try:
                self._execute_quietly(source, allowance)
            except SandboxFailure as failure:
                self.close()
                if failure.kind == "starved":
                    raise SandboxFailure("starved", "the cells before could not be run again: "
                                         + stop_message("starved", allowance, "")) from None
                self.start()
                return

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None

    # -- notebook cells ------------------------------------------------------------------------

    def run_cell(self, notebook, index):
        """Execute ``notebook.cells[index]`` in place (outputs filled in), within the cell's
        allowance; return a CellRun."""
        cell = notebook.cells[index]
        self._end_session()
        if not self.alive:
            self.restart()
        self.output_bytes = 0
        allowance = self.cell_allowance(cell)
        # No timeout of nbclient's own: the allowance's watch stops the cell.
        runner = _CellRunner(notebook, timeout=None, allow_errors=True,
                             interrupt_on_timeout=False, raise_on_iopub_timeout=False,
                             iopub_timeout=5, record_timing=False)
        runner.kernel = self
        runner.kc = self.client
        try:
            self._within(runner.async_execute_cell(cell, index, store_history=True), allowance)
        except (Exception, asyncio.CancelledError) as error:
            self._cancel_leftover_tasks()  # what the stopped nbclient call left running
            return self._fail(cell, *self._why_cell_failed(error, cell, allowance))
        self._replay.append((cell.source, allowance))
        errors = [out for out in cell.outputs if out.output_type == "error"]
        if errors:
            return CellRun("error", f"{errors[0].ename}: {errors[0].evalue}", runner.output_cut,
                           self.used)
        return CellRun("ok", output_cut=runner.output_cut, used=self.used)

    def _why_cell_failed(self, error, cell, allowance):
        """(status, message) of a cell whose run raised ``error``."""
        if isinstance(error, SandboxFailure) and error.kind in STOP_KINDS:
            reference = self.limits.reference_needs(f"cell:{grade_id_of(cell)}")
            return error.kind, "this cell " + stop_message(
                error.kind, allowance, "the limit of this cell", reference)
        if isinstance(error, (SandboxFailure, DeadKernelError, CellTimeoutError,
                              asyncio.CancelledError)):
            return "output_flood" if self.flooded else "died", self._death_reason()
        # a message nbclient cannot process, forged by student code
        return "died", (f"the kernel sent a message the grader could not read "
                        f"({type(error).__name__})")

    def cell_allowance(self, cell):
        """The ``Allowance`` of notebook ``cell``: its CPU-time limit, and waiting."""
        return Allowance.of(self.limits.seconds_for_cell(cell), self.limits.wait_factor)

    def _cancel_leftover_tasks(self):
        """Cancel what an interrupted nbclient call left running on our event loop."""
        tasks = asyncio.all_tasks(self._loop)
        for task in tasks:
            task.cancel()
        if tasks:
            self._run(asyncio.gather(*tasks, return_exceptions=True))

    def _fail(self, cell, status, message):
        """Record a failed cell as an error output the student can read, then restart."""
        cell.outputs.append(nbformat.v4.new_output(
            "error", ename="GradingLimit", evalue=message,
            traceback=[f"GradingLimit: {message}; the kernel was restarted and the cells "
                       f"before this one were run again."]))
        used = self.used
        self.restart()
        return CellRun(status, message, used=used)

    def _death_reason(self):
        if self.flooded:
            return f"it printed more than {self.limits.output_bytes // 1024} KiB of output"
        if self.process is not None:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        if self._groups is not None and self._groups.check():
            return self._groups.exceeded
        return _describe_death(self.process.poll() if self.process else None, self.limits)

    def count_output(self, content):
        """Add one output message to the budget of its cell or call (``output_bytes``, set to 0
        when each begins) and of the kernel; past either, kill the kernel to stop the flood."""
        size = _output_size(content)
        self.output_bytes += size
        self.kernel_output_bytes += size
        if not self.flooded and (
                self.output_bytes > self.limits.output_bytes
                or self.kernel_output_bytes > self.limits.output_bytes * BACKSTOP_BUDGETS):
            self.flooded = True
            self._kill()

    # -- grader requests ---------------------------------------------------------------------

    def request(self, request, allowance):
        """Send one request (a JSON-ready dict) to ``dlbio_inside.handle`` within ``allowance``
        (an ``Allowance``); return its reply. ``used`` then says what the call used.

        The first request opens a grading session, in an allowance of its own (the request's
        starts once it is open). A failure inside a session restarts the kernel.
        """
        self.used = usage.Usage()
        if not self.alive:
            self.restart()
        try:
            if self._session is None:
                self._open_session()
            self.output_bytes = 0
            return self._within(self._session.exchange(json.dumps(request).encode() + b"\n"),
                                allowance)
        except SandboxFailure as failure:
            # A session that never opened because student code broke its entry point needs no
            # restart: the replay would break it again, at a restart's cost per exercise.
            if failure.kind != "no_reply" or self._session is not None:
                self.restart()
            raise
        except Exception as error:  # e.g. BrokenPipeError: student code broke the connection
            self.restart()
            raise SandboxFailure("no_reply", f"the grader's connection to your code broke "
                                             f"({type(error).__name__})") from None

    def _open_session(self):
        """Open a grading session within ``OPEN_SESSION``: past it, "no_session" (or
        "starved", the machine's fault)."""
        self._sessions_opened += 1
        path = self.socket_dir / f"grader-{self._sessions_opened}.sock"
        try:
            self._session = self._within(GradingSession.open(self, path), OPEN_SESSION)
        except SandboxFailure as failure:
            if failure.kind in ("timeout", "waited"):
                raise SandboxFailure("no_session", f"the grader could not start calling your "
                                                   f"code within {OPEN_SESSION_SECONDS} s (did "
                                                   f"your code replace dlbio_inside or keep the "
                                                   f"kernel busy?)") from None
            raise

    def _end_session(self):
        """Let ``serve_session`` return, so that cells can run again; restart if it does not."""
        if self._session is None:
            return
        ended = self._run(self._session.end())
        self._drop_session()
        if not ended:
            self.restart()

    def _drop_session(self):
        """Forget the session: stop reading its output and close our end of the socket."""
        if self._session is None:
            return
        session, self._session = self._session, None
        self._run(session.close())

    # -- reading IOPub -------------------------------------------------------------------------

    def _execute_quietly(self, code, allowance):
        """Run ``code`` without recording it, within ``allowance``; its output is counted and
        discarded."""
        self.output_bytes = 0
        message_id = self.client.execute(code, store_history=False, allow_stdin=False,
                                         stop_on_error=False)
        self._within(self.watch_output(message_id), allowance)

    def _within(self, work, allowance):
        """Run ``work`` (a coroutine) on our loop until it ends, or until the sandbox has used
        more than ``allowance``: then kill the sandbox and raise SandboxFailure with the stop's
        kind ("timeout", "waited", "starved"). Either way ``used`` says what the sandbox used."""
        start = self.meter.read()

        async def run():
            task = asyncio.ensure_future(work)
            watcher = asyncio.ensure_future(watch(self.meter, allowance, start))
            done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
            if task not in done and watcher.result().kind != "timeout":
                # Wall time: the sandbox may be done, and only its last messages unread because
                # this process was slow to run (a busy machine, a thread holding the GIL).
                done, _ = await asyncio.wait({task}, timeout=READ_GRACE_SECONDS)
            if task in done:
                await stop_task(watcher)
                return task.result()
            self._kill()
            await stop_task(task)
            stop = watcher.result()
            raise SandboxFailure(stop.kind, stop_message(stop.kind, allowance, "its limit"))

        try:
            return self._run(run())
        finally:
            self.used = self.meter.read() - start

    def _kill(self):
        """Kill the sandbox now (its PID namespace takes every student process with it)."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    async def watch_output(self, message_id, marks=None):
        """Read IOPub until the execute request ``message_id`` ends, counting its output.

        Raises SandboxFailure if the kernel dies or floods its output (how long it may take
        is the caller's to enforce, with ``_within``). marks: the ``_OutputMarks`` of a
        grading session, which its marks update.
        """
        try:
            await self._read_output(message_id, marks)
        finally:
            if marks is not None:
                marks.arrived.set()  # nothing more will come: wake whoever waits for a mark

    async def _read_output(self, message_id, marks):
        while True:
            try:
                message = await self.client.get_iopub_msg(timeout=0.5)
            except Empty:
                if not self.alive:
                    raise SandboxFailure("output_flood" if self.flooded else "died",
                                         self._death_reason()) from None
                continue
            if message["parent_header"].get("msg_id") != message_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                return
            mark = content.get("data", {}).get(OUTPUT_MARK_MIME) if marks is not None else None
            if kind == "display_data" and isinstance(mark, int):
                marks.seen = mark
                marks.arrived.set()
                continue
            if kind in OUTPUT_KINDS:
                self.count_output(content)
                if self.flooded:
                    raise SandboxFailure("output_flood", self._death_reason())

    def _run(self, coroutine):
        return self._loop.run_until_complete(coroutine)
