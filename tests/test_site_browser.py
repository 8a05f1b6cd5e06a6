"""The web edition of the real document in a real browser: Debian's chromium driven by
Playwright (never a browser Playwright downloads), axe-core on every page at both widths."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from strategy_pdf import annotate, model, parse, site
from strategy_pdf.build import Project

from .conftest import ROOT, fixture_project
from .test_site import build_site

CHROMIUM = Path(os.environ.get("STRATEGY_PDF_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium reaches for the network, which is closed.
CHROMIUM_FLAGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDE, NARROW = 1280, 390
PAGES = ("index.html", "draft.html", "comparison.html")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"no browser at {CHROMIUM}: `make test` installs Debian's chromium "
                    "(or run make test CHROMIUM=/path/to/chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield context
        context.close()


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    return build_site(Project.at(ROOT), tmp_path_factory.mktemp("real") / "site")


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory) -> Path:
    """The fixture has what the real document lacks: an image with its alternative text."""
    return build_site(fixture_project("good", "minimal"), tmp_path_factory.mktemp("minimal") / "site")


def _load(browser, path: Path, width: int):
    """A page of a site at a width, its fonts loaded; every request the page makes is recorded."""
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready")
    return page


@pytest.fixture
def open_page(browser):
    """A page of its own, for a test that changes it (keys, scripts, media)."""
    opened = []

    def open_(path: Path, width: int = WIDE):
        opened.append(_load(browser, path, width))
        return opened[-1]

    yield open_
    for page in opened:
        page.close()


@pytest.fixture(scope="module")
def shown_page(browser):
    """A page loaded once for every test that only reads it (axe leaves the DOM, the scroll
    and the focus as they were): most tests read the same nine pages of the real site (three
    at three widths), and a load takes 0.2-0.5 s."""
    loaded = {}

    def show(path: Path, width: int = WIDE):
        if (path, width) not in loaded:
            loaded[path, width] = _load(browser, path, width)
        return loaded[path, width]

    yield show
    for page in loaded.values():
        page.close()


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return [f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}× e.g. {violation['nodes'][0]['html'][:120]})"
            for violation in results.response["violations"]]


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation_of_wcag_a_and_aa(real_site, shown_page, name, width):
    assert axe_violations(shown_page(real_site / name, width)) == []


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation_on_the_fixture_with_an_image(minimal_site, shown_page, name):
    page = shown_page(minimal_site / name)
    assert axe_violations(page) == []
    assert page.evaluate("[...document.images].every(image => image.complete && image.naturalWidth > 0)")


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_loaded_from_outside_the_site_and_the_vendored_fonts_are_used(real_site, shown_page, name):
    page = shown_page(real_site / name)
    outside = [url for url in page.requests if not url.startswith(real_site.as_uri() + "/")]
    assert outside == []
    assert page.evaluate("[...document.scripts].length") == 0
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert {family.strip('"') for family in loaded} == {"Strategy Mincho", "Strategy Gothic"}
    assert page.evaluate("document.documentElement.lang") == "ja"


def test_every_heading_of_the_draft_is_there_in_order(real_site, shown_page):
    page = shown_page(real_site / "draft.html")
    shown = page.evaluate("[...document.querySelectorAll('.text .chapter :is(h1, h2, h3, h4, h5, h6)')]"
                          ".map(h => [h.tagName, h.textContent])")
    headings = [block for chapter in parse.load_document(ROOT / "source").chapters if not chapter.is_contents
                for row in chapter.rows for block in row.draft if isinstance(block, model.Heading)]
    assert len(headings) > 50
    assert [text for _, text in shown] == [heading.text for heading in headings]
    # No level skipped on the way down, and the print's order of levels kept.
    levels = [int(tag[1]) for tag, _ in shown]
    assert levels[0] == 2 and all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:]))
    assert levels == site.outline_levels([heading.level for heading in headings])
    assert page.evaluate("document.querySelector('main h1').textContent") == "第２期（案）"


def test_every_row_of_the_comparison_is_there_with_its_marks(real_site, shown_page):
    document = annotate.annotate(parse.load_document(ROOT / "source"))
    # The 傍線 segments of each row (a KPI prints its fields in another order than the
    # traversal lists them: compared as sorted lists).
    expected = {row.id: sorted(segment.text for _, segments in row.marks for segment in segments
                               if model.CHANGED in segment.marks)
                for row in document.rows}
    page = shown_page(real_site / "comparison.html")
    shown = page.evaluate("""Object.fromEntries([...document.querySelectorAll('table.comparison > tbody > tr')].map(
        tr => [tr.id.slice(4), [...tr.querySelectorAll('u.changed')].map(u => u.textContent)]))""")
    assert list(shown) == list(expected)
    assert sum(map(len, expected.values())) > 100
    # Each mark is announced: where it starts and where it ends, around the marked words.
    assert {row: sorted(marks) for row, marks in shown.items()} == {
        row: sorted(f"［改正部分］{text}［改正部分ここまで］" for text in marks) for row, marks in expected.items()}


@pytest.mark.parametrize("name", PAGES)
def test_every_link_leads_to_a_file_of_the_site_and_a_place_in_it(real_site, shown_page, name):
    page = shown_page(real_site / name)
    links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert links
    for link in links:
        address, _, fragment = link.partition("#")
        target = Path(address.removeprefix("file://"))
        assert address.startswith(real_site.as_uri() + "/") and target.is_file(), link
        if fragment:
            assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), link


@pytest.mark.parametrize("name", PAGES)
def test_tab_reaches_every_link(real_site, open_page, name):
    page = open_page(real_site / name)
    count = page.evaluate("[...document.querySelectorAll('a[href]')].map((a, i) => a.dataset.linkIndex = i).length")
    reached = []
    for _ in range(count + 1):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.dataset.linkIndex ?? null"))
    assert reached[0] == "0", "the first Tab reaches the link to the main text"
    assert sorted({index for index in reached if index is not None}, key=int) == [str(i) for i in range(count)]


# 390 px is a phone's width; 320 is what WCAG 1.4.10 (Reflow) asks for.
@pytest.mark.parametrize("width", [NARROW, 320])
@pytest.mark.parametrize("name", PAGES)
def test_a_narrow_screen_does_not_scroll_sideways(real_site, shown_page, name, width):
    page = shown_page(real_site / name, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wider = page.evaluate(f"""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {width})
        .map(e => e.outerHTML.slice(0, 80))""")
    assert wider == []


def test_on_a_narrow_screen_the_comparison_stacks_each_row_labelled(real_site, shown_page):
    cell = "document.querySelector('#row-ba-history td.{}')"
    wide = shown_page(real_site / "comparison.html", WIDE)
    assert wide.evaluate(f"getComputedStyle({cell.format('draft')}).display") == "table-cell"
    narrow = shown_page(real_site / "comparison.html", NARROW)
    for column, label in (("draft", "第２期（案）"), ("current", "現行"), ("remarks", "備考")):
        assert narrow.evaluate(f"getComputedStyle({cell.format(column)}).display") == "block"
        assert narrow.evaluate(f"getComputedStyle({cell.format(column)}, '::before').content") == f'"{label}"'
    draft, current = (narrow.evaluate(f"{cell.format(column)}.getBoundingClientRect().top") for column in ("draft", "current"))
    assert current > draft


def test_printing_a_page_leaves_the_navigation_out(real_site, open_page):
    page = open_page(real_site / "comparison.html")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header nav')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('table.comparison > thead')).display") == "table-header-group"


def test_axe_runs_and_reports_what_it_finds(real_site, open_page):
    """The zero above is axe's: the same page with an image without alt text is reported."""
    page = open_page(real_site / "index.html")
    page.evaluate("document.querySelector('main').append(Object.assign(document.createElement('img'), {src: 'site.css'}))")
    assert [violation.split(":")[0] for violation in axe_violations(page)] == ["image-alt"]


def test_the_stacked_comparison_is_still_a_table_to_a_screen_reader(real_site, shown_page):
    """Chromium keeps a table's roles when CSS stacks its cells: what a screen reader gets."""
    page = shown_page(real_site / "comparison.html", NARROW)
    tree = page.locator("#chapter-basic-approach ~ table").aria_snapshot()
    assert tree.startswith('- table "１ 基本的考え方の新旧対照表":')
    for role in ('- columnheader "第２期（案）"', '- columnheader "現行"', '- columnheader "備考"', "- row ", "- cell "):
        assert role in tree
    marked = page.locator("tr:has(u.changed)").first.aria_snapshot()
    assert "［改正部分］" in marked and "［改正部分ここまで］" in marked
