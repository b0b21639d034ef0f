"""Why student code could not be run to the end, as the sandbox reports it."""


class SandboxFailure(Exception):
    """Student code could not be run to the end: ``kind`` says why, ``message`` tells the student.

    kind: "timeout", "died", "output_flood", "no_reply", "no_session" (a grading session did not
    open in time), "start_failed".
    """

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message
