"""Which submissions of an assignment are graded, and from what: a checksum per submission.

The ledger lives in the course folder at ``.autograde/<assignment>.json`` (outside nbgrader's
folders, so feedback and exports never copy it). An entry is written only after nbgrader has
saved the submission's grades and written its graded notebooks, so a run killed at any point
leaves entries only for submissions that are completely graded.
"""
import hashlib
import json
import os
from pathlib import Path

LEDGER_DIR = ".autograde"


def submission_checksum(folder):
    """SHA-256 over the names and contents of every file under ``folder`` (a symbolic link
    counts by its target's name, never followed)."""
    digest = hashlib.sha256()
    folder = Path(folder)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digest.update(f"link {relative} -> {os.readlink(path)}\0".encode())
        elif path.is_file():
            digest.update(f"file {relative}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Ledger:
    """{student: {"checksum", "points", "points_possible", "seconds"}} of one assignment."""

    def __init__(self, course, assignment):
        self.path = Path(course) / LEDGER_DIR / f"{assignment}.json"
        try:
            self.entries = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            self.entries = {}

    def is_current(self, student, checksum):
        return self.entries.get(student, {}).get("checksum") == checksum

    def forget(self, student):
        if self.entries.pop(student, None) is not None:
            self._save()

    def record(self, student, checksum, **figures):
        self.entries[student] = {"checksum": checksum, **figures}
        self._save()

    def _save(self):
        """Write the whole ledger to a new file and rename it into place (atomic)."""
        self.path.parent.mkdir(exist_ok=True)
        partial = self.path.with_suffix(".json.partial")
        partial.write_text(json.dumps(self.entries, indent=1, sort_keys=True))
        os.replace(partial, self.path)
