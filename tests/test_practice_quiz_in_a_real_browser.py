"""The practice quiz in JupyterLab, in headless Chromium: a notebook shows the student kit's
quiz; one question answered right, one wrong; the page shows both verdicts and the score."""
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from dlbio_student.quiz.banks import load_bank
from dlbio_student.quiz.practice import PRACTICE_BANKS, practice_bank_path
from dlbio_student.quiz.scoring import LETTERS, attempt

from browser import CHROMIUM, CHROMIUM_FLAGS, NEEDS_CHROMIUM, free_port

SEED = 7
TOKEN = "practice-quiz-test"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NEEDS_CHROMIUM)


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server (this venv, with the student kit) serving a folder; its base URL."""
    root = tmp_path_factory.mktemp("lab")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start")
            time.sleep(0.5)
    try:
        yield url, root
    finally:
        server.terminate()
        server.wait(timeout=30)


def single_choice_questions(bank, seed):
    """The first two single-choice attempts of ``bank``: (prompt, right label, wrong label)."""
    found = []
    for question in bank.questions:
        if question.type == "single_choice":
            current = attempt(bank, question, seed)
            labels = {choice.id: f"{LETTERS[index]}) {choice.text}"
                      for index, choice in enumerate(current.choices)}
            wrong = next(choice_id for choice_id in labels if choice_id != question.answer)
            found.append((current.prompt, labels[question.answer], labels[wrong]))
    return found[:2]


def test_a_practice_quiz_gives_verdicts_and_a_score_in_jupyterlab(jupyterlab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, root = jupyterlab
    name = PRACTICE_BANKS[0]
    bank = load_bank(practice_bank_path(name))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"from dlbio_student.quiz.widget import show_quiz\nshow_quiz({name!r}, seed={SEED})")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    nbformat.write(notebook, str(root / "practice.ipynb"))
    (right_prompt, right_label, _), (wrong_prompt, _, wrong_label) = \
        single_choice_questions(bank, SEED)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(f"{url}/lab/tree/practice.ipynb?token={TOKEN}")
            page.locator(".jp-Notebook .jp-Cell .cm-content").first.click(timeout=90_000)
            expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
                   ).to_have_count(1, timeout=90_000)
            page.keyboard.press("Shift+Enter")
            score = page.locator(".widget-html", has_text="Score:").last
            expect(score).to_contain_text("Score: 0 /", timeout=90_000)

            for prompt, label in ((right_prompt, right_label), (wrong_prompt, wrong_label)):
                card = page.locator(".widget-vbox").filter(has_text=prompt).last
                card.get_by_text(label, exact=True).click()
                card.get_by_role("button", name="Check").click()
            right_card = page.locator(".widget-vbox").filter(has_text=right_prompt).last
            wrong_card = page.locator(".widget-vbox").filter(has_text=wrong_prompt).last
            expect(right_card).to_contain_text("Correct!")
            expect(wrong_card).to_contain_text("Not quite")
            expect(score).to_contain_text("Score: 1 /")
            expect(score).to_contain_text("(2 of ")
        finally:
            browser.close()
