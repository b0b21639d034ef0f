"""nbgrader configuration of the dlbio course (the repository root is the course folder).

Autograding runs student code in a sandbox and computes every score outside it: nbgrader's
in-kernel ``Execute`` step is replaced by ``SandboxedGrading``; everything else is nbgrader's.
"""
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, IgnorePattern, LimitOutput, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)

from autograder.nbgrader_plugin import RestoreDeletedGradeCells, SandboxedGrading

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "dlbio"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

c.Autograde.autograde_preprocessors = [
    SandboxedGrading, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
# A student who deletes a graded cell still gets it graded (at 0 if its exercise is missing).
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreDeletedGradeCells,
    OverwriteCells, CheckCellMetadata,
]
c.OverwriteCells.add_missing_cells = True

# Per-assignment sandbox limits (see autograder/sandbox/limits.py for names and defaults).
c.SandboxedGrading.assignment_limits = {}
