"""write_atomic: readers see the old file or the whole new one, never a part; no temporary file is left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from validators.reports import files
from validators.reports.files import NEW_FILE_MODE, write_atomic


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_writes_a_new_file_as_utf8_with_the_usual_mode(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_atomic(path, "<x>\u00e9\U0001f600</x>\n")
    assert path.read_bytes() == "<x>\u00e9\U0001f600</x>\n".encode()
    assert stat.S_IMODE(path.stat().st_mode) == NEW_FILE_MODE
    assert _leftovers(tmp_path) == []


def test_replaces_an_existing_file_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o600)
    write_atomic(str(path), "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failing_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("old complete report", encoding="utf-8")

    def failing_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, "new report")
    assert path.read_text(encoding="utf-8") == "old complete report"
    assert _leftovers(tmp_path) == []


def test_an_interrupt_mid_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("old complete report", encoding="utf-8")
    written: list[int] = []

    def interrupted_fsync(fd: int) -> None:
        written.append(os.fstat(fd).st_size)  # the new text is in the temporary file by now...
        raise KeyboardInterrupt  # ...when SIGINT arrives

    monkeypatch.setattr(files.os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "x" * 10_000)
    assert written == [10_000]
    assert path.read_text(encoding="utf-8") == "old complete report"
    assert _leftovers(tmp_path) == []


def test_unencodable_text_fails_before_touching_the_disk(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(path, "lone \ud800 surrogate")
    assert path.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_a_missing_directory_is_an_error_not_a_partial_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no-such-dir" / "junit.xml", "x")
