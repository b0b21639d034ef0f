"""How a sandboxed kernel is started: bubblewrap where it works, a weaker fallback elsewhere.

bubblewrap gives the kernel a read-only system, a private home and /tmp (both in memory, each
of a bounded size), no network, and its own PID namespace (every process it starts dies with
it). The course folder, ``source/``, ``solutions/`` and the graders are simply not mounted.
Resource limits are rlimits set before the kernel starts, under an unprivileged user of its
own when we run as root (so that gradings running at once do not share a process limit), and,
where the machine offers them, cgroups of the whole sandbox (``cgroups.py``).
"""
import fcntl
import functools
import importlib.util
import os
import pwd
import resource
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

# Unprivileged users with no account and no file on the host, one per sandbox running at once:
# rlimits on processes only hold for an unprivileged user, and count all of that user's tasks.
SANDBOX_UIDS = range(0x70000000, 0x70000000 + 4096)
UID_LOCKS = Path("/run/dlbio-sandbox-uids")
HOME = "/home/student"
HARNESS = "/opt/dlbio"
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")
TRUSTED_PACKAGES = ("solutions", "autograder")


@dataclass(frozen=True)
class Isolation:
    """The isolation this machine supports: ``mode`` is "bubblewrap" or "fallback"."""

    mode: str
    reason: str

    @property
    def is_security_boundary(self):
        return self.mode == "bubblewrap"


@functools.lru_cache(maxsize=1)
def detect():
    """Probe once whether bubblewrap can start a sandbox here, and say why if not."""
    if os.environ.get("DLBIO_SANDBOX") == "fallback":
        return Isolation("fallback", "DLBIO_SANDBOX=fallback is set")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Isolation("fallback", "bubblewrap (bwrap) is not installed")
    probe = [bwrap, *_namespace_args(), "--ro-bind", "/", "/", "--proc", "/proc",
             "--dev", "/dev", "--", "true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Isolation("fallback", f"bwrap could not start: {error}")
    if result.returncode != 0:
        return Isolation("fallback", f"bwrap cannot create namespaces here: "
                                     f"{result.stderr.strip() or result.returncode}")
    who = ("PID and network namespaces; student code runs as an unprivileged user of its own"
           if os.geteuid() == 0
           else f"user, PID and network namespaces; student code runs as this user, "
                f"{_user_name()}, not root")
    return Isolation("bubblewrap", f"{bwrap} works ({who})")


def _user_name():
    """The login name of the user grading (its uid where it has none)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def _namespace_args():
    user = [] if os.geteuid() == 0 else ["--unshare-user"]
    return [*user, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session"]


def python_prefixes_of_this_interpreter():
    """The folders the kernel's Python needs (venv, base installation), mounted read-only."""
    return {sys.base_prefix, sys.prefix,
            os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}


def trusted_package_dirs(prefixes):
    """Folders of ``solutions`` and ``autograder`` inside ``prefixes`` (as a non-editable
    ``pip install`` puts them in site-packages); the sandbox sees them empty."""
    folders = []
    for name in TRUSTED_PACKAGES:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            if any(Path(folder).is_relative_to(prefix) for prefix in prefixes):
                folders.append(folder)
    return sorted(folders)


class UidLease:
    """A sandbox user of its own for one sandbox (as root), held until ``release``.

    Leases are locks on files in a root-only folder, so gradings in different processes (two
    ``nbgrader autograde`` at once, class-grading workers) never share a user; a crashed
    grader's locks go with it. Not root: the grader's own user (nothing else can be had).
    """

    def __init__(self):
        self._lock = None
        if os.geteuid() != 0:
            self.uid = os.geteuid()
            return
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        for uid in SANDBOX_UIDS:
            lock = open(UID_LOCKS / f"{uid}.lock", "a")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()
                continue
            if not _processes_of(uid):  # a sandbox of an older kit, or a crashed grader's
                self._lock, self.uid = lock, uid
                return
            lock.close()
        raise RuntimeError(f"all {len(SANDBOX_UIDS)} sandbox users are in use")

    def release(self):
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def kernel_command(isolation, harness_dir, workspace, runtime_dir, socket_dir, connection_file,
                   limits, uid):
    """The argv that starts an ipykernel for student code.

    harness_dir: holds ``dlbio_inside.py`` and ``lib/`` (the student-visible course data layer);
    workspace: the files the private home starts with (the home itself lives in memory, of
    their size plus ``limits.home_bytes``, and they arrive through ``send_home``; in the
    fallback, the home itself); runtime_dir:
    connection file and IPC sockets, mounted at the same path inside so both sides can name the
    sockets alike; socket_dir: where the grader listens for the grading session, mounted
    read-only at the same path; limits: ``Limits`` (sizes of the home and /tmp); uid: the
    sandbox user (as root).
    """
    python = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file),
              "--HistoryManager.hist_file=:memory:"]
    if isolation.mode != "bubblewrap":
        return python
    mounts = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            mounts += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            mounts += ["--ro-bind", path, path]
    mounts += ["--proc", "/proc", "--dev", "/dev",
               "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    home_bytes = limits.home_bytes + _size_of(workspace)
    python_prefixes = python_prefixes_of_this_interpreter()
    binds = [("--ro-bind", prefix, prefix) for prefix in sorted(python_prefixes)]
    binds += [("--tmpfs", None, folder) for folder in trusted_package_dirs(python_prefixes)]
    binds += [(["--perms", "0777", "--size", str(home_bytes), "--tmpfs"], None, HOME),
              ("--ro-bind", str(harness_dir), HARNESS),
              ("--bind", str(runtime_dir), str(runtime_dir)),
              ("--ro-bind", str(socket_dir), str(socket_dir))]
    for option, source, destination in binds:
        # bwrap makes missing parents 0700, like the host's /root: make them traversable.
        for parent in reversed(Path(destination).parents[:-1]):
            if str(parent) != "/tmp":
                mounts += ["--perms", "0755", "--dir", str(parent)]
        mounts += [*([option] if isinstance(option, str) else option),
                   *([source] if source else []), destination]
    mounts += ["--chdir", HOME]
    drop_user = []
    if os.geteuid() == 0:
        drop_user = [shutil.which("setpriv") or "/usr/bin/setpriv",
                     f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    # The home's first files arrive as a tar stream on stdin (``send_home``): no folder of
    # the host is mounted for them, so none is left for student code to find.
    seed_home = ["/bin/sh", "-c", f'tar -x -f - -C {HOME} && exec "$0" "$@" < /dev/null']
    return [shutil.which("bwrap"), *_namespace_args(), *mounts, "--", *drop_user, *seed_home,
            *python]


def send_home(isolation, process, workspace):
    """Write ``workspace`` as a tar stream to the starting sandbox ``process``'s stdin (it
    unpacks it into its home), then close the stream. Nothing to send in the fallback."""
    if isolation.mode != "bubblewrap":
        return
    try:
        with tarfile.open(fileobj=process.stdin, mode="w|") as stream:
            for path in sorted(Path(workspace).iterdir()):
                stream.add(path, arcname=path.name)
        process.stdin.close()
    except (BrokenPipeError, OSError):  # the sandbox died first: its start reports why
        pass


def _size_of(folder):
    """Bytes of the regular files under ``folder``."""
    return sum(path.stat().st_size for path in Path(folder).rglob("*")
               if path.is_file() and not path.is_symlink())


# One compute thread per sandbox: its CPU time then counts its work alike on an idle and on a
# busy machine (idle worker threads of a larger pool spin, more so when the CPU is shared), and
# N gradings at once use N cores. Student code may ask for more; its CPU time counts them all.
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                     "OPENBLAS_NUM_THREADS")}


def kernel_environment(isolation, harness_dir, workspace):
    """A scrubbed environment: nothing of the grader's own environment leaks into the kernel."""
    home = HOME if isolation.mode == "bubblewrap" else str(workspace)
    harness = HARNESS if isolation.mode == "bubblewrap" else str(harness_dir)
    return {
        **ONE_THREAD,
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONPATH": f"{harness}/lib",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "DLBIO_HARNESS": harness,
    }


def prepare_private_dir(path, uid):
    """Let the sandbox user ``uid`` own a folder it must read or write (workspace, runtime
    sockets)."""
    if os.geteuid() == 0:
        for root, dirs, files in os.walk(path):
            for name in [root, *(os.path.join(root, entry) for entry in dirs + files)]:
                os.lchown(name, uid, uid)
    else:
        os.chmod(path, 0o700)


def _processes_of(uid):
    """Threads count against RLIMIT_NPROC, so count every task of ``uid``."""
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields_by_name = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields_by_name.get("Uid", "").split()[:1] == [str(uid)]:
            count += int(fields_by_name.get("Threads", "1"))
    return count


def rlimit_setter(limits, uid, groups=None):
    """A ``preexec_fn`` that puts the kernel into its cgroups (``groups``, a ``SandboxGroups``)
    and applies ``limits`` to it (and so to all its children); uid: the sandbox user."""
    processes = limits.processes + _processes_of(uid)
    if groups is not None and "pids" in groups.folders:
        processes += 8  # the cgroup's process limit is met first, so the bound is named

    def apply():
        if groups is not None:
            groups.join()
        for name, value in ((resource.RLIMIT_AS, limits.memory_bytes),
                            (resource.RLIMIT_CPU, limits.cpu_seconds),
                            (resource.RLIMIT_FSIZE, limits.file_bytes),
                            (resource.RLIMIT_NPROC, processes),
                            (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(name, (value, value))

    return apply


def seal_runtime_dir(path):
    """Once the kernel has bound its sockets: the sandbox user may no longer create files in
    the runtime folder (it is on the host's disk), nor write to the connection file."""
    if os.geteuid() == 0:
        for name in [path, *path.glob("*.json")]:
            os.lchown(name, 0, 0)
            os.chmod(name, 0o755 if name == path else 0o644)


def bounds(isolation):
    """[(bound, holds, why)]: what keeps gradings that share this machine apart."""
    from . import cgroups

    boundary = isolation.is_security_boundary
    root = os.geteuid() == 0
    found = [("a user of its own per sandbox", root and boundary,
              f"running as root: users {SANDBOX_UIDS.start}-{SANDBOX_UIDS.stop - 1}, one per "
              f"sandbox running at once" if root and boundary else
              "every sandbox runs as this user (not root, or the fallback), and gradings at "
              "once share its process limit (RLIMIT_NPROC)"),
             ("home and /tmp in memory, of bounded size", boundary,
              "bubblewrap mounts both as size-limited tmpfs" if boundary else
              "the fallback's home is a folder on this disk, limited per file only"),
             ("all it writes stays in memory", root and boundary,
              "the folder of the kernel's sockets is closed to the sandbox user once the kernel "
              "has started" if root and boundary else
              "the folder of the kernel's sockets (under /tmp) stays writable: student code runs "
              "as its owner, this user; each file within the file-size limit, all removed after "
              "grading" if boundary else "the fallback's home is a folder on this disk")]
    support = cgroups.detect()
    for controller, bound in (("memory", "memory of the whole sandbox"),
                              ("pids", "processes and threads of the whole sandbox"),
                              ("cpu", "a fair CPU share per sandbox")):
        base = support.bases.get(controller)
        if not boundary:
            found.append((bound, False, "cgroups are used only with bubblewrap"))
        elif base is None:
            found.append((bound, False, f"no cgroup: {support.missing[controller]}"))
        else:
            found.append((bound, True, f"cgroup v{support.versions[controller]} "
                                       f"{controller} controller at {base}"))
    return found


def weaker_bounds_note(isolation):
    """One line for the grading log that names the bounds of ``bounds`` bubblewrap grades
    without here, e.g. as a user who is not root ("" when all hold; the fallback has a note
    of its own, ``pipeline.FALLBACK_NOTE``)."""
    if not isolation.is_security_boundary:
        return ""
    missing = [bound for bound, holds, _ in bounds(isolation) if not holds]
    if not missing:
        return ""
    who = "as root" if os.geteuid() == 0 else f"as {_user_name()}, not root"
    return (f"sandbox: bubblewrap {who}; these bounds do not hold here: {'; '.join(missing)} "
            f"(`autograder doctor` says why). Grade one submission at a time, on a machine with "
            f"disk to spare")


def time_limits(isolation):
    """(True, how) where a sandbox's CPU time and stalls are measured here, else (False,
    why not): what the time limits count (``usage.py``)."""
    from . import cgroups, usage

    return usage.describe(cgroups.detect(), isolation.is_security_boundary)
