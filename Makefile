# selfeval — two commands for a newcomer: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test bench eval fixtures clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: set up, audit the bundled fixtures, write reports/ and print the summary
run: $(STAMP)
	$(VENV)/bin/selfeval audit fixtures/seeds fixtures/corpus fixtures/borderless fixtures/scans fixtures/bad --out reports

## make test: the whole suite (no LibreOffice needed: rendered fixtures are committed)
test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

## make eval: field accuracy per format and layout, finding recall/precision
eval: $(STAMP)
	$(PY) -m fixtures.evaluate

## make bench: forms/second per format and the ratio to bare pdfplumber; writes BENCHMARKS.md
bench: $(STAMP)
	$(PY) -m fixtures.bench

## make fixtures: re-render the corpus (needs LibreOffice, fonts-noto-cjk, poppler-utils)
fixtures: $(STAMP)
	$(PY) -m fixtures.generate

clean:
	rm -rf $(VENV) reports
