# selfeval — two commands for a newcomer: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install sysdeps run test bench eval heldout fuzz fixtures clean catalogs

# Beyond PyPI: LibreOffice (.doc/.wps files, Word evidence pictures, fixture rendering),
# CJK fonts, poppler, Pango (WeasyPrint lays report.pdf out with it), and Chromium with its
# driver (the review desk's browser tests, through Selenium; nothing is downloaded).  Installed by
# `make run` where it can be (Debian/Ubuntu as root); elsewhere it says what to install and
# goes on.  `make test` never needs them (the tests that do skip, saying why).
SYSPKGS := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 \
           libharfbuzz-subset0 chromium chromium-driver

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# what is there already: LibreOffice, a CJK font, poppler's pdftoppm, Pango
HAVE_SYSDEPS = { command -v soffice || command -v libreoffice; } >/dev/null 2>&1 && \
	fc-list :lang=zh 2>/dev/null | grep -q . && command -v pdftoppm >/dev/null 2>&1 && \
	{ ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' && ldconfig -p | grep -q 'libharfbuzz-subset.so'; } && \
	command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1

sysdeps:
	@if $(HAVE_SYSDEPS); then \
	  echo "system packages: LibreOffice, CJK fonts, poppler, Pango and Chromium are installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing $(SYSPKGS) with apt-get (a few minutes, once)"; \
	  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	        $(SYSPKGS)) >.sysdeps.log 2>&1; then echo "installed"; \
	  else echo "apt-get could not install them (see .sysdeps.log): .doc/.wps files will be reported UNREADABLE" \
	            "and report.pdf not written"; fi; \
	else \
	  echo "note: some of $(SYSPKGS) are missing and this is not a root Debian/Ubuntu shell;"; \
	  echo "      install them to read .doc/.wps files and write report.pdf (the audit goes on without them)"; \
	fi

## make run: set up, audit the bundled fixtures, write reports/ and print the summary
run: $(STAMP) sysdeps
	@# fixtures/bad is unreadable on purpose: exit 3 (files unreadable) is this run's expected outcome
	$(VENV)/bin/selfeval audit fixtures/seeds fixtures/corpus fixtures/borderless fixtures/variants fixtures/scans fixtures/html fixtures/bad \
	  --out reports --fail-on never; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 3 ]

## make test: the whole suite (no LibreOffice needed: rendered fixtures are committed; .doc tests skip without it),
## in two processes, each test file whole in one (its module fixtures made once)
test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile

## make catalogs: extract every message (babel.cfg) into selfeval/locale/selfeval.pot, merge it into the
## translators' selfeval.po (new messages arrive untranslated: tests/test_i18n.py fails until they are
## translated) and compile selfeval.mo, which is committed so that nothing compiles at install
LOCALES := selfeval/locale
catalogs: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output -o $(LOCALES)/selfeval.pot .
	$(VENV)/bin/pybabel update -i $(LOCALES)/selfeval.pot -d $(LOCALES) -D selfeval -l zh --no-fuzzy-matching -w 100
	$(VENV)/bin/pybabel compile -d $(LOCALES) -D selfeval -l zh

## make eval: field accuracy per format and layout, finding recall/precision, false accusations on ../shared/real-forms
## (ARGS=real: every wrong field), and the grid of template family × text shape (ARGS=grid: the grid alone;
## GRID_SEED=N: a fresh grid drawn from seed N, never tuned on, GRID_PER forms a cell; GRID_WRITE=1 with ARGS=grid:
## the tables into BENCHMARKS.md; ARGS=risk: the risk ranking's precision at 20 on a generated stack, RISK_SEED=N)
GRID_SEED ?=
GRID_WRITE ?=
eval: $(STAMP)
	GRID_SEED=$(GRID_SEED) GRID_WRITE=$(GRID_WRITE) $(PY) -m fixtures.evaluate $(ARGS)

## make heldout: scans and photos of the corpus forms the committed scans do not use, drawn with SEED, read and measured (never tune on them)
SEED ?= 11
HELDOUT ?= /tmp/selfeval-heldout-$(SEED)
heldout: $(STAMP)
	$(PY) -m fixtures.scans --heldout $(HELDOUT) --seed $(SEED)
	$(PY) -m fixtures.evaluate heldout $(HELDOUT)

## make bench: forms/second per format and the ratio to bare pdfplumber, OCR, scaling, the Dask engine and
## `selfeval audit` end to end on a 5,000-file stack (BENCH_FILES=5000,20000 for more); writes BENCHMARKS.md.
## ARGS=engine or ARGS=audit: that section alone.
BENCH_FILES ?= 5000
bench: $(STAMP)
	BENCH_FILES=$(BENCH_FILES) $(PY) -m fixtures.bench $(ARGS)

## make fuzz: a bounded fuzzing campaign (N mutated inputs across all formats, per-input limits, then N mutations of the real forms' text); writes FUZZ.md
N ?= 5000
fuzz: $(STAMP)
	$(PY) -m fixtures.fuzz --inputs $(N)

## make fixtures: re-render the corpus (needs LibreOffice, fonts-noto-cjk, poppler-utils)
fixtures: $(STAMP)
	$(PY) -m fixtures.generate
	$(PY) -m fixtures.scans
	$(PY) -m fixtures.webpages
	$(PY) -m fixtures.grid --pdftext

clean:
	rm -rf $(VENV) reports .sysdeps.log
