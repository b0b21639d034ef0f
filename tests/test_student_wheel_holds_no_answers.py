"""The student wheel holds the student kit and nothing else: none of the reference solutions'
lines, no grader, no mistake catalogue, no notebook, no answer key of a graded quiz bank."""
import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from autograder.quiz.course_banks import graded_banks
from dlbio_student.quiz.practice import PRACTICE_BANKS

REPO = Path(__file__).resolve().parents[1]
SHORTEST_LINE = 20  # shorter lines (`return x`, `model.train()`) are everyone's code


def reference_body_lines():
    """Every line of every function body in solutions/, docstrings left out."""
    lines = set()
    for path in REPO.glob("solutions/*.py"):
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                for statement in body:
                    segment = ast.get_source_segment(text, statement) or ""
                    lines |= {line.strip() for line in segment.splitlines()}
    return {line for line in lines if len(line) >= SHORTEST_LINE and not line.startswith("#")}


def graded_answer_texts():
    """Distinctive texts of every graded bank: question ids, explanations, model answers."""
    texts = set()
    for name in graded_banks(REPO):
        for question in yaml.safe_load((REPO / "quizzes" / f"{name}.yaml").read_text())[
                "questions"]:
            texts.add(question["id"])
            texts |= {question[field].strip()[:60] for field in ("explanation", "model_answer")
                      if question.get(field)}
    return texts


@pytest.fixture(scope="module")
def wheel_files(student_wheel):
    with zipfile.ZipFile(student_wheel) as wheel:
        return {name: wheel.read(name).decode("utf-8", errors="replace")
                for name in wheel.namelist()}


def test_the_wheel_holds_only_the_student_package(wheel_files):
    tops = {name.split("/")[0] for name in wheel_files}
    assert tops == {"dlbio_student", "dlbio_student-0.1.0.dist-info"}
    names = "\n".join(wheel_files)
    for forbidden in ("solutions", "autograder", "graders", "mistakes", "grader_runner",
                      "checks.py", ".ipynb", "source/"):
        assert forbidden not in names, forbidden


def test_no_line_of_a_reference_solution_is_in_the_wheel(wheel_files):
    lines = reference_body_lines()
    assert len(lines) > 80  # the scan sees the references
    found = {(name, line) for name, text in wheel_files.items()
             for line in lines if line in text}
    assert found == set()


def test_only_practice_banks_are_packed_and_no_graded_answer_is(wheel_files):
    packed = {Path(name).stem for name in wheel_files if name.endswith(".yaml")}
    assert packed == set(PRACTICE_BANKS)
    texts = graded_answer_texts()
    assert len(texts) > 50
    found = {(name, text) for name, text_of_file in wheel_files.items() for text in texts
             if text in text_of_file}
    assert found == set()


def test_the_instructor_wheel_does_not_swallow_the_student_kit(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(tmp_path), str(REPO)],
                   check=True, capture_output=True, timeout=600)
    wheel, = tmp_path.glob("dlbio_course-*.whl")
    with zipfile.ZipFile(wheel) as files:
        assert not [name for name in files.namelist() if "student_kit" in name
                    or name.startswith("dlbio_student")]
