"""Writing report files so that readers only ever see the old file or the whole new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

#: Mode of a new report file. mkstemp makes 0600; reports are shared artefacts, so widen to the usual
#: 0644. (Honouring the umask would mean calling os.umask, which is process-wide and races other threads.)
NEW_FILE_MODE = 0o644


def write_atomic(path: str | Path, text: str) -> None:
    """Replace the file at `path` by `text` (UTF-8) in one step.

    Rule: the text is encoded first, written to a temporary file in the same directory (so the rename
    stays on one file system), flushed and fsynced, then renamed over `path` with `os.replace`, which is
    atomic on POSIX and Windows. On any failure, including KeyboardInterrupt or SystemExit raised by a
    signal handler mid-write, the temporary file is removed and the exception propagates; the old file
    (if any) is left as it was. An existing file keeps its permission bits; a new one gets 0644. Only a
    hard kill (SIGKILL, power loss) can leave a `.<name>.*.tmp` file behind, and never a partial `path`.
    """
    target = Path(path)
    data = text.encode("utf-8")  # fail on unencodable text before anything touches the disk
    directory = target.parent
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX); best effort elsewhere."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
