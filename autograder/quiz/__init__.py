"""The quiz engine: banks (``quizzes/*.yaml``) taken in a terminal or a notebook, graded by
``autograder quiz check`` or nbgrader, exported for an LMS or for self-study.

schema: the bank format · templating: safe formulas · answer_key / hiding: right answers, shown
or hidden · scoring: verdicts and reports · terminal, widget: taking a quiz · nbgrader_build,
nbgrader_cells: the nbgrader assignment and its grade cells · exports: GIFT, jupyterquiz,
student · cli: ``autograder quiz``.
"""
