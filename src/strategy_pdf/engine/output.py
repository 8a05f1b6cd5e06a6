"""Writing an output so that it is never seen half written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError


def check_writable(target: Path) -> None:
    """Raise OutputError unless ``target`` can be written: checked before the work, so that a
    read-only folder or a path through a file is said at once, not after the whole render."""
    if not target.name or target.is_dir():
        raise OutputError(target, "it is a folder, no file named" if target.name else "no file named")
    existing = next(folder for folder in target.absolute().parents if folder.exists())
    if not existing.is_dir():
        raise OutputError(target, f"{existing} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(target, exc.strerror or str(exc)) from None


def write_atomically(data: bytes, target: Path) -> None:
    """Replace ``target`` only once ``data`` is completely on disk: a reader (a PDF viewer, the
    next step of a script) sees the old file or the new one, never half of one. Raise
    OutputError naming the path and the reason when it cannot (a full disk, a read-only folder)."""
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp creates the file for its owner only; a PDF is for everyone who may read the folder.
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputError(target, exc.strerror or str(exc)) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
