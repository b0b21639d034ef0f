"""The instructor's side of the quizzes: banks (``quizzes/*.yaml``) taken in a terminal, graded
by ``autograder quiz check`` or nbgrader, exported for an LMS or for self-study.

The engine itself (bank format, scoring, the JupyterLab widget) is the student kit's
``dlbio_student.quiz``. Here: course_banks: which banks are graded · terminal: the quiz in a
terminal · nbgrader_build, nbgrader_cells: the nbgrader assignment and its grade cells ·
exports: GIFT, jupyterquiz, student · cli: ``autograder quiz``.
"""
