"""The student kit of the workshop "Deep learning for biological data".

What the release notebooks and the practice quizzes need, and nothing that grades:

- ``data``: the course data (body measurements; synthetic DNA; the Genomic Benchmarks reader);
- ``notebook``: the helpers of the notebooks' self-checks and Validate;
- ``quiz``: the practice quizzes in JupyterLab.
"""
