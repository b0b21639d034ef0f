"""dlbio-course grading toolkit: sandboxed execution, graders, reports, CLI, quizzes."""
