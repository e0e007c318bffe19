"""The world a run of the CLI lives in, in the style of HTTPie's `Environment`: how the program was
invoked, its streams (stdin, stdout, stderr) and environment variables, whether people's stream is a
terminal, writes that survive a closed pipe or a console that cannot encode a character (`Out`), the
signals that stop a run (`Signals`, `Interrupted`) and the clocks of the heartbeats (`Clocks`).

`Environment.of` takes the process's own unless a caller (a test) passes its own: nothing else in the CLI
reads `sys.stdin`, `sys.stdout`, `sys.stderr` or `os.environ`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from types import FrameType
from typing import TextIO

from ..model import ExitStatus

#: How the program is named in `--help` and messages unless told how it was invoked.
PROG = "python -m validators"


class Interrupted(BaseException):
    """A signal that stops the CLI at once (before the run, or a second one during it).

    A BaseException, as KeyboardInterrupt is: raised from the handler wherever the main thread is, it
    must not be swallowed by an `except Exception` in code it interrupts (botocore's loaders, imports),
    or a Ctrl-C during start-up is lost and the run goes on to its deadline."""

    def __init__(self, status: ExitStatus) -> None:
        super().__init__(status.name)
        self.status = status


class Signals:
    """SIGINT and SIGTERM. Before the run (parsing, reading stdin) they stop at once. During the run the
    first one sets the cancel event, so the run stops within a second and still writes its partial
    reports; another one at least `ESCALATE_AFTER` seconds later stops at once. Signals that arrive
    together are one interrupt: Ctrl-C reaches a whole process group, and wrappers forward it too."""

    ESCALATE_AFTER = 1.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.cancel = threading.Event()
        self.received: ExitStatus | None = None
        self.running = False
        self._clock = clock
        self._first_at = 0.0
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        status = ExitStatus.SIGTERM if signum == signal.SIGTERM else ExitStatus.SIGINT
        if not self.running:
            raise Interrupted(status)
        if self.received is None:
            self.received, self._first_at = status, self._clock()
            self.cancel.set()
        elif self._clock() - self._first_at >= self.ESCALATE_AFTER:
            raise Interrupted(self.received)

    def __enter__(self) -> Signals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


class Out:
    """The two streams: `data` (stdout) and `people` (stdout in text mode, stderr in json mode).
    A closed pipe (`| head`) silences a stream instead of raising: the run and its reports go on."""

    def __init__(self, stdout: TextIO, stderr: TextIO, output: str, prog: str = PROG) -> None:
        self.prog = prog
        self.stdout = stdout
        self.stderr = stderr
        self.people = stdout if output == "text" else stderr
        self._closed: set[int] = set()

    def write(self, stream: TextIO, line: str) -> None:
        if id(stream) in self._closed:
            return
        text = line if line.endswith("\n") else line + "\n"
        try:
            try:
                stream.write(text)
            except UnicodeEncodeError:  # a stream that cannot encode it (a cp1252 console): escape, not lose
                encoding = getattr(stream, "encoding", None) or "ascii"
                stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
            stream.flush()
        except (BrokenPipeError, ValueError):  # ValueError: the stream was closed under us
            self._closed.add(id(stream))


def is_tty(stream: TextIO) -> bool:
    """Whether `stream` is a terminal; a stream that cannot tell (no `isatty`, closed) is not one."""
    with suppress(AttributeError, ValueError):
        return stream.isatty()
    return False


@dataclass(frozen=True)
class Clocks:
    """Time for the heartbeats: the clock, and the ticker's wait (`True` = stop). Injected by tests."""

    clock: Callable[[], float] = time.monotonic
    wait: Callable[[float], bool] | None = None


@dataclass(frozen=True)
class Environment:
    """What `main` reads from outside: streams, variables, the program's name and the clocks."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str]
    prog: str = PROG
    clocks: Clocks = field(default_factory=Clocks)

    @classmethod
    def of(
        cls,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        environ: Mapping[str, str] | None = None,
        prog: str = PROG,
        clocks: Clocks | None = None,
    ) -> Environment:
        """The process's own streams and variables, except those given."""
        return cls(
            stdin or sys.stdin,
            stdout or sys.stdout,
            stderr or sys.stderr,
            os.environ if environ is None else environ,
            prog,
            clocks or Clocks(),
        )

    def out(self, output: str) -> Out:
        """The streams for a run in `output` mode (`text` or `json`)."""
        return Out(self.stdout, self.stderr, output, self.prog)

    def can_draw_live(self, stream: TextIO) -> bool:
        """A live display only on a terminal that can draw one: a TTY, and `TERM` not `dumb`."""
        return is_tty(stream) and self.environ.get("TERM") != "dumb"
