# SPDX-License-Identifier: EUPL-1.2
"""Files that hold personal data or secrets (backups, archive exports): their owner's alone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


def open_private(path: Path) -> IO[bytes]:
    """``path`` opened for writing, readable by its owner only from its first byte on.

    A backup holds password hashes and TOTP keys. Created with mode 0600 (the umask can only
    take bits away) and set to 0600 again in case an earlier run left the file behind wider;
    a symlink planted at ``path`` is refused rather than followed.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW
    descriptor = os.open(path, flags, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "wb")
