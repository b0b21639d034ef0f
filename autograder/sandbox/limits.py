"""Resource limits for one student notebook, with the defaults the reference notebooks fit in."""
from dataclasses import dataclass, fields, replace

GiB = 1024**3
MiB = 1024**2


@dataclass(frozen=True)
class Limits:
    """What one student notebook may use while it is graded.

    Wall-clock limits are enforced by the trusted side (it kills the sandbox); the others are
    kernel rlimits, so they hold for every process the student's code starts, and, where the
    machine offers cgroups, bounds of the whole sandbox (``autograder.sandbox.cgroups``).
    """

    cell_seconds: float = 120.0  # wall time for one notebook cell
    cell_seconds_by_id: tuple = ()  # ((grade_id, seconds), ...): cells with a limit of their own
    notebook_seconds: float = 900.0  # wall time for all cells of the notebook together
    call_seconds: float = 30.0  # wall time for one call that a grader makes into student code
    exercise_seconds: float = 120.0  # wall time for all calls of one exercise together
    cpu_seconds: int = 1200  # CPU time of each sandboxed process (RLIMIT_CPU)
    memory_bytes: int = 4 * GiB  # address space of each sandboxed process (RLIMIT_AS)
    sandbox_memory_bytes: int = 4 * GiB  # all its processes and in-memory files (cgroup)
    processes: int = 128  # processes and threads of the sandbox (cgroup, and RLIMIT_NPROC of
    # its own user)
    file_bytes: int = 64 * MiB  # largest file the student's code may write (RLIMIT_FSIZE)
    tmp_bytes: int = 256 * MiB  # size of the private /tmp (in memory, outside RLIMIT_AS)
    home_bytes: int = 256 * MiB  # room for new files in the private home (in memory), on top
    # of the submission's own files
    output_bytes: int = 4 * MiB  # text and images printed or displayed (a restart resets it)

    def with_overrides(self, overrides):
        """A copy with ``overrides`` (a dict of field name to value) applied; unknown names fail."""
        known = {field.name for field in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown limit(s) {unknown}; known limits are {sorted(known)}")
        if "cell_seconds_by_id" in overrides:
            pairs = overrides["cell_seconds_by_id"]
            pairs = pairs.items() if isinstance(pairs, dict) else pairs
            overrides = {**overrides, "cell_seconds_by_id": tuple(
                (str(grade_id), float(seconds)) for grade_id, seconds in pairs)}
        return replace(self, **overrides)

    def seconds_for_cell(self, cell):
        """The wall-time limit of notebook ``cell``: its own (by nbgrader grade_id), if it has
        one, else ``cell_seconds``."""
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        return dict(self.cell_seconds_by_id).get(grade_id, self.cell_seconds)
