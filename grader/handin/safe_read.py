"""Reading a file that a student may have shaped, in the grader's own process.

A hand-in's files, and above all its working copy once the student's code has run in it, can be anything:
a FIFO (``open()`` blocks forever), a link to ``/dev/zero`` (a read never ends), ``/proc/kmsg`` or a huge
file. :func:`read_regular` reads only a regular file, opened without blocking and (unless asked) without
following a link, and never more than ``limit`` bytes: anything else is ``None``, as a file that is not there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Opened this way, a FIFO does not block open() and a link is not followed (ELOOP): the hand-in's copy, the
# re-grade digest and the reads below all open a student's files so.
NO_FOLLOW_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
TEXT_LIMIT = 4 * 1024 * 1024  # far above any lab file; a configuration file or source read for a decision
_CHUNK = 1 << 20


def read_regular(path: Path | str, limit: int = TEXT_LIMIT, follow_links: bool = False) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes, else None (never blocks).

    ``follow_links``: a link is followed (a teacher's own configuration file may be one), still to a regular
    file only."""
    flags = NO_FOLLOW_FLAGS & ~getattr(os, "O_NOFOLLOW", 0) if follow_links else NO_FOLLOW_FLAGS
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None  # larger than the limit
    except OSError:  # e.g. EAGAIN from a /proc file that would block
        return None
    finally:
        os.close(fd)


def read_regular_text(path: Path | str, limit: int = TEXT_LIMIT, follow_links: bool = False) -> str | None:
    """:func:`read_regular` decoded as UTF-8 (undecodable bytes replaced)."""
    data = read_regular(path, limit, follow_links)
    return None if data is None else data.decode("utf-8", errors="replace")
