"""The graders' one interface to "the student's code": plain data in, plain data out.

Graders never hold a student object. They name a function in the student's notebook, send plain
values (numbers, strings, lists, dicts, numpy arrays, torch tensors), and get plain values back.
Objects that are not plain data (a model, a Dataset, a DataLoader) stay in the sandbox and are
reached through a ``Handle``. The one line where plain data crosses over is
``SandboxKernel.request`` (``autograder/sandbox/kernel.py``).
"""
import time

from .sandbox.inside import EncodingError, decode, encode
from .sandbox.kernel import SandboxFailure
from .sandbox.limits import GiB, MiB

STUDENT_ERRORS = {
    "missing": "`{name}` is not defined in your notebook (was its cell run, and is the name "
               "spelled exactly like this?)",
    "exception": "calling your code raised {type}: {message}",
    "memory": "your code ran out of memory ({type}: {message})",
    "unserializable": "your code returned something that is not plain data ({message})",
}


def bound_hit(status, message, limits):
    """The sandbox bound that an error reply (``status``, ``message``) of student code says it
    hit, in words ("" if none): memory past a process's address space, a full disk, a file past
    its size."""
    if status == "memory":
        return (f"the sandbox memory limit of one process: {limits.memory_bytes / GiB:g} GiB "
                f"of address space")
    if status != "exception":
        return ""
    if "No space left on device" in message:
        return (f"the sandbox disk limit: new files may take {limits.home_bytes // MiB} MiB in "
                f"your home and {limits.tmp_bytes // MiB} MiB in /tmp")
    if "File too large" in message:
        return f"the sandbox file size limit: one file may hold {limits.file_bytes // MiB} MiB"
    return ""


class StudentError(Exception):
    """Student code could not give an answer; ``kind`` is why, ``message`` tells the student.

    kind: "missing", "not_implemented", "exception", "memory", "unserializable", "ended" (an
    earlier call ended the exercise), or a SandboxFailure kind ("timeout", "died",
    "output_flood", "no_reply", "no_session", "start_failed").
    """

    def __init__(self, kind, message, exception_type=""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.exception_type = exception_type

    @property
    def ends_exercise(self):
        """After these the exercise stops: more calls would only repeat the wait or the crash."""
        return self.kind in ("missing", "not_implemented", "timeout", "died", "output_flood",
                             "no_reply", "no_session", "start_failed", "ended")


class Handle:
    """A student-side object that is not plain data, e.g. an ``nn.Module`` or a ``Dataset``.

    type_name: the object's class, e.g. "torch.nn.modules.linear.Linear"; summary: its repr.
    """

    def __init__(self, student, number, type_name, summary):
        self._student = student
        self.number = number
        self.type_name = type_name
        self.summary = summary
        self._generation = student.kernel.generation

    def call(self, method, *args, **kwargs):
        """``obj.method(*args, **kwargs)`` in the sandbox; plain result or a new Handle."""
        return self._student._send("call", ("handle", self._ref()), args, kwargs, attr=method)

    def __call__(self, *args, **kwargs):
        return self._student._send("call", ("handle", self._ref()), args, kwargs)

    def attr(self, name):
        """``obj.name``: plain value or a Handle."""
        return self._student._send("getattr", ("handle", self._ref()), attr=name)

    def keep_attr(self, name):
        """``obj.name`` kept in the sandbox as a Handle even when it is plain data."""
        return self._student._send("getattr", ("handle", self._ref()), attr=name, keep=True)

    def value(self):
        """The object itself, when it is plain data (a kept tensor, say)."""
        return self._student._send("get", ("handle", self._ref()))

    def _ref(self):
        if self._generation != self._student.kernel.generation:
            raise StudentError("died", "an object from before the kernel was restarted is gone")
        return self.number

    def __repr__(self):
        return f"<student {self.type_name}: {self.summary}>"


class StudentCode:
    """The student's notebook namespace, as the graders of one exercise see it.

    kernel: a ``SandboxKernel`` that has executed the notebook; call_seconds: the time limit of
    each call into student code; budget_seconds: the time limit of all calls together, counted
    from the first call (graders of every exercise get their ``StudentCode`` at once, and one
    exercise's slow calls must not use up the next one's time). Once a call ends the exercise
    (not implemented, timed out, crashed), later calls fail at once.
    """

    def __init__(self, kernel, call_seconds, budget_seconds=None):
        self.kernel = kernel
        self.call_seconds = call_seconds
        self.budget_seconds = budget_seconds
        self.deadline = None
        self.ended = None

    def call(self, name, *args, **kwargs):
        """``name(*args, **kwargs)`` with the student's ``name``; a plain result or a Handle."""
        return self._send("call", ("name", name), args, kwargs, subject=name)

    def call_keep(self, name, *args, **kwargs):
        """Like ``call``, but the result stays in the sandbox as a Handle (to inspect grads)."""
        return self._send("call", ("name", name), args, kwargs, keep=True, subject=name)

    def get(self, name):
        """The student's variable ``name``: its plain value, or a Handle."""
        return self._send("get", ("name", name), subject=name)

    def has(self, name):
        try:
            self.get(name)
        except StudentError as error:
            if error.kind == "missing":
                return False
            raise
        return True

    def put(self, value):
        """Store a plain value (e.g. a tensor with ``requires_grad``) in the sandbox; a Handle."""
        return self._send("put", ("none", None), (value,), keep=True)

    def make(self, library_path, *args, **kwargs):
        """Build a library object in the sandbox, e.g. ``make("torch.optim.SGD", params, lr=0.1)``.

        library_path: a dotted name under torch, numpy, math or builtins, or
        ``dlbio_inside.counted`` (the sandbox harness's call counter).
        """
        return self._send("call", ("import", library_path), args, kwargs, keep=True)

    def _send(self, op, target, args=(), kwargs=None, attr=None, keep=False, subject=""):
        if self.ended is not None:
            raise StudentError("ended", self.ended.message)
        if self.deadline is None and self.budget_seconds is not None:
            self.deadline = time.monotonic() + self.budget_seconds
        timeout, limit = self.call_seconds, f"the time limit of one call ({self.call_seconds:g} s)"
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            exercise_limit = (f"the exercise's time limit (all its calls together: "
                              f"{self.budget_seconds:g} s)")
            if left <= 0:
                self.ended = StudentError("timeout", f"this exercise ran out of time: its calls "
                                                     f"ran longer than {exercise_limit}")
                raise self.ended
            if left < timeout:
                timeout, limit = left, exercise_limit
        try:
            request = {"op": op, "target": list(target), "attr": attr, "keep": keep,
                       "args": encode(list(args), self._encode_handle),
                       "kwargs": encode(dict(kwargs or {}), self._encode_handle)}
        except EncodingError as error:
            raise ValueError(f"grader bug: cannot send {error}") from None
        try:
            reply = self.kernel.request(request, timeout)
        except SandboxFailure as failure:
            self.ended = StudentError(failure.kind, self._failure_message(failure, subject, limit))
            raise self.ended from None
        try:
            return self._decode_reply(reply, subject)
        except StudentError as error:
            if error.ends_exercise:
                self.ended = error
            raise

    def _encode_handle(self, value):
        if isinstance(value, Handle):
            return {"$handle": value._ref()}
        raise EncodingError(f"{type(value).__name__} is not plain data")

    def _decode_reply(self, reply, subject):
        status = reply.get("status") if isinstance(reply, dict) else None
        if status == "ok":
            try:
                return decode(reply["value"], self._handle_from_reference)
            except Exception as error:  # a malformed reply is the student's problem, not ours
                raise StudentError("unserializable", STUDENT_ERRORS["unserializable"].format(
                    message=f"{type(error).__name__}: {str(error)[:200]}")) from None
        message_type = str(reply.get("type", ""))[:80] if isinstance(reply, dict) else ""
        message = str(reply.get("message", ""))[:1000] if isinstance(reply, dict) else ""
        if status == "not_implemented":
            raise StudentError("not_implemented", "not implemented yet", message_type)
        template = STUDENT_ERRORS.get(status, STUDENT_ERRORS["exception"])
        text = template.format(name=subject or message, type=message_type, message=message)
        bound = bound_hit(status, message, self.kernel.limits)
        raise StudentError(status if status in STUDENT_ERRORS else "exception",
                           f"{text} ({bound})" if bound else text, message_type)

    def _handle_from_reference(self, reference):
        return Handle(self, int(reference["$handle"]), str(reference.get("type", ""))[:200],
                      str(reference.get("repr", ""))[:300])

    def _failure_message(self, failure, subject, limit):
        """What the student reads; a timeout names the limit it hit (``limit``)."""
        what = f"`{subject}`" if subject else "your code"
        if failure.kind == "timeout":
            return f"{what} was stopped: it ran longer than {limit}"
        return f"{what} was stopped: {failure.message}"
