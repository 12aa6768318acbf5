"""Parent side of the sandbox: start, talk to, time-limit and kill the student process.

The student's process is ``python -I child.py`` started in its own session
(process group) with a temporary copy of the submission as working folder,
stdout and stderr captured to files, torch/BLAS pinned to one thread and
requests/replies on two dedicated pipes. Every request has a deadline; when it
passes, the whole process group is killed (and with it, under bwrap or
unshare, the student's PID namespace). :class:`~grader.sandbox.isolation.Sandbox`
wraps the command line in the chosen sandbox level.

Replies are untrusted: the student's code can write any bytes to the reply pipe (its number is on
the child's command line). A reply is parsed with limits (:func:`parse_reply`: at most
``MAX_REPLY_BYTES``, JSON, an object, nesting within the parser's recursion limit) and its fields
are read with their types checked and their lengths bounded; anything else is a
:class:`~grader.sandbox.errors.StudentProtocolError` (the student's ``error``), after which the
process is killed (its next reply could answer the wrong request).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from grader.sandbox.environment import child_environment
from grader.sandbox.errors import Doing, LauncherError, StudentCrash, StudentError, StudentProtocolError, \
    StudentTimeout
from grader.sandbox.isolation import Sandbox
from grader.sandbox.running import ask_where, not_again_of
from grader.text import bounded

CHILD_SCRIPT = Path(__file__).with_name("child.py")
MAX_REPLY_BYTES = 64 * 1024 * 1024
ASK_WHERE = ("calling", "creating", "backward")  # a timeout there: ask which student function was running
# Progress events ({"event": "importing", "module": ...}) are a few bytes; anything but a final reply (which
# child.py writes as '{"ok": ...') larger than this is refused before it is parsed, and a request gets at
# most MAX_EVENTS of them: each line is parsed here with the GIL held, and in a class run a student's flood
# of large events starved the threads grading the others (a classmate's gradcheck timed out).
MAX_EVENT_BYTES = 64 * 1024
MAX_EVENTS = 1000
FINAL_PREFIX = b'{"ok": '
OUTPUT_TAIL_BYTES = 2000
# Bounds on the text fields of an error reply (the child itself cuts the message to 2000 characters).
MAX_ERROR_TYPE, MAX_ERROR_MESSAGE, MAX_ERROR_WHERE, MAX_TRACEBACK_LINES, MAX_TRACEBACK_LINE = 200, 2000, 300, 10, 300

class StudentProcess:
    """One student process. Not thread-safe; one request at a time."""

    def __init__(self, submission_dir: Path, workdir: Path, launcher=None, sandbox: Sandbox | None = None,
                 child_script: Path = CHILD_SCRIPT):
        self.submission_dir = submission_dir
        self.workdir = workdir
        self.launcher = launcher  # a WarmLauncher (class runs): fork from a warm process instead
        self.sandbox = sandbox or Sandbox("none")
        self.child_script = child_script
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None
        self._resp_fd: int | None = None
        self._req_file = None
        self._buffer = bytearray()
        self.last_event: dict[str, Any] | None = None
        self.stdout_path = workdir / "student-stdout.txt"
        self.stderr_path = workdir / "student-stderr.txt"

    # ------------------------------------------------------------ lifecycle
    def command(self, req_fd: int, resp_fd: int) -> list[str]:
        args = ["--req", str(req_fd), "--resp", str(resp_fd), "--submission", str(self.submission_dir),
                "--workdir", str(self.workdir)]
        return self.sandbox.command(self.child_script, args, self.submission_dir, self.workdir)

    def start(self) -> None:
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.pid = self._start_warm(req_r, resp_w, out, err) if self.launcher else None
            if self.pid is None:
                self.proc = subprocess.Popen(
                    self.command(req_r, resp_w), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                    pass_fds=(req_r, resp_w), cwd=self.submission_dir, env=child_environment(),
                    start_new_session=True, close_fds=True,
                )
                self.pid = self.proc.pid
        os.close(req_r)
        os.close(resp_w)
        self._req_file = os.fdopen(req_w, "w", encoding="utf-8")
        self._resp_fd = resp_r
        self._buffer = bytearray()

    def _start_warm(self, req_r: int, resp_w: int, out, err) -> int | None:
        try:
            return self.launcher.spawn(self.submission_dir, self.workdir, (req_r, resp_w, out.fileno(), err.fileno()),
                                       self.sandbox.uid, self.sandbox.limits.as_dict())
        except LauncherError:
            self.launcher = None  # fall back to a fresh interpreter
            return None

    @property
    def alive(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)  # forked by the launcher: reaped by it, so gone once dead
        except ProcessLookupError:
            return False
        except PermissionError:  # pragma: no cover
            return True
        return True

    def kill(self) -> None:
        """Kill the whole process group (children the student started included), and first the process's own
        children: at ``bwrap`` and ``unshare`` (and in a class run) one of them is PID 1 of the student's PID
        namespace, whose death takes every process of the namespace with it. The student's code can leave the
        process group (``setsid``) and, once its uid is dropped, the parent-death signal is gone: only a signal
        sent to that PID 1 itself reaches it."""
        if self.pid is None:
            return
        self.send_kill()
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - the kernel always reaps SIGKILL
                pass
        else:
            deadline = time.monotonic() + 5
            while self.alive and time.monotonic() < deadline:
                time.sleep(0.01)
        self._close_pipes()

    def send_kill(self) -> None:
        """Only the signals of :meth:`kill`: safe while another thread waits for this process's reply (the
        pipes stay open, so that thread sees the end of the process, not a descriptor closed under it)."""
        if self.pid is None:
            return
        for child in children_of(self.pid):
            try:
                os.kill(child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        """Ask nothing more: close the pipes and make sure nothing is left running."""
        self.kill()

    def _close_pipes(self) -> None:
        for closer in (lambda: self._req_file and self._req_file.close(),
                       lambda: self._resp_fd is not None and os.close(self._resp_fd)):
            try:
                closer()
            except OSError:
                pass
        self._req_file = None
        self._resp_fd = None

    # ------------------------------------------------------------ requests
    def request(self, op: str, payload: dict[str, Any], timeout_s: float, doing: Doing | None = None,
                on_event: Callable[[dict], None] | None = None) -> Any:
        """Send one request and wait for its final reply, at most ``timeout_s`` seconds."""
        self.send(op, payload)
        return self.receive(timeout_s, doing, on_event)

    def send(self, op: str, payload: dict[str, Any]) -> None:
        if not self.alive:
            raise self._crash("the student process is not running")
        try:
            self._req_file.write(json.dumps({"op": op, **payload}) + "\n")
            self._req_file.flush()
        except (BrokenPipeError, OSError):
            raise self._crash("the student process stopped reading requests") from None

    def receive(self, timeout_s: float, doing: Doing | None = None,
                on_event: Callable[[dict], None] | None = None) -> Any:
        """Wait for the final reply to the last request sent."""
        deadline = time.monotonic() + max(timeout_s, 0.0)
        events = 0
        while True:
            message = self._read_message(deadline, timeout_s, doing)
            if "event" in message:
                events += 1
                if events > MAX_EVENTS:
                    self.kill()
                    raise StudentProtocolError(f"more than {MAX_EVENTS} progress events for one request")
                self.last_event = message
                if on_event:
                    on_event(message)
                continue
            stopped = not_again_of(message)
            if stopped is not None:
                raise stopped
            if message.get("ok") is True:
                return message.get("result")
            raise error_from(message.get("error"), doing)

    def _read_message(self, deadline: float, timeout_s: float, doing: Doing | None) -> dict:
        scanned = 0  # the buffer before this holds no newline: each byte is searched once
        while (end := self._buffer.find(b"\n", scanned)) < 0:
            scanned = len(self._buffer)
            if scanned > MAX_REPLY_BYTES:
                self.kill()
                raise StudentProtocolError(f"a reply larger than {MAX_REPLY_BYTES // 2**20} MB")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                running = ask_where(self) if doing is not None and doing.kind in ASK_WHERE else None
                self.kill()
                raise StudentTimeout(timeout_s, doing, running)
            ready, _, _ = select.select([self._resp_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._resp_fd, 1 << 20)
            if not chunk:
                raise self._crash("the student process ended", doing)
            self._buffer += chunk
        line = bytes(self._buffer[:end])
        del self._buffer[:end + 1]
        try:
            if len(line) > MAX_EVENT_BYTES and not line.startswith(FINAL_PREFIX):
                raise StudentProtocolError(f"a progress event larger than {MAX_EVENT_BYTES // 1024} KB")
            message = parse_reply(line)
            if "event" in message and len(line) > MAX_EVENT_BYTES:
                raise StudentProtocolError(f"a progress event larger than {MAX_EVENT_BYTES // 1024} KB")
            return message
        except StudentProtocolError:
            self.kill()
            raise

    def read_event(self, deadline: float) -> dict | None:
        """The next message if one arrives before ``deadline`` (None otherwise, or when the process ended);
        for :func:`grader.sandbox.running.ask_where`."""
        try:
            return self._read_message(deadline, 0.0, None)
        except (StudentTimeout, StudentCrash):
            return None

    def ask(self, op: str) -> bool:
        """Send ``{"op": op}`` without waiting for anything; False when the process no longer reads."""
        try:
            self._req_file.write(json.dumps({"op": op}) + "\n")
            self._req_file.flush()
            return True
        except (AttributeError, OSError, ValueError):
            return False

    def _crash(self, what: str, doing: Doing | None = None) -> StudentCrash:
        returncode = None
        if self.proc is not None:
            try:
                returncode = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        # (a process forked by the warm launcher is reaped by it: its exit code is not known here)
        self.kill()
        reason = what
        if returncode is not None:
            if returncode < 0:
                try:
                    name = signal.Signals(-returncode).name
                except ValueError:
                    name = f"signal {-returncode}"
                reason += f" (killed by {name})"
            else:
                reason += f" (exit code {returncode})"
        return StudentCrash(reason, returncode, self.output_tail(), doing)

    def output_tail(self) -> str:
        """The last lines the student's code printed (stderr first), for messages."""
        parts = []
        for path in (self.stderr_path, self.stdout_path):
            try:
                with open(path, "rb") as fh:
                    fh.seek(0, os.SEEK_END)
                    size = fh.tell()
                    fh.seek(max(0, size - OUTPUT_TAIL_BYTES))
                    parts.append(fh.read().decode("utf-8", "replace"))
            except OSError:
                continue
        return "\n".join(p.strip() for p in parts if p.strip())


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from ``/proc``: ``/proc/PID/task/*/children`` needs a kernel
    option not every kernel has)."""
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[-1].split()  # after the command name, which may hold ") "
        except OSError:
            continue
        if len(fields) > 1 and fields[1] == str(pid).encode():
            found.append(int(name))
    return found


def parse_reply(line: bytes) -> dict:
    """One reply line as a JSON object, or :class:`StudentProtocolError` saying what is wrong with it.

    ``json.loads`` bounds what it builds: nesting deeper than the interpreter's recursion limit
    raises ``RecursionError`` (caught here), an integer of more than 4300 digits ``ValueError``.
    """
    try:
        message = json.loads(line)
    except RecursionError:
        raise StudentProtocolError("a reply nested too deeply") from None
    except ValueError:  # not UTF-8, not JSON, an integer too long to convert
        raise StudentProtocolError("a reply that is not JSON") from None
    if not isinstance(message, dict):
        raise StudentProtocolError("a reply that is not a JSON object")
    return message


def error_from(error: Any, doing: Doing | None) -> StudentError:
    """The student's exception as the child reported it, every field type-checked and bounded."""
    error = error if isinstance(error, dict) else {}
    lines = error.get("traceback") if isinstance(error.get("traceback"), list) else []
    return StudentError(bounded(error.get("type"), MAX_ERROR_TYPE, "Error") or "Error",
                        bounded(error.get("message"), MAX_ERROR_MESSAGE),
                        bounded(error.get("where"), MAX_ERROR_WHERE) or None,
                        [bounded(x, MAX_TRACEBACK_LINE) for x in lines[:MAX_TRACEBACK_LINES] if isinstance(x, str)],
                        call=doing)
