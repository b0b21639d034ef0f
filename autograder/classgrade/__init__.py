"""Grading a whole class: ``autograder autograde ASSIGNMENT``.

The sandboxed gradings run in parallel (worker processes here, or tasks on a Dask cluster);
one process, the TA's, drives nbgrader's own ``Autograde`` converter around them, so the
gradebook and ``autograded/`` are written by nbgrader's own code, by one writer.

    ledger.py     which submissions are graded already (checksums), so a run can resume
    jobs.py       one submission's grading as plain data, and the worker function that runs it
    converter.py  nbgrader's Autograde, split into the part before and after the sandbox
    pools.py      where the worker function runs: local processes or a Dask cluster
    run.py        the command: choose, dispatch, collect, stop cleanly on Ctrl-C
    summary.py    the table printed at the end
"""
