"""Where submissions are graded: worker processes on this machine, or a Dask cluster.

Both pools take ``SubmissionJob``s and hand back, as they finish, ``(task, outcome)`` where
outcome is what ``grade_submission`` returned or an ``Exception`` saying why it could not run.
A job never makes a pool fail: a worker that dies costs only the job it was grading.
"""
import multiprocessing
import os
import queue
import signal
import sys

from .jobs import grade_submission

POLL_SECONDS = 0.2
STOP_SECONDS = 10


class WorkerDied(Exception):
    """The process grading a submission ended before it returned."""


def _serve(tasks, results):
    """A local worker: grade jobs until told to stop. Ctrl-C is the parent's to handle (a
    process group of its own keeps the terminal's from the worker and its sandboxes); on
    SIGTERM the sandbox being graded is closed on the way out (``grade_notebook``'s finally)."""
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def stop(*_):
        results.cancel_join_thread()  # the parent reads no more: do not wait at exit for it
        sys.exit(143)

    signal.signal(signal.SIGTERM, stop)
    process = multiprocessing.current_process().pid
    while (item := tasks.get()) is not None:
        task, job = item
        results.put(("started", process, task, None))
        try:
            outcome = grade_submission(job)
        except Exception as error:  # noqa: BLE001 (reported per submission, the class goes on)
            outcome = RuntimeError(f"{type(error).__name__}: {str(error)[:300]}")
        results.put(("done", process, task, outcome))


class LocalPool:
    """``workers`` processes on this machine, each grading one submission at a time."""

    def __init__(self, workers):
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        self._tasks = self._context.Queue()
        self._results = self._context.Queue()
        self._processes = {}
        self._holding = {}  # process id -> task it is grading
        for _ in range(workers):
            self._spawn()
        self.workers = workers
        self.description = f"{workers} local worker{'s' if workers != 1 else ''}"

    def _spawn(self):
        process = self._context.Process(target=_serve, args=(self._tasks, self._results),
                                        daemon=True, name="dlbio-grader")
        process.start()
        self._processes[process.pid] = process

    def submit(self, task, job):
        self._tasks.put((task, job))

    def finished(self):
        """[(task, outcome)] that finished since the last call (waits up to POLL_SECONDS)."""
        done = []
        try:
            message = self._results.get(timeout=POLL_SECONDS)
            while True:
                kind, process, task, outcome = message
                if kind == "started":
                    self._holding[process] = task
                else:
                    self._holding.pop(process, None)
                    done.append((task, outcome))
                message = self._results.get_nowait()
        except queue.Empty:
            pass
        for pid, process in list(self._processes.items()):
            if not process.is_alive():
                del self._processes[pid]
                if pid in self._holding:
                    done.append((self._holding.pop(pid), WorkerDied(
                        f"the grading process died (exit status {process.exitcode})")))
                self._spawn()
        return done

    def close(self):
        """Let the workers finish and exit."""
        for _ in self._processes:
            self._tasks.put(None)
        self._join()

    def terminate(self):
        """Stop now: every worker closes the sandbox it is grading in, and exits. Jobs still
        queued are dropped (else this process would wait at exit to hand them over)."""
        for process in self._processes.values():
            process.terminate()
        self._join()
        for channel in (self._tasks, self._results):
            channel.cancel_join_thread()
            channel.close()

    def _join(self):
        for process in self._processes.values():
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        self._processes.clear()


class DaskPool:
    """Tasks on the Dask cluster whose scheduler is at ``address`` (``tcp://host:port``)."""

    def __init__(self, address):
        from distributed import Client

        self._client = Client(address, timeout=30)
        self._futures = {}
        workers = self._client.scheduler_info().get("workers", {})
        if not workers:
            self._client.close()
            raise RuntimeError(f"the Dask scheduler at {address} has no workers")
        self.workers = len(workers)
        self.description = f"Dask at {address} ({len(workers)} workers)"

    def submit(self, task, job):
        self._futures[self._client.submit(grade_submission, job, pure=False, retries=1)] = task

    def finished(self):
        from distributed import wait

        if not self._futures:
            return []
        try:
            ready = wait(list(self._futures), timeout=POLL_SECONDS,
                         return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        done = []
        for future in ready.done:
            task = self._futures.pop(future)
            try:
                done.append((task, future.result()))
            except Exception as error:  # noqa: BLE001 (KilledWorker, an error on the worker)
                done.append((task, RuntimeError(f"{type(error).__name__}: {str(error)[:300]}")))
        return done

    def close(self):
        self._client.close()

    def terminate(self):
        """Cancel what has not finished (a grading already running on a worker runs to its
        end there, in its own sandbox), and disconnect."""
        self._client.cancel(list(self._futures))
        self._client.close()
