"""A class in the course's JupyterHub (``make hub``), in headless Chromium on 127.0.0.1.

The instructor logs in and releases 01 and the CNN quiz in formgrader; two students log in and
fetch them in JupyterLab's Assignments tab: one hands in the reference solutions, the other the
untouched stubs; both click Validate (the stub is told which exercises are not done) and Submit.
The instructor collects, clicks Autograde for every submission (formgrader's grading runs as the
instructor, not root), sees 9 / 9 and 0 / 9, grades an open quiz answer by hand, generates and
releases feedback; the students fetch it and read their scores and the graders' hints. Every
nbgrader step is a click; the browser must log no error. formgrader's scores and feedback are
then compared with command-line ``nbgrader autograde`` (as root) on the same submissions.
The screenshots linked from the README are taken on the way.
"""
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.deploy.jupyterhub import accounts
from autograder.deploy.jupyterhub.deployment import MATHJAX, PROXY, Deployment
from autograder.nbgrader_cli import REPO, make_course, run_nbgrader
from browser import CHROMIUM, CHROMIUM_FLAGS, NEEDS_CHROMIUM, free_port
from student_home import filled

INSTRUCTOR = "dlbt-teacher"
REFERENCE, STUB = "dlbt-ada", "dlbt-ben"  # who hands in the solutions, who the stubs
NAMES = {REFERENCE: ("Ada", "Lovelace"), STUB: ("Ben", "Barres")}  # (first, last)
ASSIGNMENT, NOTEBOOK = "01_linear_regression", "linear_regression"
EXERCISES = ("predict", "mse", "gradient_descent_step", "normalize", "train_linear_regression",
             "train_with_optimizer")
QUIZ, OPEN_QUESTION, OPEN_POINTS = "quiz_cnn", "open_cnn_number_of_filters", 2
SCREENSHOTS = REPO / "autograder" / "deploy" / "jupyterhub" / "screenshots"
TEST_ROOTS = "/tmp/dlbio-hub-test-"
SERVER_START_MS = 180_000
GRADING_MS = 240_000

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason=NEEDS_CHROMIUM),
    pytest.mark.skipif(not (PROXY.exists() and MATHJAX.exists()),
                       reason="needs configurable-http-proxy and mathjax from npm (`make setup` "
                              "as root installs nodejs, npm and both)"),
    pytest.mark.skipif(os.geteuid() != 0, reason="a hub makes system users: run as root"),
]


@dataclass
class Hub:
    """A running ``python -m autograder.deploy.jupyterhub`` (what ``make hub`` runs)."""

    process: subprocess.Popen
    deployment: Deployment
    log: Path

    @property
    def url(self):
        return self.deployment.url

    @property
    def passwords(self):
        return accounts.read_passwords(self.deployment)

    def stop(self):
        """Ctrl-C, as the person who started it would; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=120)


def remove_users_of_earlier_runs():
    """A test run that was killed leaves its users behind; they are recognised by their home."""
    for name in (INSTRUCTOR, REFERENCE, STUB):
        if accounts.exists(name) and pwd.getpwnam(name).pw_dir.startswith(TEST_ROOTS):
            accounts.end_processes_of([name])
            subprocess.run(["userdel", "--remove", name], capture_output=True)


@pytest.fixture(scope="module")
def hub(student_wheel, tmp_path_factory):
    dist = student_wheel.parent
    subprocess.run(["make", "-s", "-C", str(REPO), "course-kit", f"DIST={dist}"], check=True,
                   capture_output=True, timeout=600)
    remove_users_of_earlier_runs()
    root = Path(tempfile.mkdtemp(prefix=TEST_ROOTS))
    os.chmod(root, 0o755)  # the users' homes and Pythons live in it
    folder = tmp_path_factory.mktemp("hub")
    roster, log = folder / "roster.csv", folder / "hub.log"
    roster.write_text("id,first_name,last_name,email\n" + "".join(
        f"{student},{first},{last},\n" for student, (first, last) in NAMES.items()))
    ports = [str(free_port()) for _ in range(4)]
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "autograder.deploy.jupyterhub", "--root", str(root),
             "--roster", str(roster), "--instructor", INSTRUCTOR, "--wheels", str(dist),
             "--port", ports[0], "--hub-port", ports[1], "--proxy-api-port", ports[2],
             "--mathjax-port", ports[3]],
            stdout=output, stderr=subprocess.STDOUT)
    running = Hub(process, None, log)
    try:
        deadline = time.monotonic() + 1200
        while "is ready at" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-5000:]
            time.sleep(1)
        running.deployment = Deployment.load(root)
        yield running
    finally:
        running.stop()
        subprocess.run([sys.executable, "-m", "autograder.deploy.jupyterhub", "--root",
                        str(root), "--remove"], capture_output=True, timeout=300)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Session:
    """One user's browser session on the hub (a context of its own: its own cookies)."""

    page: object
    user: str
    errors: list = field(default_factory=list)


def log_in(browser, hub, user, errors):
    """Log ``user`` in on the hub's login page and wait for their JupyterLab."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.on("console", lambda message: errors.append(
        f"{user}: {message.text} ({message.location.get('url')})")
        if message.type == "error" else None)
    context.on("weberror", lambda error: errors.append(f"{user}: {error.error}"))
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")
    page.wait_for_selector("#jp-main-dock-panel", timeout=SERVER_START_MS)
    return Session(page, user, errors)


class Assignments:
    """A student's Assignments tab in JupyterLab (Nbgrader > Assignment List)."""

    def __init__(self, session):
        self.page = session.page
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        self.page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()

    def item(self, section, assignment):
        return self.page.locator(f"#{section}_assignments_list > .list_item",
                                 has_text=assignment)

    def fetch(self, assignment):
        from playwright.sync_api import expect

        self.item("released", assignment).get_by_role("button", name="Fetch").click()
        expect(self.item("fetched", assignment)).to_be_visible(timeout=60_000)

    def validate(self, assignment, notebook):
        """Click the notebook's Validate; returns what the dialog said."""
        from playwright.sync_api import expect

        item = self.item("fetched", assignment)
        if not item.locator(".assignment-notebooks").is_visible():
            item.locator("a.assignment-notebooks-link").click()
        item.locator(".nested_list_item", has_text=notebook).get_by_role(
            "button", name="Validate").click()
        dialog = self.page.locator(".jp-Dialog")
        expect(dialog).to_be_visible(timeout=GRADING_MS)
        said = dialog.inner_text()
        dialog.locator(".jp-Dialog-footer button").last.click()
        expect(dialog).to_have_count(0)
        return said

    def submit(self, assignment):
        from playwright.sync_api import expect

        self.item("fetched", assignment).get_by_role("button", name="Submit").click()
        expect(self.item("submitted", assignment)).to_be_visible(timeout=60_000)

    def fetch_feedback(self, assignment, notebook):
        """Fetch the feedback of ``assignment``, go to it (the file browser opens its folder)
        and open the notebook's page in a browser tab of its own; returns that page."""
        from playwright.sync_api import expect

        self.page.locator("#refresh_assignments_list").click()
        submitted = self.item("submitted", assignment)
        submitted.get_by_role("button", name="Fetch Feedback").click()
        view = submitted.locator("a", has_text="view feedback")
        expect(view).to_be_visible(timeout=60_000)
        view.click()
        self.page.locator(".jp-DirListing-item", has_text=f"{notebook}.html").click(
            button="right")
        with self.page.context.expect_page() as opened:
            self.page.locator(".lm-Menu-itemLabel", has_text="Open in New Browser Tab").click()
        feedback = opened.value
        feedback.wait_for_load_state()
        return feedback


class Formgrader:
    """The instructor's formgrader in their own JupyterLab server."""

    def __init__(self, session, hub):
        self.page = session.page
        self.base = f"{hub.url}/user/{session.user}/formgrader"

    def open(self, path="manage_assignments"):
        self.page.goto(f"{self.base}/{path}")

    def click(self, row_text, column, timeout=60_000):
        """Click the button in ``column`` of the table row showing ``row_text``; returns the
        log formgrader shows after it succeeded."""
        from playwright.sync_api import expect

        row = self.page.locator("#main-table tr", has_text=row_text)
        row.locator(f"td.{column} a").click()
        modal = self.page.locator("#success-modal, #error-modal")
        expect(modal).to_be_visible(timeout=timeout)
        said = modal.inner_text()
        assert modal.get_attribute("id") == "success-modal", said[-4000:]
        modal.locator(".modal-footer button").click()
        expect(modal).to_have_count(0)
        return said

    def row(self, row_text):
        return self.page.locator("#main-table tr", has_text=row_text)

    def grade_by_hand(self, assignment, notebook, student, grade_id, score):
        """Open ``student``'s notebook in Manual Grading (names are hidden until revealed) and
        give ``grade_id`` ``score``."""
        first, last = NAMES[student]
        self.open(f"gradebook/{assignment}/{notebook}")
        row = self.page.locator("#main-table tr", has_text=f"{last}, {first}")
        row.locator("td.reveal .name-hidden").click()
        row.locator("a.name-shown").click()
        self.page.wait_for_function("() => window.formgrader && formgrader.grades && "
                                    "formgrader.grades.loaded")
        score_box = self.page.locator(f"input.score#{grade_id}")
        with self.page.expect_response(lambda response: "/formgrader/api/grade/" in response.url
                                       and response.request.method == "PUT") as saved:
            score_box.fill(str(score))
            score_box.press("Tab")
        assert saved.value.ok


def write_as(student, path, notebook):
    """What a student's editing leaves: ``notebook`` in their file, owned by them."""
    account = pwd.getpwnam(student)
    nbformat.write(notebook, str(path))
    os.chown(path, account.pw_uid, account.pw_gid)


def cell_scores(course, student):
    """{grade cell: (auto score, manual score)} of ``student``'s 01 in ``course``'s gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
        return {grade.name: (grade.auto_score, grade.manual_score) for grade in notebook.grades}


def test_a_class_is_taught_graded_and_given_feedback_in_the_browser(hub, browser, tmp_path,
                                                                     monkeypatch):
    from playwright.sync_api import expect

    errors = []
    home = {user: Path(pwd.getpwnam(user).pw_dir) for user in (REFERENCE, STUB)}

    instructor = log_in(browser, hub, INSTRUCTOR, errors)
    formgrader = Formgrader(instructor, hub)
    formgrader.open()
    for assignment in (ASSIGNMENT, QUIZ):
        formgrader.click(assignment, "assign")  # generate the student version
        assert "Released as" in formgrader.click(assignment, "release")

    reference = log_in(browser, hub, REFERENCE, errors)
    tab = Assignments(reference)
    for assignment in (ASSIGNMENT, QUIZ):
        tab.fetch(assignment)
        expect(reference.page.locator(".jp-DirListing-item", has_text=assignment)
               ).to_be_visible(timeout=30_000)  # the file browser shows the fetched folder
    reference.page.screenshot(path=SCREENSHOTS / "assignments-tab-after-fetch.png")
    write_as(REFERENCE, home[REFERENCE] / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
             filled(REPO / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"))
    write_as(REFERENCE, home[REFERENCE] / QUIZ / f"{QUIZ}.ipynb",
             filled(REPO / "release" / QUIZ / f"{QUIZ}.ipynb"))
    assert "Success! Your notebook passes all the tests." in tab.validate(ASSIGNMENT, NOTEBOOK)
    for assignment in (ASSIGNMENT, QUIZ):
        tab.submit(assignment)

    stub = log_in(browser, hub, STUB, errors)
    stub_tab = Assignments(stub)
    stub_tab.fetch(ASSIGNMENT)
    told = stub_tab.validate(ASSIGNMENT, NOTEBOOK)
    for exercise in EXERCISES:
        assert f"{exercise} is not done" in told, told
    assert "predict() is not written yet" in told
    stub_tab.submit(ASSIGNMENT)

    formgrader.open()
    for assignment in (ASSIGNMENT, QUIZ):
        formgrader.click(assignment, "collect")
    formgrader.open(f"manage_submissions/{ASSIGNMENT}")
    logs = [formgrader.click(student, "autograde", GRADING_MS) for student in (REFERENCE, STUB)]
    expect(formgrader.row(REFERENCE).locator("td.score")).to_have_text("9 / 9")
    expect(formgrader.row(STUB).locator("td.score")).to_have_text("0 / 9")
    instructor.page.screenshot(path=SCREENSHOTS / "formgrader-submissions-after-autograde.png")
    for log in logs:  # the instructor is told which sandbox bounds hold without root
        assert f"sandbox: bubblewrap as {INSTRUCTOR}, not root; these bounds do not hold" \
            in log or "sandbox: fallback mode" in log, log[-4000:]
    doctor = hub.log.read_text()  # `autograder doctor` as the instructor, when the hub started
    assert "no   memory of the whole sandbox" in doctor and "yes  a user of its own" not in doctor
    formgrader.open(f"manage_submissions/{QUIZ}")
    formgrader.click(REFERENCE, "autograde", GRADING_MS)
    expect(formgrader.row(REFERENCE).locator("td.status")).to_have_text("needs manual grading")
    formgrader.grade_by_hand(QUIZ, QUIZ, REFERENCE, OPEN_QUESTION, OPEN_POINTS)
    formgrader.open()
    for assignment in (ASSIGNMENT, QUIZ):
        formgrader.click(assignment, "generate-feedback")
        formgrader.click(assignment, "release-feedback")

    page = tab.fetch_feedback(ASSIGNMENT, NOTEBOOK)
    expect(page.locator("body")).to_contain_text(re.compile(r"Score: 9(\.0)? / 9(\.0)?"))
    expect(page.locator("body")).to_contain_text("gradient_descent_step: 2 / 2 points")
    page = stub_tab.fetch_feedback(ASSIGNMENT, NOTEBOOK)
    expect(page.locator("body")).to_contain_text(re.compile(r"Score: 0(\.0)? / 9(\.0)?"))
    expect(page.locator("body")).to_contain_text("predict: 0 / 1 points")
    expect(page.locator("body")).to_contain_text("not implemented yet")
    page.get_by_text("predict: 0 / 1 points").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "student-feedback-page.png")
    tab.fetch_feedback(QUIZ, QUIZ)
    course = hub.deployment.course
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        quiz = gradebook.find_submission_notebook(QUIZ, QUIZ, REFERENCE)
        assert {grade.name: grade.manual_score for grade in quiz.grades}[OPEN_QUESTION] \
            == OPEN_POINTS

    assert errors == [], "\n".join(errors)

    # The same submissions, graded on the command line as root in a course of their own, with
    # the hub's nbgrader settings (its feedback pages load MathJax from the hub).
    monkeypatch.setenv("JUPYTER_PATH", str(hub.deployment.templates))
    command_line = make_course(tmp_path / "course", [ASSIGNMENT])
    shutil.copytree(course / "submitted", command_line / "submitted")
    run_nbgrader(command_line, "autograde", ASSIGNMENT)
    run_nbgrader(command_line, "generate_feedback", ASSIGNMENT)
    for student in (REFERENCE, STUB):
        assert cell_scores(command_line, student) == cell_scores(course, student)
        feedback = Path("feedback") / student / ASSIGNMENT / f"{NOTEBOOK}.html"
        assert (command_line / feedback).read_text() == (course / feedback).read_text()


def test_stopping_the_hub_ends_every_process_of_its_users(hub):
    assert hub.stop() == 0, hub.log.read_text()[-3000:]
    assert accounts.processes_of(hub.deployment.users) == []
    assert "The hub has stopped." in hub.log.read_text()
