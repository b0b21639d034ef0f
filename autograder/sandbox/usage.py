"""What a sandbox used: CPU time of all its processes, and the time the machine kept it waiting.

Time limits count the student's work, not the machine's load. A busy grading machine (other
gradings, a TA's browser, a neighbour's memory hog) stretches wall time but not the CPU time
that honest code needs, so each limit is a budget of the sandbox's CPU time. Code that blocks
without computing (``time.sleep``, ``input()``, a lock) uses no CPU, so a second limit counts
the wall time the machine *gave* the sandbox: wall time minus the time its tasks were stalled,
runnable but waiting for a CPU, or for memory or a disk. A sandbox the machine starves is never
stopped by that limit, only by a far later ceiling, and then it is the machine's fault (the
grader retries, or marks the submission for regrading), never the student's.

Where the numbers come from, best first (``meter_for``):

- cgroup v2 (a group of the sandbox's own, made by ``cgroups.SandboxGroups``): ``cpu.stat``
  counts the CPU of every process that ever ran in it; the pressure files (PSI) count the time
  some of its tasks were stalled on CPU, memory or I/O;
- cgroup v1 ``cpuacct``: the same CPU count; stalls from the scheduler's per-task run delay
  (``/proc/<pid>/task/<tid>/schedstat``);
- no cgroup (not root): the processes below the sandbox's first one, read from ``/proc``
  (their own CPU time and that of the children they reaped), stalls from the run delay;
- no ``/proc`` (macOS): nothing is measured, and every limit is a plain wall-clock limit.
"""
import os
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PRESSURES = ("cpu.pressure", "memory.pressure", "io.pressure")


@dataclass(frozen=True)
class Usage:
    """What a sandbox used over a stretch of ``wall`` seconds: ``cpu`` seconds of CPU (all its
    processes and threads together) and ``stalled`` seconds in which some of its tasks waited
    for a CPU, memory or a disk the machine did not give (at most ``wall``)."""

    wall: float = 0.0
    cpu: float = 0.0
    stalled: float = 0.0

    @property
    def given(self):
        """The wall time the machine gave the sandbox: wall time it was not stalled."""
        return max(self.wall - self.stalled, 0.0)

    def __add__(self, other):
        return Usage(self.wall + other.wall, self.cpu + other.cpu, self.stalled + other.stalled)

    def __sub__(self, other):
        wall = max(self.wall - other.wall, 0.0)
        return Usage(wall, max(self.cpu - other.cpu, 0.0),
                     min(max(self.stalled - other.stalled, 0.0), wall))


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _pressure_total(text):
    """Seconds of the "some" line's ``total=`` (microseconds) of a PSI file, or None."""
    for line in text.splitlines():
        if line.startswith("some "):
            for part in line.split():
                if part.startswith("total="):
                    return int(part[6:]) / 1e6
    return None


def run_delay(pids):
    """Seconds the threads of ``pids`` have waited, runnable, for a CPU (the scheduler's
    ``run_delay``), summed over threads that are alive now."""
    total = 0
    for pid in pids:
        for task in (PROC / str(pid) / "task").glob("*"):
            fields = _read(task / "schedstat").split()
            if len(fields) >= 2 and fields[1].isdigit():
                total += int(fields[1])
    return total / 1e9


def _stat_fields(pid):
    """The fields of ``/proc/<pid>/stat`` after the command name (which may hold spaces)."""
    text = _read(PROC / str(pid) / "stat")
    return text[text.rfind(")") + 2:].split() if ")" in text else []


class Meter:
    """Reads a sandbox's cumulative use; ``read()`` -> Usage since the meter was made.

    ``source`` says where the numbers come from, in words (``autograder doctor`` prints it);
    ``measures`` is False where nothing is measured (CPU then counts as wall time).
    """

    source = "nothing: every limit is a wall-clock limit"
    measures = False

    def __init__(self):
        self._start = time.monotonic()
        self._last = Usage()

    def read(self):
        wall = time.monotonic() - self._start
        cpu, stalled = self._totals(wall)
        # Counters of processes that just exited can dip for a moment: never run backwards.
        usage = Usage(wall, max(cpu, self._last.cpu), min(max(stalled, self._last.stalled), wall))
        self._last = usage
        return usage

    def _totals(self, wall):
        """(CPU seconds, stalled seconds) since the sandbox started."""
        return wall, 0.0


class CgroupV2Meter(Meter):
    """The sandbox's own cgroup v2 group: ``cpu.stat`` and the pressure files."""

    measures = True

    def __init__(self, folder):
        self.folder = Path(folder)
        self.source = f"cgroup v2: cpu.stat and the pressure (PSI) files of {self.folder.parent}/*"
        super().__init__()
        self._base = self._raw()

    def _raw(self):
        cpu = 0
        for line in _read(self.folder / "cpu.stat").splitlines():
            key, _, value = line.partition(" ")
            if key == "usage_usec" and value.strip().isdigit():
                cpu = int(value) / 1e6
        totals = [_pressure_total(_read(self.folder / name)) for name in PRESSURES]
        if any(total is None for total in totals):  # PSI switched off: the run delay instead
            stalled = run_delay(_read(self.folder / "cgroup.threads").split())
        else:
            stalled = sum(totals)
        return cpu, stalled

    def _totals(self, wall):
        cpu, stalled = self._raw()
        return cpu - self._base[0], stalled - self._base[1]


class CgroupV1Meter(Meter):
    """The sandbox's own cgroup v1 ``cpuacct`` group, and its tasks' run delay."""

    measures = True

    def __init__(self, folder):
        self.folder = Path(folder)
        self.source = (f"cgroup v1 cpuacct at {self.folder.parent}, and the scheduler's run "
                       f"delay of the sandbox's threads")
        super().__init__()

    def _totals(self, wall):
        usage = _read(self.folder / "cpuacct.usage").strip()
        cpu = int(usage) / 1e9 if usage.isdigit() else 0.0
        return cpu, run_delay(_read(self.folder / "tasks").split())


class ProcessTreeMeter(Meter):
    """The sandbox's processes as ``/proc`` shows them: every process below ``root`` (the
    sandbox's first process), its CPU time and that of the children it reaped."""

    measures = True
    source = ("/proc: the CPU time and run delay of the sandbox's processes (no cgroup of its "
              "own, so a process that leaves the sandbox's tree is not counted)")

    def __init__(self, root):
        self.root = root
        super().__init__()

    def _processes(self):
        children = {}
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                fields = _stat_fields(entry.name)
                if len(fields) > 14:
                    children.setdefault(int(fields[1]), []).append((int(entry.name), fields))
        found, todo = [], [self.root]
        own = _stat_fields(self.root)
        if own:
            found.append((self.root, own))
        while todo:
            for pid, fields in children.get(todo.pop(), []):
                found.append((pid, fields))
                todo.append(pid)
        return found

    def _totals(self, wall):
        processes = self._processes()
        # utime, stime, cutime, cstime: fields 14-17 of stat, 11-14 after the command name
        ticks = sum(sum(int(value) for value in fields[11:15]) for _, fields in processes)
        return ticks / TICK, run_delay(pid for pid, _ in processes)


def meter_for(process, groups=None):
    """The best meter of the sandbox whose first process is ``process`` (a Popen) and whose
    cgroups are ``groups`` (a ``cgroups.SandboxGroups``, or None)."""
    if groups is not None and groups.accounting is not None:
        folder, version = groups.accounting
        return CgroupV2Meter(folder) if version == 2 else CgroupV1Meter(folder)
    if (PROC / str(process.pid) / "stat").exists():
        return ProcessTreeMeter(process.pid)
    return Meter()


def describe(groups_support, is_security_boundary):
    """How this machine measures a sandbox's CPU time, in words, and whether it does."""
    accounting = groups_support.accounting if is_security_boundary else None
    if accounting is not None:
        folder, version = accounting
        return True, (f"cgroup v{version} at {folder}: the CPU time of all of a sandbox's "
                      f"processes" + (" and the time it was stalled (PSI)" if version == 2
                                      else ", stalls from the scheduler's run delay"))
    if (PROC / "self" / "stat").exists():
        return True, ProcessTreeMeter.source
    return False, Meter.source
