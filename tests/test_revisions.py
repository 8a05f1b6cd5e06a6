"""見え消し and change summaries against an earlier revision in a git repository made here."""

import shutil

import pytest

from strategy_pdf.build import Options, Project, build, changes, whole_html
from strategy_pdf.revisions import RevisionError

from .conftest import FIXTURES, ROOT, git
from .pdf_reading import read_pages



@pytest.fixture
def revised(tmp_path) -> Project:
    """The minimal fixture committed as meeting 3's draft, then edited into meeting 4's."""
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "meeting 3")
    git(tmp_path, "tag", "meeting-3")
    basics = source / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    text = text.replace("draft: 本市においても、平成 28（2016）年 3 月に総合戦略を策定しました。",
                        "draft: 本市においても、平成 28（2016）年 3 月に第２期総合戦略を策定しました。")
    text = text.replace("  - id: basics-new\n    draft:\n      - 新しい段落です。<script>alert(1)</script> & <b>太字ではない</b>\n",
                        "  - id: basics-added\n    draft: 追加された段落。\n")
    basics.write_text(text, encoding="utf-8")
    goal = source / "goal.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace('targets: ["2,541", "2,692"]', 'targets: ["2,541", "2,700"]'),
                    encoding="utf-8")
    return Project(root=ROOT, source=source)


def test_since_strikes_deleted_and_marks_inserted_text(revised):
    html = whole_html(revised, Options(since="meeting-3"))
    # Both marks on one text: new since meeting 3 (見え消し) and different from the text in force (傍線).
    assert '<span class="changed inserted">第２期</span>総合戦略を策定しました' in html
    assert '<span class="changed">いた</span>' in html  # 傍線 stays on the 現行 column
    assert '<span class="inserted">追加された段落。</span>' in html and "（前回以降に追加）" in html
    assert '<span class="deleted">新しい段落です。&lt;script&gt;' in html and "（前回以降に削除）" in html
    assert "meeting-3 以降の変更" in html
    # A removed row comes back right after the row it followed.
    assert html.index("row-basics-history") < html.index("row-basics-new") < html.index("row-basics-added")


def test_since_builds_a_pdf_with_both_kinds_of_marks(revised, tmp_path):
    path = build(revised, tmp_path / "since.pdf", options=Options(since="meeting-3"))
    first = read_pages(path)[0].text
    assert "meeting-3 以降の変更" in first and "上線は追加" in first and "（傍線部分は改正部分）" in first
    assert "第２期" in first and "前回以降に追加" in first


def appendix(html: str) -> str:
    return html[html.index('<section class="kpi-appendix">'):html.index("</section>")]


def test_since_leaves_the_kpi_appendix_as_the_sources_say(revised):
    """Values are read from the sources, never from marked text: 2,692 → 2,700 prints 2,700."""
    plain, since = whole_html(revised, Options()), whole_html(revised, Options(since="meeting-3"))
    assert appendix(since) == appendix(plain)
    assert "2,700" in appendix(plain) and "2,692" not in appendix(plain)
    assert ('<span class="deleted"><span class="phrase">2,692</span></span>'
            '<span class="changed inserted"><span class="phrase">2,700</span></span>') in since


def test_changes_summary(revised):
    summary = changes(revised, "meeting-3")
    assert "１ 基本的考え方: 1 added, 1 changed, 1 removed" in summary
    assert "changed  basics-history › 1 p: …6）年 3 月に{+第２期+}総合戦略を策定し…" in summary
    assert "added    basics-added › p 追加された段落。" in summary
    assert "changed  goal-heading › 3 kpi › 市内総生産額 › 目標値（R5）: [-2,692-]{+2,700+}" in summary
    assert summary.splitlines()[-1] == "since meeting-3: 1 added, 2 changed, 1 removed"


def test_unknown_revision_is_a_clean_error(revised):
    with pytest.raises(RevisionError, match="'no-such-rev' is not a revision") as caught:
        changes(revised, "no-such-rev")
    assert "the meeting tags are meeting-3; tag the revision a meeting saw with git tag meeting-N" in str(caught.value)
