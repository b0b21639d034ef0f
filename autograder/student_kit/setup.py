"""The student kit's build: setuptools as configured in pyproject.toml, plus the practice quiz
banks (only those ``dlbio_student/quiz/practice.py`` names) copied from the course's
``quizzes/`` into the package, so a built kit checks practice answers offline."""
import ast
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

KIT = Path(__file__).resolve().parent
QUIZZES = KIT.parents[1] / "quizzes"
PRACTICE = KIT / "dlbio_student" / "quiz" / "practice.py"


def practice_banks():
    """PRACTICE_BANKS, read from practice.py without importing the package."""
    for node in ast.parse(PRACTICE.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "PRACTICE_BANKS":
            return ast.literal_eval(node.value)
    raise RuntimeError(f"{PRACTICE} defines no PRACTICE_BANKS")


class BuildWithPracticeBanks(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "dlbio_student" / "quiz" / "banks"
        target.mkdir(parents=True, exist_ok=True)
        for name in practice_banks():
            shutil.copyfile(QUIZZES / f"{name}.yaml", target / f"{name}.yaml")


setup(cmdclass={"build_py": BuildWithPracticeBanks})
