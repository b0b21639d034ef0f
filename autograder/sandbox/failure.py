"""Why student code could not be run to the end, as the sandbox reports it."""

# Kinds that are the grading machine's fault, not the student's: the work is retried once in a
# fresh kernel, then the submission is marked for regrading instead of given a grade.
MACHINE_KINDS = ("starved", "start_failed")


class SandboxFailure(Exception):
    """Student code could not be run to the end: ``kind`` says why, ``message`` tells the student.

    kind: "timeout" (it used more CPU time than allowed), "waited" (it ran past its wall time
    while hardly computing), "starved" (the machine did not give it the CPU it asked for),
    "died", "output_flood", "no_reply", "no_session" (a grading session did not open in time),
    "start_failed".
    """

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def machine_fault(self):
        """True when the grading machine, not the student's code, stopped the work."""
        return self.kind in MACHINE_KINDS
