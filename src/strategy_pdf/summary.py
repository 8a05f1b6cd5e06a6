"""The change summary of `strategy-pdf changes REV`: per chapter, the rows added, changed and
removed since an earlier revision, each change named by row, block, field and cell."""

from __future__ import annotations

from dataclasses import dataclass

from . import compare, model, texts

EXCERPT_CONTEXT = 8
EXCERPT_LIMIT = 32
CHANGES_SHOWN = 6  # per row; a rewritten row says how many more
SUMMARISED = texts.PRINTED | {texts.ACTUAL}
SEPARATOR = " › "


@dataclass(frozen=True)
class RowChange:
    chapter: str
    row_id: str
    kind: str                 # added, changed or removed
    details: tuple[str, ...]  # one line per change: where, and what


def compare_documents(old: model.Document, new: model.Document) -> tuple[RowChange, ...]:
    """Rows added, removed and changed from ``old`` to ``new``, matched by id, in new order."""
    old_rows = {row.id: (chapter, row) for chapter in old.chapters for row in chapter.rows}
    new_ids = {row.id for row in new.rows}
    result = []
    for chapter in new.chapters:
        for row in chapter.rows:
            if row.id not in old_rows:
                result.append(RowChange(chapter.title, row.id, "added", (outline(row),)))
            elif details := _row_changes(old_rows[row.id][1], row):
                result.append(RowChange(chapter.title, row.id, "changed", details))
    for row_id, (chapter, row) in old_rows.items():
        if row_id not in new_ids:
            result.append(RowChange(chapter.title, row_id, "removed", (outline(row),)))
    return tuple(result)


def outline(row: model.Row) -> str:
    """A row's blocks, each by kind and the start of its first text."""
    blocks = row.draft or row.current
    parts = []
    for block in blocks:
        first = next((text.value for text in texts.block_texts(block) if text.value and text.kind in texts.PRINTED), "")
        parts.append(f"{texts.block_kind(block)} {_clip(first, 16)}")
    side = "" if row.draft else "現行: "
    return side + " ／ ".join(parts)


def _row_changes(old: model.Row, new: model.Row) -> tuple[str, ...]:
    lines = []
    for side, label in (("draft", ""), ("current", "現行" + SEPARATOR)):
        old_blocks, new_blocks = getattr(old, side), getattr(new, side)
        for change in compare.compare_sides(old_blocks, new_blocks, SUMMARISED).changes:
            lines.append(label + describe(change, old_blocks, new_blocks))
    if old.remarks != new.remarks:
        lines.append(f"備考: {' '.join(old.remarks) or '（なし）'} → {' '.join(new.remarks) or '（なし）'}")
    if old.page_break != new.page_break:
        lines.append(f"break: {'page' if old.page_break else '（なし）'} → {'page' if new.page_break else '（なし）'}")
    if len(lines) > CHANGES_SHOWN:
        lines = lines[:CHANGES_SHOWN] + [f"… {len(lines) - CHANGES_SHOWN} more change(s)"]
    return tuple(lines)


def describe(change: compare.FieldChange, old_blocks, new_blocks) -> str:
    """``2 kpi › 企業立地件数（累計） › 目標値（R5）: [-194-]{+200+}``; a text of prose with a
    little of its context."""
    block, text = change.new or change.old
    blocks = new_blocks if change.new else old_blocks
    where = f"{block + 1} {texts.block_kind(blocks[block])}"
    if text.label != "本文":
        where += SEPARATOR + text.label
    deleted = f"[-{_clip(change.deleted)}-]" if change.deleted else ""
    inserted = f"{{+{_clip(change.inserted)}+}}" if change.inserted else ""
    if change.new is not None:
        value, (start, end) = text.value, change.new_span
    else:
        value, (start, end) = change.old[1].value, change.old_span
    before = value[max(0, start - EXCERPT_CONTEXT):start]
    after = value[end:end + EXCERPT_CONTEXT]
    lead = "…" if start > EXCERPT_CONTEXT else ""
    tail = "…" if end + EXCERPT_CONTEXT < len(value) else ""
    return f"{where}: {lead}{before}{deleted}{inserted}{after}{tail}"


def _clip(text: str, limit: int = EXCERPT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def format_changes(changes: tuple[RowChange, ...], revision: str) -> str:
    if not changes:
        return f"no changes since {revision}"
    lines = []
    for chapter in dict.fromkeys(change.chapter for change in changes):
        in_chapter = [change for change in changes if change.chapter == chapter]
        counts = {kind: sum(change.kind == kind for change in in_chapter) for kind in ("added", "changed", "removed")}
        lines.append(f"{chapter}: {counts['added']} added, {counts['changed']} changed, {counts['removed']} removed")
        for change in in_chapter:
            if len(change.details) == 1:
                lines.append(f"  {change.kind:<8} {change.row_id}{SEPARATOR}{change.details[0]}")
            else:
                lines.append(f"  {change.kind:<8} {change.row_id}")
                lines += [f"             {detail}" for detail in change.details]
    total = {kind: sum(change.kind == kind for change in changes) for kind in ("added", "changed", "removed")}
    lines.append(f"since {revision}: {total['added']} added, {total['changed']} changed, {total['removed']} removed")
    return "\n".join(lines)
