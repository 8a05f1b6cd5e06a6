"""The sources in git: the revision stamp of a build, and the sources as they were at an
earlier revision (for 見え消し and `changes`)."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import model, parse
from .errors import SourceError, StrategyPdfError


class RevisionError(StrategyPdfError):
    """An earlier revision could not be read from git."""


def _git(cwd: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("git is not installed; --since and changes need it") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return result.stdout


@dataclass(frozen=True)
class Stamp:
    """The revision a build was made from: every page's footer carries it."""

    short_hash: str
    date: str       # the commit's date, YYYY-MM-DD
    committed: str  # the commit's time, ISO 8601
    dirty: bool

    def __str__(self) -> str:
        return f"rev {self.short_hash} ({self.date}){' +dirty' if self.dirty else ''}"


def current_stamp(source_dir: Path) -> Stamp | None:
    """The stamp of the checkout holding ``source_dir``; None outside git, before a commit, or
    when the sources are not tracked there (unpacked inside an unrelated repository)."""
    try:
        if not _git(source_dir.resolve(), "ls-files", "--", ".").strip():
            return None
        log = _git(source_dir.resolve(), "log", "-1", "--format=%h %cs %cI")
        status = _git(source_dir.resolve(), "status", "--porcelain")
    except RevisionError:
        return None
    short_hash, date, committed = log.decode().split()
    return Stamp(short_hash, date, committed, dirty=bool(status.strip()))


def uncommitted(source_dir: Path) -> list[str]:
    """``git status`` lines of the files under ``source_dir`` that differ from the last commit."""
    status = _git(source_dir.resolve(), "status", "--porcelain", "--untracked-files=all", "--", ".")
    return status.decode("utf-8", "replace").splitlines()


def creation_date(stamp: Stamp | None) -> str:
    """The PDF's creation date: SOURCE_DATE_EPOCH when set, else the stamp's commit time, never
    the clock, so that the same sources give the same bytes."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        if not epoch.isdigit():
            raise RevisionError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {epoch!r}")
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).isoformat()
    return stamp.committed if stamp else ""


@contextmanager
def sources_at(source_dir: Path, revision: str) -> Iterator[Path]:
    """The source directory as it was at ``revision``, in a temporary directory."""
    source_dir = source_dir.resolve()
    if not source_dir.is_dir():
        raise RevisionError(f"{source_dir} is not a directory")
    top = Path(_git(source_dir, "rev-parse", "--show-toplevel").decode().strip())
    inside = source_dir.relative_to(top).as_posix()
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except RevisionError:
        tags = _git(top, "tag", "--list", "--sort=version:refname", "meeting-*").decode().split()
        known = f"the meeting tags are {', '.join(tags)}" if tags else "there is no meeting-N tag yet"
        raise RevisionError(f"'{revision}' is not a revision of the git repository at {top}: {known}; tag the "
                            f"revision a meeting saw with git tag meeting-N (README: From one meeting to the next)"
                            f"{_shallow_hint(top)}") from None
    if not _git(top, "ls-tree", "-d", revision, "--", inside).strip():
        raise RevisionError(f"there is no {inside}/ at revision {revision}")
    archive = _git(top, "archive", "--format=tar", revision, "--", inside)
    with tempfile.TemporaryDirectory(prefix="strategy-pdf-rev-") as temporary:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            try:
                tar.extractall(temporary, filter="data")
            except tarfile.FilterError as exc:
                link = f", a link to {exc.tarinfo.linkname} outside them" if exc.tarinfo.issym() or exc.tarinfo.islnk() \
                    else ", which may not be extracted"
                raise RevisionError(f"the sources at {revision} hold {exc.tarinfo.name}{link}; sources are plain files") \
                    from None
        yield Path(temporary) / inside


def _shallow_hint(top: Path) -> str:
    """A shallow clone (CI's default) lacks the history a revision may be in: say so."""
    if _git(top, "rev-parse", "--is-shallow-repository").strip() != b"true":
        return ""
    oldest = _git(top, "log", "--reverse", "--format=%h (%cs)").decode().split("\n")[0]
    return f"; this clone is shallow: its history stops at {oldest}; fetch the rest with git fetch --unshallow"


def load_document_at(source_dir: Path, revision: str) -> model.Document:
    with sources_at(source_dir, revision) as old_source:
        try:
            return parse.load_document(old_source)
        except SourceError as exc:
            raise RevisionError(f"the sources at {revision} are not valid:\n{exc}") from None
