"""Cheating submissions earn nothing and damage nothing, through the real ``nbgrader autograde``.

Every attack of ``tests/attacks.py`` is one student of a real nbgrader course, graded together
with two honest students: ``ada_reference`` (the reference solution, full marks) and
``cleo_mistakes`` (typical mistakes, partial credit). The attacks that cost wall time (loops,
floods, dying kernels) are students of a second, identical course, graded at the same time, with
the students of ``autograder.tools.printing_submissions`` (the reference, printing far past the
output budget). Both courses set short limits for the assignment, and the honest work still earns its
marks under them.

After grading: every grade cell of every attack scores 0 in the gradebook (nbgrader gives full
credit to a grade cell without a numeric output, so outputs alone prove nothing), no file of the
course changed except nbgrader's own outputs, nothing appeared outside it, no process outlived
grading, and regrading the same submission gave the same feedback.

Set KEEP_ADVERSARIAL=1 to keep the graded courses (their folder is printed) for a look.
"""
import ctypes
import hashlib
import os
import re
import secrets
import shutil
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from attacks import ATTACK_RAN, ATTACKS, LEAKED, PROLOGUE, fill
from autograder.tools.example_class import mistakes_of, submissions
from autograder.nbgrader_cli import make_course, run_nbgrader
from autograder.tools.printing_submissions import OWN_CELL_AT, printing_submissions
from autograder.sandbox.isolation import detect
from autograder.sandbox.limits import GiB, MiB

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01_linear_regression"
NOTEBOOK = "linear_regression"
POINTS = {"grade_predict": 1, "grade_mse": 1, "grade_gradient_descent_step": 2,
          "grade_normalize": 1, "grade_train_linear_regression": 2,
          "grade_train_with_optimizer": 2}
HONEST = ("ada_reference", "cleo_mistakes")
# Short limits so that loops and floods cost seconds; the reference's slowest cell takes ~2 s.
LIMITS = {"cell_seconds": 15, "call_seconds": 5, "exercise_seconds": 20,
          "notebook_seconds": 300, "memory_bytes": 3 * GiB, "output_bytes": 1 * MiB}
LATE_WRITE_WAIT = 3  # seconds to wait for a background process to write after grading
PR_SET_CHILD_SUBREAPER = 36

ISOLATION = detect()
pytestmark = pytest.mark.skipif(
    ISOLATION.mode != "bubblewrap",
    reason=f"the attacks need the bubblewrap sandbox ({ISOLATION.reason}); the fallback is not "
           "a security boundary. `make setup` installs bubblewrap.")


# -- building the class ---------------------------------------------------------------------------

def attack_notebook(release, attack, course, token):
    """The release notebook with the attack's cells added (and its grade cells tampered with)."""
    notebook = nbformat.from_dict(release)
    first, last = ([nbformat.v4.new_code_cell(fill(code, attack, course, REPO, token))
                    for code in codes] for codes in ((PROLOGUE, *attack.first), attack.last))
    after_setup = 1 + next(index for index, cell in enumerate(notebook.cells)
                           if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    notebook.cells[after_setup:after_setup] = first
    notebook.cells += last
    if attack.tamper_grade_cells:
        for cell in notebook.cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            if nbgrader.get("grade"):
                cell.source = "print(2.0)\n2.0"
                nbgrader["points"] = 100
        notebook.cells = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {})
                          .get("grade_id") != "grade_train_with_optimizer"]
    return notebook


def submit(course, student, notebook=None, symlinks=None, notebook_symlink=""):
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    if notebook_symlink:
        os.symlink(notebook_symlink, folder / f"{NOTEBOOK}.ipynb")
    else:
        nbformat.write(notebook, folder / f"{NOTEBOOK}.ipynb")
    for name, target in (symlinks or {}).items():
        os.symlink(target, folder / name)


def build_class(course, attacks, run, verbose=False):
    """Submit the honest students (and those who print too much if ``verbose``) and ``attacks``
    into ``course``; returns {attack: token}."""
    source = nbformat.read(course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    honest = submissions(release, source, mistakes_of(ASSIGNMENT, source))
    for student in HONEST:
        submit(course, student, honest[student])
    if verbose:
        for student, notebook in printing_submissions(release, source).items():
            submit(course, student, notebook)
    tokens = {}
    for attack in attacks:
        tokens[attack.name] = token = f"dlbio-attack-{run}-{attack.name}"
        symlinks = {name: fill(target, attack, course, REPO, token)
                    for name, target in attack.symlinks.items()}
        notebook = None if attack.notebook_symlink else attack_notebook(release, attack, course,
                                                                        token)
        submit(course, attack.name, notebook, symlinks, attack.notebook_symlink)
    return tokens


# -- observing the damage -------------------------------------------------------------------------

NBGRADER_OUTPUTS = ("autograded", "feedback", ".autograde")
NBGRADER_FILES = re.compile(r"^(gradebook\.db.*|\.nbgrader\.log)$")


def course_state(course):
    """{relative path: content hash, link target or "dir"} of everything but nbgrader's outputs."""
    state = {}
    for root, dirs, files in os.walk(course):
        relative_root = Path(root).relative_to(course)
        if relative_root == Path("."):
            dirs[:] = [name for name in dirs if name not in NBGRADER_OUTPUTS]
        for name in dirs + files:
            path, relative = Path(root) / name, str(relative_root / name)
            if NBGRADER_FILES.match(relative):
                continue
            if path.is_symlink():
                state[relative] = "link -> " + os.readlink(path)
            elif path.is_dir():
                state[relative] = "dir"
            else:
                state[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def changed_paths(before, after):
    return sorted(path for path in before.keys() | after.keys()
                  if before.get(path) != after.get(path))


def _proc_text(pid, name):
    try:
        return (Path("/proc") / str(pid) / name).read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        return ""


def _status(pid):
    """(parent pid, state letter) of a live process, or None."""
    text = _proc_text(pid, "stat")
    if not text:
        return None
    fields = text.rsplit(")", 1)[-1].split()
    return int(fields[1]), fields[0]


def processes_marked_with(marker):
    """Pids of live processes whose command line or environment contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            status = _status(entry.name)
            if status and status[1] != "Z" and (marker in _proc_text(entry.name, "cmdline")
                                                or marker in _proc_text(entry.name, "environ")):
                found.append(int(entry.name))
    return found


def orphans_of_this_process():
    """Live processes reparented to this test process (a subreaper while grading ran):
    whatever the nbgrader runs started and did not end."""
    children = []
    for entry in Path("/proc").iterdir():
        status = _status(entry.name) if entry.name.isdigit() else None
        if status and status[0] == os.getpid() and status[1] != "Z":
            children.append(f"{entry.name}: {_proc_text(entry.name, 'cmdline')[:200]}")
    return children


def reap_and_end(pids):
    """End processes this test started (by pid) and reap the zombies left to it."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def set_subreaper(on):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)


def stray_files(token):
    """Files an attack named ``token`` managed to create outside the course folder."""
    return [str(path) for folder in (Path("/tmp"), Path.home(), REPO, REPO.parent)
            for path in folder.glob(f"{token}*")]


# -- grading -----------------------------------------------------------------------------------

@dataclass
class Course:
    folder: Path
    attacks: list
    tokens: dict = field(default_factory=dict)
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    seconds: float = 0.0
    log: str = ""

    def grades(self, student):
        """{grade cell id: score} of ``student`` from the gradebook nbgrader filled."""
        with Gradebook(f"sqlite:///{self.folder / 'gradebook.db'}") as gradebook:
            notebook = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
            return {grade.name: grade.score for grade in notebook.grades}

    def graded_notebook(self, student):
        return nbformat.read(self.folder / "autograded" / student / ASSIGNMENT /
                             f"{NOTEBOOK}.ipynb", as_version=4)


def outputs_text(notebook):
    """Everything the graded notebook shows: streams, results, errors."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
            parts += [output.get("ename", ""), output.get("evalue", "")]
    return "\n".join(parts)


def grade_cell_feedback(notebook):
    return {cell.metadata["nbgrader"]["grade_id"]: "".join(
                output.get("text", "") for output in cell.outputs)
            for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")}


@pytest.fixture(scope="module")
def graded():
    """Two courses (fast attacks, time-costly attacks), autograded at the same time."""
    run = secrets.token_hex(4)
    # Not pytest's tmp_path: other pytest sessions on this machine may rotate it away.
    root = Path(tempfile.mkdtemp(prefix="dlbio-adversarial-"))
    print(f"courses in {root}")
    try:
        yield grade_the_class(root, run)
    finally:
        if not os.environ.get("KEEP_ADVERSARIAL"):
            shutil.rmtree(root, ignore_errors=True)


def grade_the_class(root, run):
    template = make_course(root / "template", [ASSIGNMENT])
    with open(template / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.SandboxedGrading.assignment_limits = {{{ASSIGNMENT!r}: {LIMITS!r}}}\n")
    courses = {}
    for name, attacks in (("main", [a for a in ATTACKS if not a.slow]),
                          ("slow", [a for a in ATTACKS if a.slow])):
        folder = root / name
        shutil.copytree(template, folder, symlinks=True)
        courses[name] = Course(folder, attacks)
        courses[name].tokens = build_class(folder, attacks, run, verbose=name == "slow")
        courses[name].before = course_state(folder)

    def autograde(course):
        started = time.monotonic()
        course.log = run_nbgrader(course.folder, "autograde", ASSIGNMENT).stderr
        course.seconds = time.monotonic() - started
        print(f"{course.folder.name}: {len(course.tokens)} attacks and the honest students "
              f"autograded in {course.seconds:.0f} s")

    set_subreaper(True)
    try:
        with ThreadPoolExecutor(len(courses)) as pool:
            list(pool.map(autograde, courses.values()))
        left_at_once = orphans_of_this_process()
        time.sleep(LATE_WRITE_WAIT)
        left_later = orphans_of_this_process()
    finally:
        set_subreaper(False)
    marked = {name: processes_marked_with(token) for course in courses.values()
              for name, token in course.tokens.items()}
    for course in courses.values():
        course.after = course_state(course.folder)
    stray = {name: stray_files(token) for course in courses.values()
             for name, token in course.tokens.items()}
    reap_and_end([int(line.split(":")[0]) for line in left_later]
                 + [pid for pids in marked.values() for pid in pids])
    for paths in stray.values():
        for path in paths:
            Path(path).unlink(missing_ok=True)
    return {"courses": courses, "orphans": left_at_once + left_later, "marked": marked,
            "stray": stray}


def course_of(graded, attack):
    return graded["courses"]["slow" if attack.slow else "main"]


# -- the tests -----------------------------------------------------------------------------------

@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.name for attack in ATTACKS])
def test_attack_earns_nothing_and_damages_nothing(graded, attack):
    course = course_of(graded, attack)
    grades = course.grades(attack.name)
    assert set(POINTS) <= set(grades), f"grade cells missing from the gradebook: {grades}"
    earned = {cell: score for cell, score in grades.items() if score}
    assert not earned, f"{attack.name} ({attack.category}) earned points: {earned}"

    shown = outputs_text(course.graded_notebook(attack.name))
    if not attack.notebook_symlink:
        assert f"{ATTACK_RAN} {attack.name}" in shown, "the attack's cells did not run"
    leaks = [line for line in shown.splitlines() if line.startswith(LEAKED)]
    assert not leaks, f"{attack.name} reached what it must not: {leaks[:3]}"
    for phrase in attack.feedback:
        assert phrase in shown, f"the graded notebook does not say {phrase!r}"

    assert not changed_paths(course.before, course.after), "files of the course changed"
    assert not graded["stray"][attack.name], "files written outside the course"
    assert not graded["marked"][attack.name], "processes of the attack outlived grading"


def test_no_process_outlives_grading(graded):
    assert not graded["orphans"], "processes left behind by grading:\n" + "\n".join(
        graded["orphans"])


def test_reference_earns_full_marks_under_the_same_limits(graded):
    for course in graded["courses"].values():
        assert course.grades("ada_reference") == POINTS


def test_printing_far_past_the_output_budget_costs_no_point(graded):
    course = graded["courses"]["slow"]
    for student in ("dan_prints_before_solving", "eve_prints_300_mb", "fay_prints_in_every_call"):
        assert course.grades(student) == POINTS, student
        assert "GradingLimit" not in outputs_text(course.graded_notebook(student)), student


def test_a_cut_output_says_so_in_its_cell_the_feedback_and_the_grading_log(graded):
    course = graded["courses"]["slow"]
    note = "printed 286.1 MiB of output: only the first 256 KiB was kept, the rest was cut"
    for student in ("dan_prints_before_solving", "eve_prints_300_mb"):
        assert note in outputs_text(course.graded_notebook(student)), student
    assert len(re.findall(r"cell \d+ printed 286\.1 MiB of output: .* was cut", course.log)) == 2
    run_nbgrader(course.folder, "generate_feedback", ASSIGNMENT, "--student",
                 "dan_prints_before_solving")
    assert note in (course.folder / "feedback" / "dan_prints_before_solving" / ASSIGNMENT /
                    f"{NOTEBOOK}.html").read_text()


def test_only_a_share_of_300_mb_printed_reaches_the_trusted_side(graded):
    """What a cell prints past its share is dropped in the sandbox: the trusted side keeps all it
    reads (no kill here), so the cell's outputs are all that crossed over."""
    notebook = graded["courses"]["slow"].graded_notebook("eve_prints_300_mb")
    shown = sum(len(output.get("text", "")) for output in notebook.cells[OWN_CELL_AT].outputs)
    assert LIMITS["output_bytes"] // 4 <= shown <= LIMITS["output_bytes"] // 4 + 200


def test_a_raw_output_flood_costs_only_its_own_cell(graded):
    course = graded["courses"]["slow"]
    assert course.grades("gus_floods_raw_output") == POINTS
    flood = course.graded_notebook("gus_floods_raw_output").cells[OWN_CELL_AT]
    assert [output.output_type for output in flood.outputs][-1] == "error"
    assert "KiB of output" in flood.outputs[-1].evalue


def test_regrading_gives_identical_scores_and_feedback(graded):
    """The same submissions, graded by two autograde runs, get the same scores and feedback."""
    main, slow = graded["courses"]["main"], graded["courses"]["slow"]
    for student in HONEST:
        assert main.grades(student) == slow.grades(student)
        assert (grade_cell_feedback(main.graded_notebook(student))
                == grade_cell_feedback(slow.graded_notebook(student)))
    assert 0 < sum(main.grades("cleo_mistakes").values()) < sum(POINTS.values())

