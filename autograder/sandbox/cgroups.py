"""Each sandbox's own bounded share of the machine: one cgroup per sandbox.

Gradings that run at the same time must not take from each other. Where the kernel's cgroup
controllers are there and writable (cgroup v1 hierarchies, or cgroup v2 where it is the only
one), every sandbox gets its own group under ``dlbio/``:

- ``memory``: all its processes together, including what they write into the in-memory home
  and /tmp, hold at most ``Limits.sandbox_memory_bytes`` (no swap);
- ``pids``: at most ``Limits.processes`` processes and threads (plus bubblewrap's own two);
- ``cpu``: the group counts as one task when the CPU is shared, however many it starts;
- accounting: a group whose counters say how much CPU time all its processes used, and (cgroup
  v2) how long they were stalled (``usage.py`` reads them; the time limits count them). Every
  cgroup v2 group has those counters, so where a cgroup v2 hierarchy is mounted (also beside v1
  controllers) the sandbox gets a group there; else the v1 ``cpuacct`` controller's.

A watcher reads the group's counters while the sandbox runs: the first out-of-memory kill or
refused fork kills the whole sandbox (its PID namespace takes every process with it), so a
memory hog or fork bomb stops at once instead of starving a classmate's grading, and the
grader can say which bound was hit.
"""
import functools
import itertools
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .limits import GiB

PARENT = "dlbio"
CONTROLLERS = ("memory", "pids", "cpu")
BWRAP_PROCESSES = 2  # bubblewrap's monitor and the PID namespace's init
WATCH_SECONDS = 0.2
_names = itertools.count(1)


@dataclass
class Support:
    """Where each controller's sandbox groups go (``bases``: name -> folder, ``versions``:
    name -> 1 or 2), for each missing controller why (``missing``: name -> reason), and where
    the accounting groups go (``accounting``: (folder, version), or None: ``missing`` says why
    under "accounting")."""

    bases: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    accounting: tuple = None


def _mounts():
    """[(mount point, fstype, options)] of the cgroup file systems."""
    found = []
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split()
        if len(parts) >= 4 and parts[2] in ("cgroup", "cgroup2"):
            found.append((Path(parts[1]), parts[2], set(parts[3].split(","))))
    return found


def _make_parent(folder):
    """Create ``folder`` (the ``dlbio`` group) where this user may make groups in it; returns
    None, or why it cannot (it may exist already, made by root, and be closed to this user)."""
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        return f"cannot create {folder} ({error.strerror})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (f"{folder} is not writable by this user (only root, or a delegated cgroup, can "
                f"give each sandbox a group of its own)")
    return None


def _enable_v2(mount, controller):
    """Let ``mount``/dlbio's children use ``controller``; returns None, or why not."""
    try:
        for group in (mount, mount / PARENT):
            enabled = (group / "cgroup.subtree_control").read_text().split()
            if controller not in enabled:
                (group / "cgroup.subtree_control").write_text(f"+{controller}")
    except OSError as error:
        return f"cannot enable it in {mount} ({error.strerror})"
    return None


@functools.lru_cache(maxsize=1)
def detect():
    """Probe once which controllers this process can give each sandbox (needs root, or a
    delegated cgroup v2 subtree) and sweep groups that crashed graders left behind."""
    support = Support()
    mounts = _mounts()
    for controller in CONTROLLERS:
        v1 = [mount for mount, kind, options in mounts if kind == "cgroup" and controller in options]
        v2 = [mount for mount, kind, _ in mounts if kind == "cgroup2"
              and controller in _read(mount / "cgroup.controllers").split()]
        if v1:
            base, version, problem = v1[0] / PARENT, 1, _make_parent(v1[0] / PARENT)
        elif v2:
            base, version, problem = v2[0] / PARENT, 2, _make_parent(v2[0] / PARENT)
            problem = problem or _enable_v2(v2[0], controller)
        else:
            support.missing[controller] = "the kernel offers no such cgroup controller here"
            continue
        if problem:
            support.missing[controller] = problem
            continue
        support.bases[controller] = base
        support.versions[controller] = version
        _sweep(base)
    _detect_accounting(support, mounts)
    return support


def _detect_accounting(support, mounts):
    """Set ``support.accounting``: a cgroup v2 hierarchy (every group has ``cpu.stat`` and the
    pressure files), else the v1 ``cpuacct`` controller; or say why there is none."""
    v2 = [mount for mount, kind, _ in mounts if kind == "cgroup2"]
    v1 = [mount for mount, kind, options in mounts if kind == "cgroup" and "cpuacct" in options]
    problems = []
    for mount, version in [(mount, 2) for mount in v2] + [(mount, 1) for mount in v1]:
        problem = _make_parent(mount / PARENT)
        if problem is None:
            support.accounting = (mount / PARENT, version)
            _sweep(mount / PARENT)
            return
        problems.append(problem)
    support.missing["accounting"] = "; ".join(problems) or \
        "the kernel offers neither cgroup v2 nor the v1 cpuacct controller here"


def _read(path):
    try:
        return path.read_text()
    except OSError:
        return ""


def _sweep(base):
    """Remove sandbox groups of graders that are gone (a group is named after its grader)."""
    for group in base.glob("sandbox-*"):
        try:
            os.kill(int(group.name.split("-")[1]), 0)
        except ProcessLookupError:
            try:
                group.rmdir()
            except OSError:
                pass
        except (ValueError, IndexError, PermissionError):
            continue


def _counter(text, name):
    """The value of ``name`` in a "key value" counter file's text (0 if absent)."""
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == name and value.strip().isdigit():
            return int(value)
    return 0


class SandboxGroups:
    """The cgroups of one sandbox: created with its limits, joined by the sandbox's first
    process (``join``, in the child before it execs), watched while it runs, removed after."""

    def __init__(self, limits, support=None):
        self.limits = limits
        self.support = support or detect()
        self.folders = {}  # controller -> its group (one folder for all of them in cgroup v2)
        self.accounting = None  # (folder, version) of the group whose CPU time is counted
        self.exceeded = ""  # which bound the sandbox hit, as a message; "" while none
        self._stop = threading.Event()
        self._watcher = None
        name = f"sandbox-{os.getpid()}-{next(_names)}"
        made = set()
        for controller, base in self.support.bases.items():
            try:
                self._make(base / name, made)
                self._configure(controller, base / name)
            except OSError:
                continue
            self.folders[controller] = base / name
        if self.support.accounting is not None:
            base, version = self.support.accounting
            try:
                self._make(base / name, made)
                self.accounting = (base / name, version)
            except OSError:
                pass
        for folder in made - set(self._groups()):  # made for a controller that then failed
            self._remove(folder)
        self._baseline = self._counts()

    @staticmethod
    def _make(folder, made):
        """Create ``folder`` once (in cgroup v2 every controller shares it)."""
        if folder not in made:
            folder.mkdir()
            made.add(folder)

    def _groups(self):
        """Every distinct folder the sandbox joins."""
        folders = list(dict.fromkeys(self.folders.values()))
        if self.accounting is not None and self.accounting[0] not in folders:
            folders.append(self.accounting[0])
        return folders

    def _configure(self, controller, folder):
        version = self.support.versions[controller]
        if controller == "memory":
            memory = str(self.limits.sandbox_memory_bytes)
            if version == 1:
                (folder / "memory.limit_in_bytes").write_text(memory)
                if (folder / "memory.memsw.limit_in_bytes").exists():
                    (folder / "memory.memsw.limit_in_bytes").write_text(memory)
            else:
                (folder / "memory.max").write_text(memory)
                for setting, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
                    if (folder / setting).exists():
                        (folder / setting).write_text(value)
        elif controller == "pids":
            (folder / "pids.max").write_text(str(self.limits.processes + BWRAP_PROCESSES))

    def join(self):
        """Move the calling process into every group (its children follow)."""
        for folder in self._groups():
            (folder / "cgroup.procs").write_text(str(os.getpid()))

    def _counts(self):
        """(out-of-memory kills, refused forks) so far."""
        kills = refusals = 0
        if "memory" in self.folders:
            events = ("memory.oom_control" if self.support.versions["memory"] == 1
                      else "memory.events")
            kills = _counter(_read(self.folders["memory"] / events), "oom_kill")
        if "pids" in self.folders:
            refusals = _counter(_read(self.folders["pids"] / "pids.events"), "max")
        return kills, refusals

    def check(self):
        """Read the counters; returns the bound hit so far as a message ("" if none)."""
        if not self.exceeded and self.folders:
            kills, refusals = self._counts()
            if kills > self._baseline[0]:
                self.exceeded = (f"its processes together used more than the sandbox's "
                                 f"{self.limits.sandbox_memory_bytes / GiB:g} GiB of memory "
                                 f"(the sandbox memory limit)")
            elif refusals > self._baseline[1]:
                self.exceeded = (f"it tried to run more than {self.limits.processes} processes "
                                 f"and threads at once (the sandbox process limit)")
        return self.exceeded

    def watch(self, process):
        """Kill ``process`` (the sandbox) as soon as it hits a bound."""
        def run():
            while not self._stop.wait(WATCH_SECONDS) and process.poll() is None:
                if self.check():
                    try:
                        os.kill(process.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    return

        if self.folders:
            self._watcher = threading.Thread(target=run, name="sandbox bounds", daemon=True)
            self._watcher.start()

    def peak_memory(self):
        """The most memory the sandbox held at once, in bytes (None where unknown)."""
        if "memory" not in self.folders:
            return None
        name = ("memory.max_usage_in_bytes" if self.support.versions["memory"] == 1
                else "memory.peak")
        value = _read(self.folders["memory"] / name).strip()
        return int(value) if value.isdigit() else None

    def close(self):
        """Stop watching and remove the groups (the sandbox must be dead)."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        for folder in self._groups():
            self._remove(folder)
        self.folders, self.accounting = {}, None

    @staticmethod
    def _remove(folder):
        """rmdir a group; its last processes may take a moment to leave it."""
        for _ in range(50):
            try:
                folder.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                threading.Event().wait(0.02)
