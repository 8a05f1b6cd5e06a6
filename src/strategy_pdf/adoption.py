"""After the council adopts a draft: adopt (the draft becomes the text in force) and
check-current (the 現行 column is exactly the draft adopted at a revision)."""

from __future__ import annotations

import copy
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import compare, eras, loader, model, parse, revisions, summary, texts
from .errors import Location, SourceError, StrategyPdfError, display_path
from .lint import Finding
from .engine import write_atomically

RULE = "check-current"


class AdoptRefused(StrategyPdfError):
    """adopt would change sources that git could not give back: outside git, or uncommitted."""


class CurrentDiffers(StrategyPdfError):
    """check-current found 現行 text that is not the adopted draft."""


@dataclass(frozen=True)
class Adopted:
    """What adopt did, for its report."""

    revision: revisions.Stamp
    in_force: int           # rows whose current side is now their draft side
    removed: tuple[str, ...]  # ids of rows without a draft side
    remarks_cleared: int
    chapters_removed: tuple[str, ...]
    files: tuple[str, ...]  # files rewritten or removed

    def report(self) -> str:
        year = eras.abbreviation(int(self.revision.date[:4]))
        lines = [f"adopted the draft of {self.revision.short_hash} ({self.revision.date}):",
                 f"  {self.in_force} rows: the draft is now the text in force (現行)",
                 f"  {len(self.removed)} rows without a draft removed" + (f": {', '.join(self.removed)}" if self.removed else ""),
                 f"  {self.remarks_cleared} remarks cleared"]
        if self.chapters_removed:
            lines.append(f"  chapters left without rows removed: {', '.join(self.chapters_removed)}")
        lines += [f"  document.yaml: adopted: {self.revision.short_hash} (lint now checks the 現行 column against it)",
                  f"files changed: {', '.join(self.files)}",
                  f"review with git diff, commit, and tag the adopted draft: git tag adopted-{year} {self.revision.short_hash}"]
        return "\n".join(lines)


def adopt(source_dir: Path) -> Adopted:
    """Rewrite the sources so that every row's draft side is its text in force; all files or none."""
    stamp = revisions.current_stamp(source_dir)
    if stamp is None:
        raise AdoptRefused(f"{source_dir} is not in a git repository with a commit; adopt rewrites the sources "
                           "and needs git to give them back: commit them first")
    changed = revisions.uncommitted(source_dir)
    if changed:
        raise AdoptRefused("uncommitted changes in the sources; commit or stash them first, so that adopt's changes "
                           "stand alone in git diff:\n" + "\n".join(f"  {line}" for line in changed))
    document = parse.load_document(source_dir)
    yaml = loader.round_trip_yaml()
    texts: dict[str, str] = {}
    in_force = cleared = 0
    removed: list[str] = []
    emptied: list[str] = []
    for chapter in document.chapters:
        path = source_dir / f"{chapter.slug}.yaml"
        data = yaml.load(path.read_text(encoding="utf-8"))
        rows = data["rows"]
        gone = [index for index, row in enumerate(rows) if row.get("draft") is None]
        removed += [str(rows[index]["id"]) for index in gone]
        for index in reversed(gone):
            del rows[index]
        for row in rows:
            in_force += 1
            trailing = _take_trailing_comments(row)
            current = _without_comments(copy.deepcopy(row["draft"]))
            if "current" in row:
                row["current"] = current
            else:
                row.insert(list(row).index("draft") + 1, "current", current)
            if "remark" in row:
                cleared += 1
                del row["remark"]
            _give_trailing_comments(row, trailing)
        if rows:
            texts[path.name] = _dumped(yaml, data)
        else:
            emptied.append(chapter.slug)
    document_path = source_dir / parse.DOCUMENT_FILE
    settings = yaml.load(document_path.read_text(encoding="utf-8"))
    if emptied:
        for name in reversed(range(len(settings["chapters"]))):
            if settings["chapters"][name] in emptied:
                del settings["chapters"][name]
    settings["adopted"] = stamp.short_hash
    texts[parse.DOCUMENT_FILE] = _dumped(yaml, settings)
    _check_before_writing(source_dir, texts, emptied)
    for name, text in texts.items():
        write_atomically(text.encode("utf-8"), source_dir / name)
    for slug in emptied:
        (source_dir / f"{slug}.yaml").unlink()
    return Adopted(stamp, in_force, tuple(removed), cleared, tuple(emptied),
                   tuple(sorted([*texts, *(f"{slug}.yaml (removed)" for slug in emptied)])))


def _path_to_last(node, into_flow: bool = True) -> list[tuple[object, object]]:
    """(container, key) from a row down to its last scalar (or, without ``into_flow``, to its
    last entry written in block style): ruamel keeps what follows a row (the blank line before
    the next, a comment) on one of these entries."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    path = []
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node) and (into_flow or not node.fa.flow_style()):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        path.append((node, key))
        node = node[key]
    return path


def _take_trailing_comments(row) -> list:
    """Remove and return what follows the row's last entry, before its sides are rewritten."""
    tokens = []
    for container, key in _path_to_last(row):
        entry = container.ca.items.get(key)
        slot = 2 if isinstance(container, dict) else 0
        if entry is not None and len(entry) > slot and entry[slot] is not None:
            tokens.append(entry[slot])
            entry[slot] = None
        if container.ca.end:
            tokens += container.ca.end
            container.ca.end = []
    return tokens


def _give_trailing_comments(row, tokens: list) -> None:
    """Put what followed the row after its new last entry, so the rows stay apart as written."""
    if not tokens:
        return
    # Where the loader itself puts it: after the last scalar, or, when the row ends with a value
    # in [ ] or { } (inside which it would break the line), at the end of the enclosing list.
    path = _path_to_last(row, into_flow=False)
    container, key = path[-1]
    token = tokens[0]
    if len(tokens) > 1:
        token = copy.copy(token)
        token.value = "".join(t.value for t in tokens)
    if not isinstance(container[key], (dict, list)):
        container.ca.items[key] = [None, None, token, None] if isinstance(container, dict) else [token, None]
    else:
        # The writer looks for a list's end comment only where the list has comment slots, as
        # the loader leaves them.
        holder = next(c for c, _ in reversed(path) if isinstance(c, list))
        holder.ca.end = [token]
        holder.ca.comment = holder.ca.comment or [None, None]


def _without_comments(node):
    """A copy of the draft for the current side: its comments stay with the draft alone."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, (CommentedMap, CommentedSeq)):
        node.ca.items.clear()
        node.ca.comment = None
        node.ca.end = []
        for value in (node.values() if isinstance(node, CommentedMap) else node):
            _without_comments(value)
    return node


def _dumped(yaml, data) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _check_before_writing(source_dir: Path, texts: dict[str, str], emptied: list[str]) -> None:
    """The rewritten sources must load before one file of the real ones is touched."""
    with tempfile.TemporaryDirectory(prefix="strategy-pdf-adopt-") as temporary:
        staged = Path(temporary) / "source"
        shutil.copytree(source_dir, staged)
        for name, text in texts.items():
            (staged / name).write_text(text, encoding="utf-8")
        for slug in emptied:
            (staged / f"{slug}.yaml").unlink()
        try:
            parse.load_document(staged)
        except SourceError as error:
            raise AdoptRefused(f"adopting would leave invalid sources; nothing was changed:\n{error}") from None


def check_current(source_dir: Path, revision: str, document: model.Document | None = None) -> list[Finding]:
    """Every difference between a row's current side and the draft side of the same row id
    at ``revision``, as findings located in the sources."""
    document = document if document is not None else parse.load_document(source_dir)
    adopted = revisions.load_document_at(source_dir, revision)
    drafts = {row.id: row for row in adopted.rows if row.draft}
    findings = []
    seen = set()
    for row in document.rows:
        if not row.current:
            continue
        seen.add(row.id)
        if row.id not in drafts:
            findings.append(Finding(row.at, RULE, f"row '{row.id}': 現行 has text that is not in the draft adopted at "
                                    f"{revision}: {summary.outline(row)}",
                                    "remove it, or give the row the id it had in the adopted draft"))
            continue
        before, after = drafts[row.id].draft, row.current
        changes = compare.compare_sides(before, after).changes
        kinds = [texts.block_kind(block) for block in before], [texts.block_kind(block) for block in after]
        if not changes and kinds[0] == kinds[1]:
            continue
        if changes:
            first = changes[0]
            at = first.new[1].at if first.new is not None else row.at  # the scalar itself
            what = summary.describe(first, before, after) + (f" (+{len(changes) - 1})" if len(changes) > 1 else "")
        else:
            at, what = row.at, f"block kinds differ: {' '.join(kinds[0])} → {' '.join(kinds[1])}"
        findings.append(Finding(at, RULE, f"row '{row.id}': 現行 differs from the draft adopted at {revision}: {what}",
                                "copy the adopted text exactly"))
    chapter_of = {row.id: chapter.slug for chapter in adopted.chapters for row in chapter.rows}
    for row_id, row in drafts.items():
        if row_id not in seen:
            at = next((r.at for r in document.rows if r.id == row_id), None)
            # A row that is gone is shown where it was, in the file as it was at the revision.
            was = Location(f"{display_path(source_dir / (chapter_of[row_id] + '.yaml'), Path.cwd())}@{revision}",
                           row.at.line, row.at.column)
            findings.append(Finding(at or was, RULE,
                                    f"row '{row_id}' of the draft adopted at {revision} has no 現行 side"
                                    f"{'' if at else ' (the row is gone)'}: {summary.outline(row)}",
                                    "the adopted text belongs in the 現行 column"))
    return sorted(findings, key=lambda f: (f.location.file, f.location.line))


def check(source_dir: Path, revision: str) -> str:
    """check-current: the report, or CurrentDiffers carrying it."""
    findings = check_current(source_dir, revision)
    if findings:
        raise CurrentDiffers("\n".join([*map(str, findings),
                                        f"{len(findings)} difference(s) between 現行 and the draft adopted at {revision}"]))
    return f"現行 is the draft adopted at {revision}: no difference"
