"""Resource limits for one student notebook, with the defaults the reference notebooks fit in."""
from dataclasses import dataclass, fields, replace

GiB = 1024**3
MiB = 1024**2


@dataclass(frozen=True)
class Limits:
    """What one student notebook may use while it is graded.

    Time limits are budgets of CPU time: the CPU that all the sandbox's processes use, which a
    busy machine does not change (``usage.py``). Each also allows ``wait_factor`` times as much
    wall time that the machine gave the sandbox, for code that blocks without computing (a
    ``time.sleep``, an ``input()``); time the machine kept the sandbox waiting never counts.
    The trusted side enforces them (it kills the sandbox). The others are kernel rlimits, so
    they hold for every process the student's code starts, and, where the machine offers
    cgroups, bounds of the whole sandbox (``autograder.sandbox.cgroups``).
    """

    cell_seconds: float = 120.0  # CPU time of one notebook cell
    cell_seconds_by_id: tuple = ()  # ((grade_id, seconds), ...): cells with a limit of their own
    notebook_seconds: float = 900.0  # CPU time of all cells of the notebook together
    call_seconds: float = 30.0  # CPU time of one call that a grader makes into student code
    exercise_seconds: float = 120.0  # CPU time of all calls of one exercise together
    wait_factor: float = 2.0  # wall time given to the sandbox, as a multiple of a CPU limit
    reference_seconds: tuple = ()  # (("cell:<grade_id>" | "call:<exercise>", seconds), ...):
    # what the reference needs, for feedback ("the reference needs 0.01 s")
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
        for name in ("cell_seconds_by_id", "reference_seconds"):
            if name in overrides:
                pairs = overrides[name]
                pairs = pairs.items() if isinstance(pairs, dict) else pairs
                overrides = {**overrides, name: tuple(
                    (str(key), float(seconds)) for key, seconds in pairs)}
        return replace(self, **overrides)

    def seconds_for_cell(self, cell):
        """The CPU-time limit of notebook ``cell``: its own (by nbgrader grade_id), if it has
        one, else ``cell_seconds``."""
        return dict(self.cell_seconds_by_id).get(grade_id_of(cell), self.cell_seconds)

    def reference_needs(self, key):
        """The CPU seconds the reference needs for ``key`` ("cell:<grade_id>",
        "call:<exercise>"), or None where it is not known."""
        return dict(self.reference_seconds).get(key)


def grade_id_of(cell):
    """The nbgrader grade_id of a notebook cell, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
