"""What an attacker or an unlucky stack puts in the way of an audit: names no writer can
hold, markup in paths, link loops, folders that cannot be listed, stale files; each ends as
a report with every file accounted for, never a traceback."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS
from test_batch import selfeval

SEED = SEEDS / "000_64df670863fe3938.txt"


def _audit(*args):
    return selfeval("audit", "--jobs", "1", "--fail-on", "never", *args)


def test_a_noncharacter_in_a_name_or_a_cell_is_written_and_no_stale_report_is_left(tmp_path):
    """U+FFFE in a file name and U+FFFF in a cell: lxml refuses both in XML, so report.xlsx
    and report.html failed and an earlier run's reports stayed beside the new findings."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "ff\ufffe.txt")
    text = SEED.read_text(encoding="utf-8").replace("项目名称", "项目名称\uffff", 1)
    (src / "cell.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for stale in ("report.xlsx", "report.html"):
        (out / stale).write_text("an earlier run's report")
    r = _audit(src, "--out", out)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "ff\\ufffe.txt" in html and "\ufffe" not in html and "\uffff" not in html
    import openpyxl
    wb = openpyxl.load_workbook(out / "report.xlsx")
    files = {c.value for c in wb["forms"]["A"][1:]}
    assert "ff\\ufffe.txt" in files, files


def test_a_report_whose_writer_fails_is_removed_not_left_stale(tmp_path, monkeypatch):
    """Whatever a writer meets, the report of that name is this run's or none."""
    from selfeval import cli
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.xlsx").write_text("stale")

    def broken(results, target, pics, **options):
        raise ValueError("All strings must be XML compatible")
    cli._report(broken, [], out / "report.xlsx", {})
    assert not (out / "report.xlsx").exists()


def test_markup_in_a_path_is_printed_as_written(tmp_path):
    """'[/]' in a path raised rich's MarkupError (exit 1, not 3); '[link=…]' hid a terminal
    hyperlink in the name.  Every path and reason is printed as text."""
    src = tmp_path / "in"
    (src / "mk[" / "[").mkdir(parents=True)
    (src / "lk[link=http:").mkdir(parents=True)
    shutil.copy(SEED, src / "mk[" / "[" / "]x.txt")
    (src / "lk[link=http:" / "evil.example]click.txt").write_text("no form in here")
    (src / "mk[" / "[" / "]bad.txt").write_text("no form in here either")
    r = _audit(src, "--out", tmp_path / "out")
    assert r.returncode == 3, r.stdout + r.stderr           # the bad files are unreadable: 3, not a crash
    assert "MarkupError" not in r.stderr and "Traceback" not in r.stderr
    assert "mk[/[/]bad.txt" in r.stdout and "lk[link=http:/evil.example]click.txt" in r.stdout
    r = selfeval("extract", src / "lk[link=http:" / "evil.example]click.txt", src / "mk[" / "[" / "]bad.txt")
    assert r.returncode == 3 and "lk[link=http:/evil.example]click.txt" in r.stderr and "mk[/[/]bad.txt" in r.stderr


def test_a_link_loop_is_one_unreadable_entry_walked_or_named(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "good.txt")
    (src / "b.pdf").symlink_to("a.pdf")
    (src / "a.pdf").symlink_to("b.pdf")
    out = tmp_path / "out"
    r = _audit(src, "--out", out)
    assert r.returncode == 3 and "Traceback" not in r.stderr, r.stderr
    unread = json.loads((out / "summary.json").read_text())["unreadable"]
    assert sorted(Path(u["path"]).name for u in unread) == ["a.pdf", "b.pdf"]
    assert all("link loop" in u["reason"] for u in unread)
    assert (out / "report.xlsx").exists() and (out / "report.html").exists()
    out2 = tmp_path / "out2"
    r = _audit(src / "a.pdf", "--out", out2)          # named directly
    assert r.returncode == 3 and "Traceback" not in r.stderr, r.stderr
    assert (out2 / "report.xlsx").exists() and "link loop" in (out2 / "findings.json").read_text()


def _as_nobody(fn, *args) -> dict:
    """fn(*args) in a forked child that has dropped to the user 'nobody' when this is root
    (root lists any folder), else in a forked child as is; its JSON answer."""
    import pwd
    uid = None
    if os.geteuid() == 0:
        try:
            uid = pwd.getpwnam("nobody").pw_uid
        except KeyError:
            pytest.skip("running as root and there is no user 'nobody' to drop to")
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:                     # the child: everything it needs is imported already
        code = 0
        try:
            os.close(rd)
            if uid is not None:
                os.setgid(uid)
                os.setuid(uid)
            answer = json.dumps(fn(*args)).encode()
        except BaseException as e:   # noqa: BLE001 - the parent reports it
            answer, code = json.dumps({"child failed": repr(e)}).encode(), 1
        os.write(wr, answer)
        os._exit(code)
    os.close(wr)
    with os.fdopen(rd, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def _walked(src: str) -> list:
    """The walk of ``src`` and, for each entry to be read, why it cannot be (as run_batch
    asks before reading): pure Python, so that it runs in a child that dropped its rights."""
    from selfeval.batch import entries
    from selfeval.pipeline import not_a_file
    said = lambda m: None if m is None else str(m)       # a reason in English, as the child sends it back
    return [(str(p), said(why), said(not_a_file(p)) if why is None else None) for p, why in entries([src])]


def test_a_folder_that_cannot_be_listed_is_reported_not_passed_in_silence():
    """os.walk without onerror let a folder without read permission vanish: exit 0 with
    files never seen.  It is an UNREADABLE entry with its reason, and the exit says so."""
    import tempfile
    import selfeval.batch  # noqa: F401 - imported before the fork: 'nobody' cannot read the interpreter's library
    root = Path(tempfile.mkdtemp(prefix="selfeval-perm-", dir="/tmp"))
    try:
        src = root / "in"
        (src / "closed").mkdir(parents=True)
        shutil.copy(SEED, src / "good.txt")
        shutil.copy(SEED, src / "closed" / "unseen.txt")
        for d in (root, src):
            os.chmod(d, 0o777)
        os.chmod(src / "good.txt", 0o644)
        os.chmod(src / "closed", 0o000)
        got = _as_nobody(_walked, str(src))
        assert "child failed" not in got, got
        problems = {Path(p).name: problem for p, why, problem in got if problem}
        assert list(problems) == ["closed"], got
        assert "cannot be listed" in problems["closed"] and "not seen" in problems["closed"]
        assert any(Path(p).name == "good.txt" and problem is None for p, _, problem in got)
        # run_batch makes such an entry an UNREADABLE result, and the exit code 3
        from selfeval.cli import _exit_code
        from selfeval.pipeline import FileResult, unreadable
        r = FileResult(str(src / "closed"), None, error=problems["closed"],
                       findings=[unreadable(str(src / "closed"), None, problems["closed"])]).to_dict()
        assert _exit_code([r]) == 3
    finally:
        os.chmod(root / "in" / "closed", 0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_an_unknown_code_to_ignore_is_a_usage_error_naming_the_codes(tmp_path):
    r = selfeval("audit", SEED, "--out", tmp_path / "out", "--ignore", "ROUNDNG")
    assert r.returncode == 2 and "ROUNDNG" in r.stderr and "ROUNDING" in r.stderr
    assert not (tmp_path / "out" / "findings.json").exists()        # nothing was done
    r = selfeval("audit", SEED, "--out", tmp_path / "out", "--ignore", "rounding", "--fail-on", "never")
    assert r.returncode == 0
    assert all(f["code"] != "ROUNDING" for f in json.loads((tmp_path / "out" / "findings.json").read_text()))


def test_a_finding_code_not_in_the_registry_cannot_be_made_and_codes_lists_them_all():
    """The registry (score/codes.toml) is the one list: a Finding with a code it does not
    hold raises (so any test that meets it fails), and `selfeval codes` shows every code."""
    from score import Finding
    from score.codes import registry
    with pytest.raises(ValueError, match="ROUNDNG"):
        Finding("ROUNDNG", "info", "a typo")
    contract = {"BUDGET_RATE_MISMATCH", "BUDGET_SCORE_MISMATCH", "INDICATOR_SCORE_MISMATCH",
                "QUALITATIVE_BAND_MISMATCH", "SCORE_EXCEEDS_WEIGHT", "OVER_TARGET_DEDUCTION_MISSING",
                "GROUP_WEIGHT_MISMATCH", "WEIGHT_TOTAL_MISMATCH", "TOTAL_MISMATCH", "UNIT_INCONSISTENT",
                "ROUNDING", "MISSING_VALUE", "UNREADABLE"}
    assert contract <= set(registry())
    listed = selfeval("codes").stdout
    assert all(code in listed for code in registry())


def test_load_of_a_missing_path_raises():
    import selfeval
    with pytest.raises(FileNotFoundError):
        selfeval.load("missing/path")


def test_archiving_an_unchanged_folder_again_replaces_nothing(tmp_path):
    """The encrypted PDF's finding is never cached (a password may come next run), so it
    was read again and counted 'replaced' on every re-run of the same folder."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src)
    shutil.copy(FIXTURES / "bad" / "encrypted.pdf", src)
    db = tmp_path / "a.duckdb"
    first = selfeval("archive", src, "--db", db, "--jobs", "1")
    again = selfeval("archive", src, "--db", db, "--jobs", "1")
    assert "findings:" in first.stdout and " 0 replaced" in first.stdout
    lines = [ln for ln in again.stdout.splitlines() if "rows added" in ln]
    assert lines and all(" 0 rows added, 0 replaced" in ln for ln in lines), again.stdout


def test_a_temporary_file_a_killed_worker_left_is_cleared_at_start(tmp_path):
    from selfeval.batch import run_batch
    cache = tmp_path / "cache"
    cache.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = cache / f".abc-def.json.{int(dead.stdout)}.tmp"
    stale.write_text("{half")
    live = cache / f".abc-ghi.json.{os.getpid()}.tmp"          # a writer still at work
    live.write_text("{")
    run_batch([SEED], jobs=1, cache_dir=cache)
    assert not stale.exists() and live.exists()


def test_an_mhtml_page_is_held_to_the_page_limit_as_the_file_holds_it(tmp_path):
    """A base64 page of 150 MB, most of it not base64, decoded to a small page of a
    thousand empty tables: 1,000 empty forms.  The part as stored is held to the limit."""
    from extract.limits import LIMITS
    import base64
    page = base64.encodebytes(b"<table><tr><td>a</td></tr></table>\n" * 1000)
    junk = b"!!!!!!!!\r\n" * ((int(1.5 * LIMITS.max_text_mb) << 20) // 10)
    p = tmp_path / "page.mhtml"
    p.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
                  b"Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" + page + junk + b"\r\n--B--\r\n")
    r = selfeval("extract", "--format", "jsonl", p)
    (rec,) = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert rec["status"] == "UNREADABLE" and "as encoded" in rec["reason"] and "20 MB" in rec["reason"]


def test_extract_csv_carries_a_byte_order_mark_for_excel(tmp_path):
    out = tmp_path / "forms.csv"
    r = selfeval("extract", "--format", "csv", "-o", out, SEED)
    assert r.returncode == 0, r.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "丰台".encode() in raw
    import csv
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[0]["path"].endswith(SEED.name) and rows[0]["status"] == "ok"
