"""The auditor's run: a mixed folder with bad files, reports, cache, archive, API, fuzz."""
import base64
from pathlib import Path
import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES, run

BAD = json.loads((FIXTURES / "truth" / "bad.json").read_text())


def selfeval(*args):
    return subprocess.run([sys.executable, "-m", "selfeval.cli", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("stack")
    d = root / "submitted" / "2023"
    shutil.copytree(FIXTURES / "seeds", d / "seeds")
    for sub, names in (("pdf", ["form00_national2020.pdf", "form01_county2021.pdf", "form03_budgetsys.pdf",
                                "form09_fengtai2019.pdf"]),
                       ("docx", ["form01_county2021.docx", "multi_county2021.docx"]),
                       ("xlsx", ["form02_spreadsheet.xlsx", "multi_sheets.xlsx"]), ("xls", ["form01_county2021.xls"])):
        (d / sub).mkdir(parents=True)
        for n in names:
            shutil.copy(FIXTURES / "corpus" / sub / n, d / sub / n)
    shutil.copytree(FIXTURES / "bad", d / "bad")
    out = root / "out"
    proc = selfeval("audit", "--no-pdf", "--fail-on", "never", root / "submitted", "--out", out, "--jobs", "2")
    return root, d, out, proc


def test_mixed_folder_every_file_accounted_for(mixed):
    root, d, out, proc = mixed
    assert proc.returncode == 3, proc.stderr
    files = [p for p in (root / "submitted").rglob("*") if p.is_file()]
    s = json.loads((out / "summary.json").read_text())
    assert s["files_in"] == s["files_reported"] == len(files)
    assert s["files_unreadable"] == len(BAD["reasons"])
    findings = json.loads((out / "findings.json").read_text())
    for name, reason in BAD["reasons"].items():
        mine = [f for f in findings if f["path"].endswith("/bad/" + name)]
        assert len(mine) == 1 and mine[0]["code"] == "UNREADABLE" and reason in mine[0]["message"], (name, mine)
    reported = {f["path"] for f in findings} | {f["source"]["path"] for f in json.loads((out / "forms.json").read_text())}
    assert {str(p) for p in files} <= reported
    assert f"{len(files)} / {len(files)}" in proc.stdout


def _target(link) -> str:
    return link.target if link is not None else ""


def test_workbook_risk_then_findings_formatted_linked_relative_and_printable(mixed):
    import openpyxl
    from urllib.parse import unquote
    from selfeval.workbook import LABELS
    H = lambda key: LABELS[key].text           # a column's or a sheet's name as shown (the suite reads English)
    _, _, out, _ = mixed
    wb = openpyxl.load_workbook(out / "report.xlsx")
    # the forms to read first lead (issue 36: the risk ranking's sheet first), then the findings
    assert wb.sheetnames[:6] == [H("risk"), H("findings"), H("forms"), H("budget_lines"), H("indicators"), H("units")]
    ws = wb[H("findings")]
    head = [c.value for c in ws[1]]
    assert head[:3] == [H("file"), H("form_index"), H("project_name")] and head[-1] == H("sha256")
    assert ws.freeze_panes == "D2"          # file, form and project stay in view
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(len(head))].hidden
    sev = [r[head.index(H("severity"))].value for r in ws.iter_rows(min_row=2)]
    order = {"error": 0, "warning": 1, "info": 2}
    assert sev == sorted(sev, key=order.get) and "error" in sev and "info" in sev
    assert len(ws.conditional_formatting) >= 1
    # links are relative to the report's folder and resolve, to the source (a PDF's page) and
    # to the evidence picture saved beside the report
    sources = [_target(r[head.index(H("source"))].hyperlink) for r in ws.iter_rows(min_row=2)]
    pictures = [_target(r[head.index(H("evidence"))].hyperlink) for r in ws.iter_rows(min_row=2)
                if r[head.index(H("severity"))].value != "info" and r[head.index(H("code"))].value != "UNREADABLE"]
    assert sources and pictures and any("#page=" in t for t in sources)
    for t in sources + pictures:
        assert t and not t.startswith(("/", "file:")), t
        assert (out / unquote(t.split("#")[0])).is_file(), t
    # number formats: rates as percentages, money with thousands separators, scores 0.00
    b = wb[H("budget_lines")]
    bh = [c.value for c in b[1]]
    row = next(r for r in b.iter_rows(min_row=2) if r[bh.index(H("rate_declared"))].value is not None)
    assert row[bh.index(H("rate_declared"))].number_format == "0.00%"
    assert row[bh.index(H("adjusted"))].number_format == "#,##0.00"
    assert row[bh.index(H("score_declared"))].number_format == "0.00"
    forms = wb[H("forms")]
    fh = [c.value for c in forms[1]]
    pages = [r[fh.index(H("pages"))].value for r in forms.iter_rows(min_row=2)]
    assert "1, 2" in pages and not any(str(p).startswith("[") for p in pages)      # not '[1, 2]'
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    msg = head.index(H("message")) + 1
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(msg)].width >= 40
    assert ws.cell(2, msg).alignment.wrap_text
    assert forms.max_row - 1 == len(json.loads((out / "forms.json").read_text()))


def test_html_overview_filters_and_pictures_in_context(mixed):
    from lxml import html as lh
    _, _, out, _ = mixed
    text = (out / "report.html").read_text()
    page = lh.fromstring(text)
    findings = [f for f in json.loads((out / "findings.json").read_text()) if f["code"] != "UNREADABLE"]
    forms = json.loads((out / "forms.json").read_text())
    # the overview: one row per form, each linking to the form's section
    links = page.xpath("//table[@id='overview']//a/@href")
    assert len(links) == len(forms)
    assert all(page.xpath(f"//section[@id='{h[1:]}']") for h in links)
    # findings: every one is there, errors and warnings with an embedded picture, ROUNDING
    # hidden until the box is ticked (the script reads the unticked box), a search box
    blocks = page.xpath("//div[contains(@class, 'finding')]")
    assert len(blocks) == len(findings)
    assert page.xpath("//input[@id='rounding']") and not page.xpath("//input[@id='rounding']/@checked")
    assert page.xpath("//input[@id='q']") and "f.dataset.code!=='ROUNDING'" in text
    for b in blocks:
        if b.get("data-sev") in ("error", "warning"):
            src = b.xpath(".//img/@src")
            assert src and src[0].startswith("data:image/png;base64,"), lh.tostring(b)[:300]
            assert base64.b64decode(src[0].split(",", 1)[1])[:4] == b"\x89PNG"
    # a PDF's finding is cropped from its page; a Word file's from LibreOffice's rendering where
    # LibreOffice is installed (CI has none: there the cells are redrawn, and the caption says so)
    assert re.search(r"crop of form01_county2021\.pdf, page 1", text)
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert re.search(r"crop of \S+\.docx as LibreOffice renders it, page \d", text)
    else:
        assert "as LibreOffice renders it" not in text and "redrawn from the extracted cells" in text
    # rates as percentages, not fractions
    assert re.search(r"<td class=[\"']num[\"']>\d{1,3}\.\d\d%</td>", text)
    for name in BAD["reasons"]:
        assert name in text
    # each score mismatch's picture shows its row's label and the column headers
    inferred = {(f["source"]["path"], f["source"]["form_index"], i["name"]) for f in forms for i in f["indicators"]
                if i["weight_inferred"]}
    checked = 0
    for fd in findings:
        if fd["code"] == "INDICATOR_SCORE_MISMATCH":
            roles = {e.get("role") for e in fd["evidence"]}
            assert {"name", "score", "head.indicators.score"} <= roles, fd
            printed = (fd["path"], fd["form_index"], fd["indicator"]) not in inferred
            assert "weight" in roles or not printed, fd        # the weight beside the score, where printed
            checked += 1
    assert checked
    assert len(text.encode()) <= 5_000 * len(findings) + 200_000      # about 5 KB a finding


@pytest.mark.skipif(not shutil.which("chromium") and not shutil.which("chromium-browser"),
                    reason="Debian's chromium is not installed")
def test_html_report_in_headless_chromium(mixed):
    _, _, out, _ = mixed
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          (out / "report.html").as_uri()], capture_output=True, text=True, timeout=120).stdout
    from lxml import html as lh
    page = lh.fromstring(dom)
    rounding = page.xpath("//div[@data-code='ROUNDING']")
    assert rounding and all("hidden" in d.get("class") for d in rounding)      # hidden by the script
    shown = page.xpath("//div[@data-code='INDICATOR_SCORE_MISMATCH']")
    assert shown and not any("hidden" in d.get("class") for d in shown)


def test_rerun_uses_cache_and_processes_only_new_files(mixed, tmp_path):
    root, d, out, _ = mixed
    shutil.copy(FIXTURES / "corpus" / "docx" / "form04_fengtai2019.docx", d / "new.docx")
    proc = selfeval("audit", "--no-pdf", "--fail-on", "never", root / "submitted", "--out", out, "--jobs", "2")
    assert proc.returncode == 3
    s = json.loads((out / "summary.json").read_text())
    files = [p for p in (root / "submitted").rglob("*") if p.is_file()]
    # read again: the new file, and the encrypted PDF (its outcome depends on --password)
    assert s["files_in"] == len(files) and s["files_from_cache"] == len(files) - 2
    (d / "new.docx").unlink()


def test_password_opens_encrypted_pdf(tmp_path):
    res = run(FIXTURES / "bad" / "encrypted.pdf", password=BAD["encrypted_password"])
    assert res["error"] is None
    assert res["forms"][0]["project_name"] == BAD["encrypted_truth"]["forms"][0]["project_name"]
    proc = selfeval("extract", FIXTURES / "bad" / "encrypted.pdf", "--json", "--password", "secret")
    assert json.loads(proc.stdout)[0]["declared_total"] == BAD["encrypted_truth"]["forms"][0]["declared_total"]


def test_archive_twice_holds_one_row_per_form(tmp_path):
    import duckdb
    db = tmp_path / "a.duckdb"
    for _ in range(2):
        proc = selfeval("archive", FIXTURES / "seeds", FIXTURES / "corpus" / "xlsx", "--db", db,
                        "--parquet", tmp_path / "pq", "--jobs", "2")
        assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db))
    n_forms, n_keys = con.execute("select count(*), count(distinct (sha256, form_index)) from forms").fetchone()
    truth = json.loads((FIXTURES / "truth" / "corpus.json").read_text())["files"]
    expected = 5 + sum(len(t["forms"]) for rel, t in truth.items() if rel.startswith("xlsx/"))
    assert n_forms == n_keys == expected
    dup = con.execute("select count(*) from (select sha256, form_index, indicator_index, count(*) c "
                      "from indicators group by all having c > 1)").fetchone()[0]
    assert dup == 0
    over = con.execute("select count(*) from findings where severity='error' and code like '%MISMATCH'").fetchone()[0]
    assert over > 0
    pq = con.execute(f"select count(*) from read_parquet('{tmp_path / 'pq' / 'forms'}/**/*.parquet')").fetchone()[0]
    assert pq == expected


def test_archive_grows_with_its_parquet_mirror_and_reads_back(tmp_path):
    import duckdb

    import selfeval as api
    src = tmp_path / "in"
    src.mkdir()
    for p in [*(FIXTURES / "seeds").glob("*.txt"), FIXTURES / "corpus" / "xlsx" / "form01_county2021.xlsx"]:
        shutil.copy(p, src / p.name)
    # the same project filed twice: seed 000 as text and as its Word rendering
    shutil.copy(FIXTURES / "corpus" / "seeds" / "000_64df670863fe3938.docx", src / "again.docx")
    db, pq = tmp_path / "a.duckdb", tmp_path / "pq"
    first = selfeval("archive", src, "--db", db, "--parquet", pq, "--jobs", "2", "-q")
    assert first.returncode == 0, first.stderr
    assert "forms: 7 rows added, 0 replaced, 0 unchanged; 7 in all" in first.stdout
    shutil.copy(FIXTURES / "corpus" / "docx" / "form04_fengtai2019.docx", src / "new.docx")
    second = selfeval("archive", src, "--db", db, "--parquet", pq, "--jobs", "2", "-q")
    assert second.returncode == 0, second.stderr
    # only the new file is read (the rest from the archive's cache) and added
    assert "forms: 1 rows added, 0 replaced, 7 unchanged; 8 in all" in second.stdout, second.stdout
    assert "4 from cache" in second.stdout
    con = duckdb.connect(str(db), read_only=True)
    for table in ("forms", "budget_lines", "indicators", "findings"):
        want = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall())
        got = dict((r[0], r[1]) for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{pq / table}/**/*.parquet', hive_partitioning=true, "
            f"hive_types={{'year': BIGINT}})").fetchall())
        assert got == want, table                                # the same columns, the same types
        n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert n == con.execute(f"SELECT count(*) FROM read_parquet('{pq / table}/**/*.parquet')").fetchone()[0]
    assert (pq / "forms" / "year=2019").is_dir()                 # partitioned by year
    dup = con.execute("SELECT path, duplicate_of FROM forms WHERE duplicate_of IS NOT NULL").fetchall()
    assert len(dup) == 1 and {Path(dup[0][0]).name, Path(dup[0][1]).name} == {"again.docx", "000_64df670863fe3938.txt"}
    con.close()
    a, b = api.load_archive(db), api.load_archive(pq)
    for table in a:
        assert len(a[table]) == len(b[table]) > 0
        assert {c: str(t) for c, t in a[table].dtypes.items()} == {c: str(t) for c, t in b[table].dtypes.items()}
    assert str(a["forms"]["year"].dtype) in ("Int64", "int64") and str(a["forms"]["declared_total"].dtype) == "float64"
    assert len(api.load(db)["forms"]) == 8                  # the database read back, not audited as a file


def test_an_archive_of_unreadable_files_only_reports_them(tmp_path):
    proc = selfeval("archive", FIXTURES / "bad", "--db", tmp_path / "b.duckdb", "--parquet", tmp_path / "pq", "-q")
    assert proc.returncode == 3, proc.stderr                     # unreadable, not a crash
    assert "forms: 0 rows added" in proc.stdout and "UNREADABLE" in proc.stderr


def test_python_api_returns_dataframes():
    import selfeval
    dfs = selfeval.load(FIXTURES / "seeds")
    assert set(dfs) == {"forms", "budget_lines", "indicators", "findings"}
    assert len(dfs["forms"]) == 5 and len(dfs["indicators"]) == 17 + 6 + 6 + 7 + 6
    row = dfs["indicators"].query("name == '工作实效提升率'").iloc[0]
    assert row["score_declared"] == 9 and abs(row["score_recomputed"] - 9.8947) < 1e-3


def test_a_small_fuzzing_sample_has_no_crash_hang_or_silent_zero(tmp_path):
    """`make fuzz` in small: 60 mutated inputs of every format but images (and the bombs)."""
    from fixtures.fuzz import SOURCES, campaign, inputs
    kinds = {k: v for k, v in SOURCES.items() if k != "image"}
    files = inputs(60, seed=20261122, folder=tmp_path, kinds=kinds)
    assert {k for k, _ in files} >= {"txt", "docx", "xlsx", "xls", "pdf"}
    res = campaign(files, seconds=60, megabytes=2048)
    assert res["inputs"] == 60
    assert res["failures"] == []
    assert res["outcomes"].get("form read", 0) > 10 and res["outcomes"].get("unreadable", 0) > 5


def test_readme_sql_examples_run_on_the_archive(tmp_path):
    import duckdb
    from conftest import ROOT
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sql\n(.*?)```", readme, re.S).group(1)
    queries = [q.strip() for q in block.split(";") if "SELECT" in q]
    assert len(queries) == 3
    db = tmp_path / "a.duckdb"
    assert selfeval("archive", FIXTURES / "corpus" / "docx", "--db", db, "--jobs", "2").returncode == 0
    con = duckdb.connect(str(db))
    answers = [con.execute(q).fetchall() for q in queries]
    assert all(answers), answers          # the planted over-claims show up in every example


def test_docx_evidence_is_cropped_from_its_rendering_or_redrawn(tmp_path, monkeypatch):
    import shutil as sh

    import extract.convert
    from selfeval.evidence import picture
    res = run(FIXTURES / "corpus" / "docx" / "form01_county2021.docx")
    form = res["forms"][0]
    fd = next(f for f in res["findings"] if f["code"] == "INDICATOR_SCORE_MISMATCH")
    assert any("table" in e for e in fd["evidence"])
    if sh.which("soffice") or sh.which("libreoffice"):
        png, note = picture(fd, form, "docx", str(tmp_path / "renders"))
        assert png[:4] == b"\x89PNG" and "as LibreOffice renders it" in note
    monkeypatch.setattr(extract.convert, "soffice", lambda: None)
    png, note = picture(fd, form, "docx", str(tmp_path / "renders2"))
    assert png[:4] == b"\x89PNG" and "redrawn" in note
