"""Practice quizzes in JupyterLab: ``from dlbio_student.quiz.widget import show_quiz``.

schema: the bank format · banks: reading bank files · templating: safe formulas · answer_key /
hiding: right answers, shown or sealed · scoring: verdicts and reports · markdown: text as
HTML · widget: the quiz in a notebook cell · practice: which banks the kit carries.
"""
