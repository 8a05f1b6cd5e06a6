# Two commands on a fresh machine: `make pdf` builds the document, `make test` checks it.
# Each creates .venv and installs the package into it first (so does ./strategy-pdf).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser the web edition's tests drive (see below).
CHROMIUM ?= /usr/bin/chromium

.PHONY: pdf council review-copy print-shop since changes html site test fuzz golden schema validate lint artifacts bench clean

# Both PDFs in one process: the sources read and linted once, the two layouts' parts rendered
# at once, and parts unchanged since the last build reused from build/cache.
pdf: $(STAMP)
	@$(BIN)/strategy-pdf build --layout comparison --layout draft --output build/

# The copies of the comparison besides the official draft (make pdf); README, Outputs.
# The council's: 資料番号 and meeting at the top right (document.yaml's meeting; add the date
# with MEETING_DATE=令和２年１月２０日), no revision stamp.
MEETING_DATE ?=
council: $(STAMP)
	$(BIN)/strategy-pdf build --council $(if $(MEETING_DATE),--meeting-date "$(MEETING_DATE)") --output build/council.pdf

# The review copy (not the review layout, the annual KPI review): revision stamp, 見え消し since SINCE (a tag or commit) and the KPI list.
SINCE ?= HEAD
review-copy: $(STAMP)
	$(BIN)/strategy-pdf build --since $(SINCE) --kpi-appendix --output build/review-copy.pdf

# For the print shop: the council's copy, bound on the left for duplex, crop marks and bleed.
print-shop: $(STAMP)
	$(BIN)/strategy-pdf build --council $(if $(MEETING_DATE),--meeting-date "$(MEETING_DATE)") --binding --print --output build/print-shop.pdf

# What `make since` and `make changes` compare with: REV=… on the command line, or else the
# last meeting's tag (git tag meeting-N) before the current commit.
REV ?= $(shell git describe --tags --abbrev=0 --match 'meeting-*' 2>/dev/null)
NO_REV = { echo "no meeting-* tag yet: after a meeting, tag the revision it saw (git tag meeting-1),"\
  "or name a revision: make $@ REV=..." >&2; exit 1; }

# The 見え消し copy for a meeting: the work tree (uncommitted edits included) against REV.
since: $(STAMP)
	@test -n "$(REV)" || $(NO_REV)
	@$(BIN)/strategy-pdf build --since "$(REV)" --output "build/since-$(subst /,-,$(REV)).pdf"

changes: $(STAMP)
	@test -n "$(REV)" || $(NO_REV)
	@$(BIN)/strategy-pdf changes "$(REV)"

# The PDFs of this revision under names that say which: what CI uploads for every push, with
# the 見え消し copy against the last meeting once there is a meeting-N tag.
artifacts: pdf
	@rev=$$(git rev-parse --short HEAD 2>/dev/null) || { \
	  echo "make artifacts names the PDFs by their git revision: run it in a git checkout with a commit" >&2; exit 1; }; \
	rev=$$rev$$(git diff --quiet HEAD -- || echo -dirty); \
	mkdir -p build/artifacts && \
	cp build/comparison.pdf build/artifacts/comparison-$$rev.pdf && \
	cp build/draft.pdf build/artifacts/draft-$$rev.pdf && \
	if [ -n "$(REV)" ]; then $(BIN)/strategy-pdf build --no-lint --since "$(REV)" \
	  --output "build/artifacts/since-$(subst /,-,$(REV))-$$rev.pdf" >/dev/null || exit 1; fi && \
	ls build/artifacts/*-$$rev.pdf

# The web edition: index, draft and comparison as HTML, linking the PDFs it copies in (make pdf
# has linted the sources).
site: pdf
	@$(BIN)/strategy-pdf build --format site --output build/site --pdf build/comparison.pdf --pdf build/draft.pdf --no-lint

html: $(STAMP)
	$(BIN)/strategy-pdf build --format html --output build/comparison.html

validate: $(STAMP)
	@$(BIN)/strategy-pdf validate

lint: $(STAMP)
	@$(BIN)/strategy-pdf lint

# Regenerate the JSON Schema of the sources (schema/) after changing strategy_pdf/schema.py.
schema: $(STAMP)
	$(BIN)/python -c 'from pathlib import Path; from strategy_pdf.schema import write_schema_files; write_schema_files(Path("schema"))'

# One worker per core, each taking whole files (a module's fixtures are made once); the
# real document's PDF is built once for all workers (tests/conftest.py). Bytecode is written
# even where PYTHONDONTWRITEBYTECODE is set: pytest keeps the test modules it has rewritten
# for their assertions, and each worker then collects in half the time (1.2 s instead of 2.3).
test: $(STAMP) $(CHROMIUM)
	PYTHONDONTWRITEBYTECODE= STRATEGY_PDF_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n auto --dist loadfile

# The marks' property test with many more random edits than make test runs.
fuzz: $(STAMP)
	STRATEGY_PDF_FUZZ_EXAMPLES=3000 $(BIN)/python -m pytest -q tests/test_marks_invariant.py

# Regenerate the golden HTML snapshots after an intended template change; review the diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

# WeasyPrint needs Pango >= 1.44 and HarfBuzz's subsetter (it only warns without it,
# and a warning fails our build); on Debian, install them when missing and we may.
SYSTEM_LIBS := libpango-1.0.so.0 libharfbuzz-subset.so.0
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

# The web edition is tested in a real browser: Debian's chromium, driven by Playwright, which
# is never let download a browser of its own. Installed when missing and we may, as above;
# CHROMIUM=/path/to/chrome points the tests at another Chromium.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null || exit 1; \
	else echo "missing $(CHROMIUM): install Debian's chromium (apt-get install chromium), or make test CHROMIUM=..." >&2; exit 1; fi

$(STAMP): pyproject.toml
	@for lib in $(SYSTEM_LIBS); do ldconfig -p | grep -q "$$lib" && continue; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null || exit 1; break; \
	  else echo "missing $$lib: install $(SYSTEM_PACKAGES)" >&2; exit 1; fi; done
	@echo "Installing strategy-pdf into $(VENV)/ (first use, or its dependencies changed: a minute or two)" >&2
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	@# An editable install leaves our modules uncompiled, and with PYTHONDONTWRITEBYTECODE set
	@# every run would compile them again before it starts rendering.
	$(BIN)/python -m compileall -q src/strategy_pdf
	touch $(STAMP)

# Speed and memory against a plain WeasyPrint render, 1×-8× content: writes docs/performance.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf build
