"""The course's tools around the grading path: the demo and its example class, the benchmarks,
and the refit of the time limits (``make release``). Nothing here grades a notebook; the
grading path is the package's top floor (``pipeline.py`` and what it calls)."""
