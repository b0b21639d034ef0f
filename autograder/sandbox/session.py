"""The grading session: one execute request of ``dlbio_inside.serve_session`` that answers the
graders' calls, and the marks that tie what a call printed to that call.

Requests and replies are JSON texts, one per line, on a Unix socket in a folder that is
read-only inside the sandbox. What student code prints during the calls is still read on IOPub
and counted by the kernel; after a call that printed, a mark behind its output tells the trusted
side it has read all of it.
"""
import asyncio
import contextlib
import json
import os
import socket
import time
from dataclasses import dataclass, field

from .failure import SandboxFailure

REPLY_BYTES = 16 * 1024 * 1024  # the graders' largest reply is 0.3 MiB
END_SESSION_SECONDS = 5
# Opening a session is the grader's work, not the student's call, so it has an allowance of its
# own (``SandboxKernel.request``): on a busy grading machine it must not use up the call's.
OPEN_SESSION_SECONDS = 10
MARK_SECONDS = 2  # how long a reply waits for the mark behind its call's output


@dataclass
class _OutputMarks:
    """The number of the last call whose output the watch has read up to its mark."""

    seen: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


def _parse_reply(text):
    """A reply line as JSON data; one that cannot be read becomes an "unserializable" reply."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return {"status": "unserializable", "message": "the reply could not be read"}


async def stop_task(task):
    """Cancel ``task`` unless it is done, and wait until it is."""
    if not task.done():
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


class GradingSession:
    """An open ``dlbio_inside.serve_session``: the socket's two ends, the task that reads (and
    counts) IOPub until the session's execute request ends, and the marks it has read.

    ``calls``: requests sent so far; ``marks_arrive``: False once a mark failed to come (student
    code broke publishing), after which replies no longer wait for marks.
    """

    def __init__(self, reader, writer, output_watch, marks):
        self.reader = reader
        self.writer = writer
        self.output_watch = output_watch
        self.marks = marks
        self.calls = 0
        self.marks_arrive = True

    @classmethod
    async def open(cls, kernel, path):
        """Start ``serve_session`` in ``kernel`` (a SandboxKernel) and accept its connection on
        a fresh socket at ``path``. How long it may take is the caller's to enforce (the
        kernel cancels this coroutine)."""
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        output_watch = accept = None
        try:
            listener.bind(str(path))
            os.chmod(path, 0o666)  # the sandbox user connects
            listener.listen(1)
            listener.setblocking(False)
            message_id = kernel.client.execute(
                f"__import__('dlbio_inside').serve_session({str(path)!r})", store_history=False,
                allow_stdin=False, stop_on_error=False)
            marks = _OutputMarks()
            output_watch = asyncio.ensure_future(kernel.watch_output(message_id, marks=marks))
            accept = asyncio.ensure_future(asyncio.get_running_loop().sock_accept(listener))
            await asyncio.wait({accept, output_watch}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            for task in (accept, output_watch):
                if task is not None:
                    await stop_task(task)
            raise
        finally:
            listener.close()
            path.unlink(missing_ok=True)
        if not accept.done():
            await stop_task(accept)
            await stop_task(output_watch)
            output_watch.result()  # raises why the kernel died or flooded
            raise SandboxFailure("no_reply", "your code stopped the grader from calling it "
                                             "(did it replace or break dlbio_inside?)")
        connection, _ = accept.result()
        reader, writer = await asyncio.open_unix_connection(sock=connection, limit=REPLY_BYTES)
        return cls(reader, writer, output_watch, marks)

    async def exchange(self, line):
        """Write one request line and wait for one reply line, while IOPub is counted. How
        long it may take is the caller's to enforce (the kernel cancels this coroutine).
        Returns the reply (a dict, unless it was malformed)."""
        self.calls += 1
        self.writer.write(line)
        reply = asyncio.ensure_future(self.reader.readline())
        try:
            await asyncio.wait({reply, self.output_watch}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            await stop_task(reply)
            raise
        if reply.done():
            try:
                text = reply.result()
            except ValueError:
                raise SandboxFailure("no_reply", f"its reply was larger than "
                                                 f"{REPLY_BYTES // 2**20} MiB") from None
            reply = _parse_reply(text)
            if isinstance(reply, dict) and reply.get("mark") is not None:
                await self._output_of_call_read()
            if text.endswith(b"\n") and not self.output_watch.done():
                return reply
            # The socket closed (the kernel died, or student code ended the session), or the
            # output read during this call flooded: say which.
            await asyncio.wait({self.output_watch}, timeout=END_SESSION_SECONDS)
        else:
            await stop_task(reply)
        if self.output_watch.done():
            self.output_watch.result()  # raises why the kernel died or flooded
        raise SandboxFailure("no_reply", "your code ended the grader's session "
                                         "(did it replace or break dlbio_inside?)")

    async def _output_of_call_read(self):
        """Wait until the watch has read the mark behind the last call's output (a call that
        printed or displayed something says so in its reply), so that a flood is charged to the
        call that printed it. At most MARK_SECONDS; a session whose marks stop coming stops
        waiting for them."""
        give_up = time.monotonic() + MARK_SECONDS
        while (self.marks_arrive and self.marks.seen < self.calls
               and not self.output_watch.done()):
            self.marks.arrived.clear()
            try:
                await asyncio.wait_for(self.marks.arrived.wait(), give_up - time.monotonic())
            except asyncio.TimeoutError:
                self.marks_arrive = False

    async def end(self):
        """Let ``serve_session`` return, so that cells can run again; True if it did."""
        self.writer.write(b"\n")
        await asyncio.wait({self.output_watch}, timeout=END_SESSION_SECONDS)
        return self.output_watch.done() and not self.output_watch.exception()

    async def close(self):
        """Stop reading the session's output and close our end of the socket now (nothing is
        left to send)."""
        await stop_task(self.output_watch)
        self.writer.transport.abort()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()
