"""The graders' one interface to "the student's code": plain data in, plain data out.

Graders never hold a student object. They name a function in the student's notebook, send plain
values (numbers, strings, lists, dicts, numpy arrays, torch tensors), and get plain values back.
Objects that are not plain data (a model, a Dataset, a DataLoader) stay in the sandbox and are
reached through a ``Handle``. The one line where plain data crosses over is
``SandboxKernel.request`` (``autograder/sandbox/kernel.py``).
"""
from .sandbox.allowance import Allowance, stop_message
from .sandbox.inside import EncodingError, decode, encode
from .sandbox.kernel import SandboxFailure
from .sandbox.limits import GiB, MiB
from .sandbox.usage import Usage

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
    earlier call ended the exercise), or a SandboxFailure kind ("timeout", "waited",
    "starved", "died", "output_flood", "no_reply", "no_session", "start_failed").
    """

    def __init__(self, kind, message, exception_type=""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.exception_type = exception_type

    @property
    def ends_exercise(self):
        """After these the exercise stops: more calls would only repeat the wait or the crash."""
        return self.kind in ("missing", "not_implemented", "timeout", "waited", "starved",
                             "died", "output_flood", "no_reply", "no_session", "start_failed",
                             "ended")


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

    kernel: a ``SandboxKernel`` that has executed the notebook; call_seconds: the CPU-time
    limit of each call into student code; budget_seconds: the CPU-time limit of all its calls
    together (only what the sandbox uses during the calls counts, not the graders' own work
    between them, nor what other exercises used); each also allows ``wait_factor`` times as
    much wall time given to the sandbox (``sandbox.limits.Limits``); exercise: its name, for
    what the reference needs. Once a call ends the exercise (not implemented, timed out,
    crashed), later calls fail at once.
    """

    def __init__(self, kernel, call_seconds, budget_seconds=None, wait_factor=None,
                 exercise=""):
        self.kernel = kernel
        self.call_seconds = call_seconds
        self.budget_seconds = budget_seconds
        self.wait_factor = kernel.limits.wait_factor if wait_factor is None else wait_factor
        self.exercise = exercise
        self.spent = Usage()  # what this exercise's calls used so far
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
        allowance, limit = self._allowance()
        try:
            request = {"op": op, "target": list(target), "attr": attr, "keep": keep,
                       "args": encode(list(args), self._encode_handle),
                       "kwargs": encode(dict(kwargs or {}), self._encode_handle)}
        except EncodingError as error:
            raise ValueError(f"grader bug: cannot send {error}") from None
        try:
            reply = self.kernel.request(request, allowance)
        except SandboxFailure as failure:
            self.ended = StudentError(failure.kind, self._failure_message(
                failure, subject, allowance, limit))
            raise self.ended from None
        finally:
            self.spent += self.kernel.used
        try:
            return self._decode_reply(reply, subject)
        except StudentError as error:
            if error.ends_exercise:
                self.ended = error
            raise

    def _allowance(self):
        """(the next call's ``Allowance``, the name of the limit that bounds it): one call's
        limit, or what is left of the exercise's when that is less."""
        call = Allowance.of(self.call_seconds, self.wait_factor)
        if self.budget_seconds is None:
            return call, "the limit of one call"
        budget = Allowance.of(self.budget_seconds, self.wait_factor)
        left = Allowance(budget.cpu - self.spent.cpu, budget.wait - self.spent.given,
                         call.ceiling)
        if left.cpu <= 0 or left.wait <= 0:
            self.ended = StudentError(
                "timeout", f"this exercise ran out of time: its calls together used more than "
                           f"the exercise's limit ({budget.cpu:g} s of CPU time, or "
                           f"{budget.wait:g} s of running)")
            raise self.ended
        if left.cpu < call.cpu or left.wait < call.wait:
            return call.at_most(left), "the exercise's limit (all its calls together)"
        return call, "the limit of one call"

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

    def _failure_message(self, failure, subject, allowance, limit):
        """What the student reads; a stop names the limit it hit (``limit``), its figures and
        what the reference needs."""
        what = f"`{subject}`" if subject else "your code"
        if failure.kind in ("timeout", "waited", "starved"):
            reference = self.kernel.limits.reference_needs(f"call:{self.exercise}")
            return f"{what} " + stop_message(failure.kind, allowance, limit, reference)
        return f"{what} was stopped: {failure.message}"
