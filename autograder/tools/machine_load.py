"""A busy grading machine, for the tests and benchmarks that need one: CPU-bound processes
started and stopped around the grading, optionally pinned to some cores or at a real-time
priority."""
import contextlib
import os
import signal
import subprocess
import sys

SPIN = "while True:\n    pass"


@contextlib.contextmanager
def cpu_hogs(count, cpus=None, realtime=False):
    """``count`` processes that only compute, for as long as the block runs; ``cpus``: the
    cores they may run on (default: all); ``realtime``: at a real-time priority (root only),
    ahead of every ordinary process on those cores but for the kernel's reserve for them
    (``sched_rt_runtime_us``, 5 % of each second by default)."""
    def settle():
        if cpus is not None:
            os.sched_setaffinity(0, cpus)
        if realtime:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))

    hogs = [subprocess.Popen([sys.executable, "-c", SPIN], preexec_fn=settle,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(count)]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.send_signal(signal.SIGKILL)
            hog.wait()


def tasks_of(pid):
    """Every thread of ``pid`` and of the processes below it (from /proc)."""
    children = {}
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                text = open(f"/proc/{stat}/stat").read()
            except OSError:
                continue
            children.setdefault(int(text[text.rfind(")") + 2:].split()[1]), []).append(int(stat))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            found += [int(task) for task in os.listdir(f"/proc/{current}/task")]
        except OSError:
            continue
        todo += children.get(current, [])
    return found


def pin(pid, cpus):
    """Move every thread of the process tree at ``pid`` onto ``cpus``."""
    for task in tasks_of(pid):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(task, cpus)
