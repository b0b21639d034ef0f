"""The only grading code that runs beside student code, inside the sandbox.

It executes, calls and serializes; it never judges. The trusted side opens a grading session
(``serve_session``) and sends requests as JSON texts, one per line, over a Unix socket; this
module decodes their plain data, calls into the student's namespace, and writes each reply back as
one line of JSON text. Everything it returns is plain data: ``None``, bools,
numbers, strings, lists, tuples, dicts, numpy arrays and torch tensors (as ``.npy`` bytes, never
pickle). Any other object stays here in ``_objects`` and crosses over as a handle number. Of
what student code prints it passes on only the first part (``meter_output``), so that output
past the budget costs nothing to drop.

Student code can patch anything in this module; that can only change what the student's own
reply says, and every reply is judged on the trusted side against inputs the student never saw.
The same encode/decode pair is used by the trusted side (``autograder.student``), with
``np.load(allow_pickle=False)``, so a reply can never execute code there.
"""
import base64
import contextlib
import importlib
import io
import json
import math
import socket
import sys
import threading

import numpy as np

MAX_DEPTH = 32
# Only these libraries may be reached by name from the trusted side ("make" an optimizer,
# a DataLoader, a loss function..., or this module's ``counted``). Student names are reached
# through the namespace instead.
IMPORTABLE_ROOTS = ("torch", "numpy", "builtins", "math", "dlbio_inside")
# Published on IOPub behind the output of a call that printed or displayed something, so the
# trusted side knows it has read all of it.
OUTPUT_MARK_MIME = "application/x.dlbio-output-mark"
# Published at the end of a cell whose output was cut: {"kept": n, "dropped": n} (characters).
OUTPUT_CUT_MIME = "application/x.dlbio-output-cut"

_objects = {}
_meter = None  # the _OutputMeter that meter_output installed


class EncodingError(ValueError):
    """A value that is not plain data (or is too deep) where plain data was required."""


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array, order="C"), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _npy_array(text):
    return np.load(io.BytesIO(base64.b64decode(text.encode("ascii"))), allow_pickle=False)


def _keep(value):
    handle = len(_objects) + 1
    _objects[handle] = value
    return {"$handle": handle, "type": f"{type(value).__module__}.{type(value).__qualname__}",
            "repr": _short_repr(value)}


def _short_repr(value):
    try:
        text = repr(value)
    except Exception as error:  # a student's __repr__ may raise anything
        text = f"<unprintable {type(value).__name__}: {type(error).__name__}>"
    return text if len(text) <= 300 else text[:297] + "..."


def _refuse(value):
    raise EncodingError(f"{type(value).__name__} is not plain data")


def encode(value, other=_refuse, depth=0):
    """Turn ``value`` into JSON-ready plain data; ``other(value)`` encodes anything else.

    Inside the sandbox ``other`` is ``_keep`` (the object stays here, a handle crosses over);
    on the trusted side it only accepts handles, so nothing but plain data is ever sent.
    """
    if depth > MAX_DEPTH:
        raise EncodingError("nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"$bigint": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, (list, tuple, dict)):
        return _encode_container(value, other, depth)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        return {"$ndarray": _npy_bytes(value)}
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return {"$npscalar": _npy_bytes(np.asarray(value))}
    torch = _torch_if_loaded()
    if torch is not None:
        if isinstance(value, torch.Tensor):
            return _encode_tensor(torch, value)
        if isinstance(value, torch.Size):
            return {"$tuple": [int(n) for n in value]}
        if isinstance(value, torch.dtype):
            return {"$torch_dtype": str(value)}
    return other(value)


def _encode_container(value, other, depth):
    if isinstance(value, dict):
        return {"$dict": [[encode(k, _refuse, depth + 1), encode(v, other, depth + 1)]
                          for k, v in value.items()]}
    items = [encode(item, other, depth + 1) for item in value]
    return items if type(value) is list else {"$tuple": items}


def _encode_tensor(torch, tensor):
    detached = tensor.detach().cpu()
    dtype = str(tensor.dtype)
    if detached.dtype == torch.bfloat16:
        detached = detached.float()
    return {"$tensor": _npy_bytes(detached.resolve_conj().resolve_neg().numpy()),
            "dtype": dtype, "requires_grad": bool(tensor.requires_grad),
            "has_grad_fn": tensor.grad_fn is not None}


def _kept_object(reference):
    return _objects[reference["$handle"]]


def decode(data, resolve_handle=_kept_object, depth=0):
    """Inverse of ``encode``; ``resolve_handle`` turns a ``{"$handle": n, ...}`` into an object."""
    if depth > MAX_DEPTH:
        raise EncodingError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, resolve_handle, depth + 1) for item in data]
    if not isinstance(data, dict) or len(data) == 0:
        raise EncodingError("malformed value")
    tag = next(iter(data))
    if tag == "$tuple":
        return tuple(decode(item, resolve_handle, depth + 1) for item in data["$tuple"])
    if tag == "$dict":
        return {decode(key, resolve_handle, depth + 1): decode(value, resolve_handle, depth + 1)
                for key, value in data["$dict"]}
    if tag == "$bigint":
        return int(data["$bigint"])
    if tag == "$float":
        return float(data["$float"])
    if tag == "$ndarray":
        return _npy_array(data["$ndarray"])
    if tag == "$npscalar":
        return _npy_array(data["$npscalar"])[()]
    if tag == "$tensor":
        import torch
        tensor = torch.from_numpy(_npy_array(data["$tensor"]).copy())
        dtype = getattr(torch, data.get("dtype", "").replace("torch.", ""), None)
        if isinstance(dtype, torch.dtype):
            tensor = tensor.to(dtype)
        if data.get("requires_grad") and tensor.is_floating_point():
            tensor.requires_grad_(True)
        return tensor
    if tag == "$torch_dtype":
        import torch
        return getattr(torch, data["$torch_dtype"].replace("torch.", ""))
    if tag == "$handle":
        return resolve_handle(data)
    raise EncodingError(f"unknown tag {tag!r}")


def _torch_if_loaded():
    return sys.modules.get("torch")


def counted(model):
    """``model`` (an ``nn.Module``) behind a forward that counts its calls in ``.calls``, however
    student code calls it (``model(x)`` or ``model.forward(x)``), and of them in
    ``.training_calls`` those made in training mode and in ``.tracked_calls`` those that
    tracked gradients, so the trusted side can read how a function ran the model. Torch is
    loaded: the model was built with it."""
    torch = _torch_if_loaded()

    class CountedModel(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner
            self.calls = self.training_calls = self.tracked_calls = 0

        def forward(self, *args, **kwargs):
            self.calls += 1
            self.training_calls += self.inner.training
            self.tracked_calls += torch.is_grad_enabled()
            return self.inner(*args, **kwargs)

    return CountedModel(model)


def _resolve_target(target, namespace):
    """The callable or object a request names: a student name, a kept object, or a library path."""
    kind, value = target
    if kind == "name":
        if value not in namespace:
            raise LookupError(value)
        return namespace[value]
    if kind == "handle":
        return _objects[value]
    if kind == "import":
        module_path, _, attribute = value.rpartition(".")
        if module_path.split(".")[0] not in IMPORTABLE_ROOTS:
            raise PermissionError(value)
        return getattr(importlib.import_module(module_path), attribute)
    raise ValueError(f"unknown target kind {kind!r}")


def _error(kind, error=None):
    reply = {"status": kind}
    if error is not None:
        reply["type"] = type(error).__name__
        reply["message"] = _short_repr(error) if not str(error) else str(error)[:1000]
    return reply


def handle(request, namespace):
    """Carry out one request; return the reply dict.

    ``request``: ``{"op": "put" | "get" | "getattr" | "call", "target": [kind, name], "attr": str | None,
    "args": encoded list, "kwargs": encoded dict, "keep": bool}``; ``keep`` returns a handle even
    for plain results, so the trusted side can look at them further (``grad``, ``grad_fn``...).
    """
    op = request["op"]
    try:
        subject = None if op == "put" else _resolve_target(request["target"], namespace)
    except LookupError as error:
        return _error("missing", error)
    try:
        if op == "put":
            value = decode(request["args"])[0]
        elif op == "get":
            value = subject
        elif op == "getattr":
            value = getattr(subject, request["attr"])
        elif op == "call":
            function = getattr(subject, request["attr"]) if request.get("attr") else subject
            value = function(*decode(request["args"]), **decode(request["kwargs"]))
        else:
            return _error("bad_request", ValueError(op))
    except NotImplementedError as error:
        return _error("not_implemented", error)
    except MemoryError as error:
        return _error("memory", error)
    except BaseException as error:  # student code may raise anything, SystemExit included
        return _error("exception", error)
    try:
        encoded = _keep(value) if request.get("keep") else encode(value, _keep)
        return {"status": "ok", "value": encoded}
    except BaseException as error:
        return _error("unserializable", error)


def serve_session(socket_path):
    """Kernel entry point: answer the trusted side's requests until it sends an empty line.

    The whole session is one execute request, so a call costs a socket round trip rather than an
    IPython execute request (~5 ms) each; what student code prints still goes out on IOPub, cut
    to each call's share (``meter_output``).
    socket_path: the Unix socket the trusted side listens on, in a folder read-only here.
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(None)  # a notebook's socket.setdefaulttimeout() must not end it
        connection.connect(socket_path)
        with connection.makefile("rb") as requests, connection.makefile("wb") as replies:
            for number, line in enumerate(requests, start=1):
                if not line.strip():
                    return
                _meter.start(_meter.call_keep, note=False)
                reply = _answer(line, _meter.shell.user_ns)
                if _meter.noticed():
                    reply["mark"] = number
                    _mark_end_of_output(number)
                replies.write(json.dumps(reply).encode() + b"\n")
                replies.flush()


def _answer(line, namespace):
    """The reply dict to one request line (a request too large to decode is a memory error)."""
    try:
        request = json.loads(line)
    except MemoryError as error:
        return _error("memory", error)
    return handle(request, namespace)


def meter_output(cell_keep, call_keep, total_keep):
    """Kernel entry point, run once at start: from now on keep the first ``cell_keep``
    characters that each cell prints or displays and the first ``call_keep`` of each grader
    call, ``total_keep`` in all, drop the rest, and let the code run on."""
    from IPython import get_ipython

    global _meter
    _meter = _OutputMeter(get_ipython(), cell_keep, call_keep, total_keep)
    _meter.install()


class _OutputMeter:
    """Counts what student code writes to the kernel's stdout and stderr, what it publishes
    through the display publisher and the value a cell ends with (the display hook), in one
    cell or one grader call; keeps the first ``keep`` characters (no more than the kernel's
    total has left) and drops the rest at the cost of a ``len``. A cell whose output was cut
    ends with an ``OUTPUT_CUT_MIME`` note saying how much.

    The streams' ``write`` is wrapped when each cell starts, outermost, because IPython wraps it
    anew for every cell (to record output in its history, which must not hold what is dropped).
    Writes that reach the file descriptors directly (``os.write(1, ...)``, C libraries) come
    back through ipykernel's descriptor watcher thread; they are noticed but not cut: they are
    the trusted side's backstop to stop. Student code can undo all of this; that only lets its
    output reach the backstop, which kills the kernel.
    """

    def __init__(self, shell, cell_keep, call_keep, total_keep):
        self.shell = shell
        self.cell_keep, self.call_keep = cell_keep, call_keep
        self._total_left = total_keep
        self.publish = shell.display_pub.publish  # our own marks and notes are never cut
        self._write_result = shell.displayhook.write_format_data
        self._keep = cell_keep
        self._kept = self._dropped = 0
        self._note = True
        self._seen = False
        self._wrapped = []  # (stream, its write, our wrapper) while a cell runs

    def install(self):
        self.shell.display_pub.publish = self._metered_publish
        self.shell.displayhook.write_format_data = self._metered_result
        self.shell.events.register("pre_run_cell", self._cell_starts)
        self.shell.events.register("post_run_cell", self._cell_ends)

    def start(self, keep, note):
        """Begin a cell or a call that keeps ``keep`` characters, or what is left of the total
        (``note``: say what was cut)."""
        self._total_left -= self._kept
        self._keep, self._note = min(keep, self._total_left), note
        self._kept = self._dropped = 0
        self._seen = False

    def _cell_starts(self, info):
        self.start(self.cell_keep, note=True)
        for stream in (sys.stdout, sys.stderr):
            write = getattr(stream, "write", None)
            if write is None or getattr(write, "metered", False):
                continue
            watcher = getattr(getattr(stream, "watch_fd_thread", None), "ident", None)
            metered = self._metered_write(write, watcher)
            with contextlib.suppress(Exception):  # e.g. a stream that takes no attributes
                stream.write = metered
                self._wrapped.append((stream, write, metered))

    def _cell_ends(self, result):
        for stream, write, metered in self._wrapped:
            with contextlib.suppress(Exception):
                if stream.write is metered:
                    stream.write = write
        self._wrapped = []
        if self._note and self._dropped:
            with contextlib.suppress(Exception):
                self.publish({OUTPUT_CUT_MIME: {"kept": self._kept, "dropped": self._dropped}})

    def _metered_write(self, write, watcher):
        def metered(text):
            self._seen = True
            if not isinstance(text, str) or threading.get_ident() == watcher:
                return write(text)
            room = self._keep - self._kept
            if len(text) <= room:
                self._kept += len(text)
                return write(text)
            self._dropped += len(text) - max(room, 0)
            if room > 0:
                self._kept = self._keep
                write(text[:room])
            return len(text)
        metered.metered = True
        return metered

    def _metered_publish(self, data, metadata=None, **kwargs):
        self._seen = True
        size = _display_size(data)
        if self._kept + size <= self._keep:
            self._kept += size
            return self.publish(data, metadata, **kwargs)
        self._dropped += size  # a picture is kept whole or not at all
        return None

    def _metered_result(self, format_dict, md_dict=None):
        room = max(self._keep - self._kept, 0)
        size = _display_size(format_dict)
        if size > room:  # the start of its text is kept
            self._dropped += size - room
            size, format_dict = room, {"text/plain": str(format_dict.get("text/plain", ""))[:room]}
        self._kept += size
        return self._write_result(format_dict, md_dict)

    def noticed(self):
        """Whether anything was printed or displayed since the last time this was asked."""
        seen, self._seen = self._seen, False
        return seen


def _display_size(data):
    """The characters a display's mime bundle takes: its texts and base64 pictures, and the
    repr of anything else."""
    if not isinstance(data, dict):
        return len(_short_repr(data))
    return sum(len(value) if isinstance(value, str) else len(repr(value))
               for value in data.values())


def _mark_end_of_output(number):
    """Put a mark behind what call ``number`` printed on IOPub (publishing flushes stdout and
    stderr first): the trusted side charges that output to this call before taking the reply."""
    with contextlib.suppress(Exception):
        _meter.publish({OUTPUT_MARK_MIME: number})
