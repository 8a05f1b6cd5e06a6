"""The sources in git: the revision stamp of a build, what changed since an earlier revision,
and 見え消し against it."""

from __future__ import annotations

import dataclasses
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
from .annotate import side_texts, with_side_texts
from .changes import DELETED, INSERTED, changed_pairs, revision_units, wholly
from .errors import SourceError, StrategyPdfError

ADDED_ROW = "（前回以降に追加）"
REMOVED_ROW = "（前回以降に削除）"
EXCERPT_CONTEXT = 8


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
    """The stamp of the checkout holding ``source_dir``; None outside git or before a commit."""
    try:
        log = _git(source_dir.resolve(), "log", "-1", "--format=%h %cs %cI")
        status = _git(source_dir.resolve(), "status", "--porcelain")
    except RevisionError:
        return None
    short_hash, date, committed = log.decode().split()
    return Stamp(short_hash, date, committed, dirty=bool(status.strip()))


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
        raise RevisionError(f"'{revision}' is not a revision of the git repository at {top}") from None
    archive = _git(top, "archive", "--format=tar", revision, "--", inside)
    with tempfile.TemporaryDirectory(prefix="strategy-pdf-rev-") as temporary:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(temporary, filter="data")
        yield Path(temporary) / inside


def load_document_at(source_dir: Path, revision: str) -> model.Document:
    with sources_at(source_dir, revision) as old_source:
        try:
            return parse.load_document(old_source)
        except SourceError as exc:
            raise RevisionError(f"the sources at {revision} are not valid:\n{exc}") from None


@dataclass(frozen=True)
class RowChange:
    chapter: str
    row_id: str
    kind: str  # "added", "removed" or "changed"
    excerpt: str


def compare(old: model.Document, new: model.Document) -> tuple[RowChange, ...]:
    """Rows added, removed and changed from ``old`` to ``new``, matched by id, in new order."""
    old_rows = {row.id: (chapter, row) for chapter in old.chapters for row in chapter.rows}
    new_ids = {row.id for row in new.rows}
    changes = []
    for chapter in new.chapters:
        for row in chapter.rows:
            if row.id not in old_rows:
                changes.append(RowChange(chapter.title, row.id, "added", _whole_excerpt(row)))
            elif (excerpt := _change_excerpt(old_rows[row.id][1], row)) is not None:
                changes.append(RowChange(chapter.title, row.id, "changed", excerpt))
    for row_id, (chapter, row) in old_rows.items():
        if row_id not in new_ids:
            changes.append(RowChange(chapter.title, row_id, "removed", _whole_excerpt(row)))
    return tuple(changes)


def _whole_excerpt(row: model.Row) -> str:
    text = "".join(side_texts(row.draft or row.current))
    return text[:2 * EXCERPT_CONTEXT + 16] + ("…" if len(text) > 2 * EXCERPT_CONTEXT + 16 else "")


def _change_excerpt(old: model.Row, new: model.Row) -> str | None:
    for side in ("draft", "current"):
        before, after = "".join(side_texts(getattr(old, side))), "".join(side_texts(getattr(new, side)))
        pairs = changed_pairs(before, after)
        if pairs:
            (o1, o2), (n1, n2) = pairs[0]
            label = "" if side == "draft" else "現行: "
            more = f" (+{len(pairs) - 1})" if len(pairs) > 1 else ""
            deleted = f"[-{_clip(before[o1:o2])}-]" if o2 > o1 else ""
            inserted = f"{{+{_clip(after[n1:n2])}+}}" if n2 > n1 else ""
            return (f"{label}…{after[max(0, n1 - EXCERPT_CONTEXT):n1]}{deleted}{inserted}"
                    f"{after[n2:n2 + EXCERPT_CONTEXT]}…{more}")
    if old.remarks != new.remarks:
        return f"備考: {' '.join(old.remarks)} → {' '.join(new.remarks)}"
    return None


def _clip(text: str, limit: int = 4 * EXCERPT_CONTEXT) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def format_changes(changes: tuple[RowChange, ...], revision: str) -> str:
    if not changes:
        return f"no changes since {revision}"
    lines = []
    for chapter in dict.fromkeys(change.chapter for change in changes):
        in_chapter = [change for change in changes if change.chapter == chapter]
        counts = {kind: sum(change.kind == kind for change in in_chapter) for kind in ("added", "changed", "removed")}
        lines.append(f"{chapter}: {counts['added']} added, {counts['changed']} changed, {counts['removed']} removed")
        lines += [f"  {change.kind:<8} {change.row_id}: {change.excerpt}" for change in in_chapter]
    total = {kind: sum(change.kind == kind for change in changes) for kind in ("added", "changed", "removed")}
    lines.append(f"since {revision}: {total['added']} added, {total['changed']} changed, {total['removed']} removed")
    return "\n".join(lines)


def mark_since(old: model.Document, new: model.Document) -> model.Document:
    """見え消し in the draft column: what changed since ``old``, rows matched by id; removed rows
    come back struck through where they stood."""
    old_rows = {row.id: row for row in old.rows}
    new_ids = {row.id for row in new.rows}
    old_order = [row.id for row in old.rows]
    chapters = []
    leading = _removed_after(None, old_order, old_rows, new_ids)
    for chapter in new.chapters:
        rows, leading = leading, []
        for row in chapter.rows:
            rows.append(_revised_row(old_rows.get(row.id), row))
            rows += _removed_after(row.id, old_order, old_rows, new_ids)
        chapters.append(dataclasses.replace(chapter, rows=tuple(rows)))
    return dataclasses.replace(new, chapters=tuple(chapters))


def _revised_row(old: model.Row | None, new: model.Row) -> model.Row:
    if old is None:
        return dataclasses.replace(new, draft=with_side_texts(new.draft, wholly(side_texts(new.draft), INSERTED)),
                                   remarks=new.remarks + (ADDED_ROW,))
    draft = with_side_texts(new.draft, revision_units(side_texts(old.draft), side_texts(new.draft)))
    if old.draft and not new.draft:
        draft = with_side_texts(old.draft, wholly(side_texts(old.draft), DELETED))
    return dataclasses.replace(new, draft=draft)


def _removed_after(row_id: str | None, old_order: list[str], old_rows: dict[str, model.Row],
                   new_ids: set[str]) -> list[model.Row]:
    """The old rows that followed ``row_id`` (None: the start) and no longer exist, up to the
    next surviving one."""
    if row_id is not None and row_id not in old_rows:
        return []
    start = 0 if row_id is None else old_order.index(row_id) + 1
    removed = []
    for following in old_order[start:]:
        if following in new_ids:
            break
        row = old_rows[following]
        removed.append(dataclasses.replace(row, draft=with_side_texts(row.draft, wholly(side_texts(row.draft), DELETED)),
                                           remarks=row.remarks + (REMOVED_ROW,)))
    return removed
