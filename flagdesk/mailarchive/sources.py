# SPDX-License-Identifier: EUPL-1.2
"""Find the messages in an earlier archive on disk: an mbox, a Maildir, a folder of .eml files
(or one .eml or .mbox file), for ``flagdesk import-mail``.

The folder is outside input. Nothing here follows a symbolic link or opens anything but a
regular file under the folder given, so a link cannot make the import read elsewhere; what
cannot be read is reported as a :class:`BadFile` and the rest goes on.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# An mbox message starts at a "From " line at the start of the file or after an empty line,
# that looks like an envelope line: "From sender Fri Jul  8 12:08:34 2011" (asctime). A
# "From " that a careless writer left unescaped inside a text rarely has both.
_FROM_LINE = re.compile(rb"^From \S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d\d")
# A writer with another date format: every "From " after an empty line, as the stdlib does.
_ANY_FROM_LINE = re.compile(rb"^From ")
# The first line of an RFC 5322 message is a header field ("Name: value").
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
MAILDIR_FOLDERS = ("new", "cur")


@dataclass(frozen=True)
class Location:
    """Where one message is: a whole file, or a slice of an mbox."""

    path: str
    offset: int = 0
    length: int | None = None
    number: int | None = None

    def __str__(self) -> str:
        shown = printable(self.path)
        return shown if self.number is None else f"{shown} (message {self.number})"


@dataclass(frozen=True)
class BadFile:
    path: str
    why: str

    def __str__(self) -> str:
        return f"{printable(self.path)}: {self.why}"


def printable(path: str) -> str:
    """A file name for the terminal: bytes that are not UTF-8 shown escaped, never an error."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class TooLarge(Exception):
    pass


def read(location: Location, max_bytes: int) -> bytes:
    """The message's bytes, from a regular file that is not a link (O_NOFOLLOW)."""
    fd = os.open(location.path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file")
        size = location.length if location.length is not None else info.st_size
        if size > max_bytes:
            raise TooLarge(f"larger than {max_bytes // (1024 * 1024)} MB")
        handle.seek(location.offset)
        return handle.read(size)


def find(root: Path) -> Iterator[Location | BadFile]:
    """Every message under ``root`` (a file or a folder), and every file that is not one."""
    if root.is_file():
        yield from _file(str(root))
    elif _is_maildir(str(root)):
        yield from _maildir(str(root))
    else:
        yield from _folder(str(root))


def _folder(top: str) -> Iterator[Location | BadFile]:
    for folder, dirs, files in os.walk(top, followlinks=False, onerror=None):
        for name in sorted(dirs):
            path = os.path.join(folder, name)
            if os.path.islink(path):
                yield BadFile(path, "symbolic link, not followed")
        maildirs = [d for d in dirs if _is_maildir(os.path.join(folder, d))]
        dirs[:] = sorted(d for d in dirs if d not in maildirs and d not in MAILDIR_FOLDERS)
        if _is_maildir(folder):
            continue  # its messages come from _maildir below
        for name in sorted(files):
            yield from _file(os.path.join(folder, name))
        for name in sorted(maildirs):
            yield from _maildir(os.path.join(folder, name))


def _file(path: str) -> Iterator[Location | BadFile]:
    kind = _kind_of_file(path)
    if isinstance(kind, BadFile):
        yield kind
    elif kind == "mbox":
        yield from _mbox(path)
    else:
        yield Location(path)


def _kind_of_file(path: str) -> str | BadFile:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return BadFile(path, "symbolic link, not followed")
    if not stat.S_ISREG(info.st_mode):
        return BadFile(path, "not a regular file")
    if info.st_size == 0:
        return BadFile(path, "empty file")
    try:
        head = read(Location(path, length=min(info.st_size, 1024)), max_bytes=1024)
    except OSError as exc:
        return BadFile(path, f"cannot be read ({exc.strerror or exc})")
    if head.startswith(b"From "):
        return "mbox"
    if not _HEADER_LINE.match(head.lstrip(b"\r\n")):
        return BadFile(path, "not a mail message (no header at the start)")
    return "eml"


def _mbox(path: str) -> Iterator[Location | BadFile]:
    """The messages of an mbox file as the stdlib's mailbox.mbox gives them: without the
    "From " envelope line and the empty line that separates them; ">From " stays as written."""
    starts: list[int] = []
    ends: list[int] = []
    offset, empty = 0, 1  # length of the line before if it was empty, else 0
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        envelope = _FROM_LINE if _FROM_LINE.match(handle.readline()) else _ANY_FROM_LINE
        handle.seek(0)
        for line in handle:
            if empty and envelope.match(line):
                if starts:
                    ends.append(offset - empty)
                starts.append(offset + len(line))
            empty = len(line) if line in (b"\n", b"\r\n") else 0
            offset += len(line)
    if starts:
        ends.append(offset - empty)
    for number, (begin, end) in enumerate(zip(starts, ends, strict=True), start=1):
        yield Location(path, begin, max(end - begin, 0), number)


def _is_maildir(path: str) -> bool:
    return all(
        os.path.isdir(os.path.join(path, f)) and not os.path.islink(os.path.join(path, f))
        for f in MAILDIR_FOLDERS
    )


def _maildir(path: str) -> Iterator[Location | BadFile]:
    for folder in MAILDIR_FOLDERS:
        with os.scandir(os.path.join(path, folder)) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    yield BadFile(entry.path, f"a folder inside {folder}/, skipped")
                    continue
                yield from _file(entry.path)
