# SPDX-License-Identifier: EUPL-1.2
"""Files that are written once and never changed: archived mail, final reports."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_once(path: Path, data: bytes, *, sync: bool = True) -> bool:
    """Write ``data`` to ``path`` read-only, whole or not at all; leave an existing file alone.

    Content-addressed callers name the file by its hash, so an existing file already holds
    these bytes. ``sync=False`` leaves the flush to the caller (one sync for a batch).
    Returns whether the file was written now.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(temporary, 0o444)
        os.replace(temporary, path)
    except BaseException:
        # A full disk (ENOSPC) or an I/O error: leave no partial file behind.
        temporary.unlink(missing_ok=True)
        raise
    return True
