"""Per-file limits (issue 8, item 4): every file is read in a worker under a time and a
memory limit; bombs are refused before parsing; only regular files are read; a dead
worker is replaced and no other file's result is lost."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

import selfeval.pipeline
from fixtures.bombs import make_all
from selfeval.cli import app

GOOD = FIXTURES / "seeds" / "000_64df670863fe3938.txt"


def selfeval_cli(*args):
    return subprocess.run([sys.executable, "-m", "selfeval.cli", *map(str, args)], capture_output=True, text=True)


def findings_of(out, name):
    return sorted((f["code"], f["indicator"] or "", f["message"]) for f in json.loads((out / "findings.json").read_text())
                  if f["path"].endswith(name))


@pytest.fixture(scope="module")
def good_alone(tmp_path_factory):
    root = tmp_path_factory.mktemp("good")
    (root / "in").mkdir()
    (root / "in" / "good.txt").write_bytes(GOOD.read_bytes())
    assert selfeval_cli("audit", "--fail-on", "never", root / "in", "--out", root / "out", "--no-html", "--no-xlsx", "--no-pdf").returncode == 0
    found = findings_of(root / "out", "good.txt")
    assert any(code == "INDICATOR_SCORE_MISMATCH" for code, _, _ in found)     # the seed's real error
    return found


def test_bombs_are_refused_with_a_reason_and_the_good_form_is_complete(tmp_path, good_alone):
    bombs = make_all(tmp_path / "in")
    assert max(b.stat().st_size for b in bombs) < 200_000                 # small files ...
    (tmp_path / "in" / "good.txt").write_bytes(GOOD.read_bytes())
    t0 = time.monotonic()
    proc = selfeval_cli("audit", "--no-pdf", "--fail-on", "never", tmp_path / "in", "--out", tmp_path / "out", "--file-memory", "1536",
                        "--file-timeout", "60", "--no-html", "--no-pdf")
    assert proc.returncode == 3, proc.stderr
    assert time.monotonic() - t0 < 60                                       # ... refused, not expanded
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    reasons = {os.path.basename(u["path"]): u["reason"] for u in s["unreadable"]}
    assert set(reasons) == {b.name for b in bombs}
    assert "200000000 columns" in reasons["bomb_gridspan.docx"]
    assert "1048576 rows" in reasons["bomb_farcell.xlsx"] and "1048576 rows" in reasons["bomb_merge.xlsx"]
    assert "65536 rows" in reasons["bomb_farcell.xls"]
    assert "200 pages" in reasons["bomb_pages.tif"] and "32000 × 32000 pixels" in reasons["bomb_huge.png"]
    assert "14400 × 14400 pt" in reasons["bomb_bigpage.pdf"]
    assert "100 pages without a text layer" in reasons["bomb_imagepages.pdf"]
    assert "250003 paragraphs" in reasons["bomb_paragraphs.docx"]
    assert all("past the" in r and "Error" not in r for r in reasons.values())   # sentences, not tracebacks
    assert findings_of(tmp_path / "out", "good.txt") == good_alone


def _slow_read(real):
    """A reader that hangs on files named hang*, dies on die*, eats memory on greedy*."""
    def read(path, password=None):
        name = os.path.basename(str(path))
        if name.startswith("hang"):
            time.sleep(600)
        if name.startswith("die"):
            os.kill(os.getpid(), signal.SIGKILL)
        if name.startswith("greedy"):
            hog = bytearray(3 << 30)
            hog[::4096] = b"x" * len(hog[::4096])
        return real(path, password=password)
    return read


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hanging_a_dying_and_a_greedy_file_are_stopped_and_the_batch_goes_on(tmp_path, monkeypatch, jobs, good_alone):
    monkeypatch.setattr(selfeval.pipeline, "read", _slow_read(selfeval.pipeline.read))
    src = tmp_path / "in"
    src.mkdir()
    for name in ("hang.txt", "die.txt", "greedy.txt", "good.txt"):
        (src / name).write_bytes(GOOD.read_bytes() + name.encode())     # other bytes, other cache keys
    t0 = time.monotonic()
    res = CliRunner().invoke(app, ["audit", "--no-pdf", "--fail-on", "never", "--fail-on", "never", str(src), "--out", str(tmp_path / "out"), "--jobs", jobs,
                                   "--file-timeout", "4", "--file-memory", "1024", "--no-html", "--no-xlsx", "--no-pdf"])
    assert res.exit_code == 3, res.output
    assert time.monotonic() - t0 < 40
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    reasons = {os.path.basename(u["path"]): u["reason"] for u in s["unreadable"]}
    assert reasons["hang.txt"].startswith("took longer than 4 s")
    assert reasons["greedy.txt"].startswith("needed more than 1024 MB")
    assert "died (signal 9) twice" in reasons["die.txt"]
    assert set(reasons) == {"hang.txt", "die.txt", "greedy.txt"}, reasons
    assert findings_of(tmp_path / "out", "good.txt") == good_alone
    # outcomes of this run's limits are not remembered: the next run tries them again
    assert not any(p.name.startswith(tuple(reasons)) for p in (tmp_path / "out" / "cache").iterdir())
    assert len(list((tmp_path / "out" / "cache").iterdir())) == 1


def test_extract_reads_in_a_worker_too(tmp_path, monkeypatch):
    monkeypatch.setattr(selfeval.pipeline, "read", _slow_read(selfeval.pipeline.read))
    (tmp_path / "hang.txt").write_bytes(GOOD.read_bytes())
    res = CliRunner().invoke(app, ["extract", str(tmp_path / "hang.txt"), str(GOOD), "--json", "--file-timeout", "3"])
    assert res.exit_code == 3
    assert "took longer than 3 s" in res.output
    records = json.loads(res.stdout[res.stdout.index("["):])
    forms = [r for r in records if r["status"] == "ok"]
    assert len(forms) == 1 and forms[0]["source"]["path"] == str(GOOD)
    assert [(r["status"], r["path"]) for r in records if r["status"] != "ok"] == \
        [("UNREADABLE", str(tmp_path / "hang.txt"))]            # the file stopped is a record too


def test_only_regular_files_are_read_and_links_stay_in_the_tree(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_bytes(GOOD.read_bytes())
    os.mkfifo(src / "pipe")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(GOOD.read_bytes())
    os.symlink(outside, src / "to_outside")
    os.symlink(outside / "secret.txt", src / "secret_link.txt")
    os.symlink(src / "good.txt", src / "inside_link.txt")
    proc = subprocess.run([sys.executable, "-m", "selfeval.cli", "audit", "--no-pdf", "--fail-on", "never", str(src), "/dev/zero", "--out",
                           str(tmp_path / "out"), "--no-html", "--no-xlsx", "--no-pdf"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    unread = {os.path.basename(u["path"]): u["reason"] for u in s["unreadable"]}
    assert "a FIFO" in unread["pipe"] and "a device" in unread["zero"]
    skipped = {os.path.basename(k["path"]): k["reason"] for k in s["skipped"]}
    assert set(skipped) == {"to_outside", "secret_link.txt"} and s["files_skipped"] == 2
    assert all("out of the walked folder" in r for r in skipped.values())
    forms = json.loads((tmp_path / "out" / "forms.json").read_text())
    assert sorted(os.path.basename(f["source"]["path"]) for f in forms) == ["good.txt", "inside_link.txt"]


def _stack(root):
    src = root / "in"
    src.mkdir()
    for sub in ("docx", "xlsx", "pdf"):
        for f in sorted((FIXTURES / "corpus" / sub).iterdir())[:4]:
            (src / f"{sub}_{f.name}").write_bytes(f.read_bytes())
    for f in sorted((FIXTURES / "seeds").iterdir()):
        (src / f.name).write_bytes(f.read_bytes())
    for name in ("scan_form16_county2021.png", "scan_form11_county2021.jpg"):  # a few seconds each, and
        (src / name).write_bytes((FIXTURES / "scans" / name).read_bytes())     # read first (the largest)
    return src


def _reports(out):
    drop = ("files_from_cache",)
    s = {k: v for k, v in json.loads((out / "summary.json").read_text()).items() if k not in drop}
    return s, json.loads((out / "findings.json").read_text()), json.loads((out / "forms.json").read_text())


def _archive_rows(db):
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall()))
                for t in ("forms", "budget_lines", "indicators", "findings")}
    finally:
        con.close()


def _kill_midway(cmd, ready, timeout=120):
    """Start ``cmd``, SIGKILL it as soon as ``ready()`` holds, and return when it is dead."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while not ready() and proc.poll() is None and time.monotonic() - t0 < timeout:
        time.sleep(0.05)
    assert proc.poll() is None, f"{cmd[3]} ended before it could be killed midway"
    proc.kill()
    proc.wait()
    time.sleep(0.5)                     # the workers die with it (PR_SET_PDEATHSIG)


def test_a_run_killed_midway_then_run_again_equals_an_uninterrupted_run(tmp_path):
    src = _stack(tmp_path)
    run = [sys.executable, "-m", "selfeval.cli"]
    assert subprocess.run(run + ["audit", "--fail-on", "never", "--fail-on", "never", str(src), "--out", str(tmp_path / "a"), "--no-html", "--no-pdf"]).returncode == 0
    assert subprocess.run(run + ["archive", str(src), "--db", str(tmp_path / "a.duckdb")],
                          capture_output=True).returncode == 0
    cache = tmp_path / "b" / "cache"
    _kill_midway(run + ["audit", "--fail-on", "never", "--fail-on", "never", str(src), "--out", str(tmp_path / "b"), "--no-html", "--no-pdf", "--jobs", "1"],
                 lambda: cache.exists() and len(list(cache.glob("*.json"))) >= 1)    # one scan read
    assert not (tmp_path / "b" / "summary.json").exists()
    again = subprocess.run(run + ["audit", "--fail-on", "never", "--fail-on", "never", str(src), "--out", str(tmp_path / "b"), "--no-html", "--no-pdf"], capture_output=True)
    assert again.returncode == 0, again.stderr            # not refused: the dead run's lock died with it
    for got, want in zip(_reports(tmp_path / "b"), _reports(tmp_path / "a")):
        assert got == want
    assert json.loads((tmp_path / "b" / "summary.json").read_text())["files_from_cache"] >= 1

    # the archive: killed while it works, then run again, holds what an uninterrupted one holds
    db = tmp_path / "b.duckdb"
    started = time.monotonic()
    _kill_midway(run + ["archive", str(src), "--db", str(db), "--jobs", "1"], lambda: time.monotonic() - started > 3)
    assert subprocess.run(run + ["archive", str(src), "--db", str(db)], capture_output=True).returncode == 0
    assert _archive_rows(db) == _archive_rows(tmp_path / "a.duckdb")


def _decode_gb18030(_task):
    return "测试".encode("gb18030").decode("gb18030")


def test_the_memory_cap_counts_from_what_the_worker_was_forked_with():
    """A forked worker starts with its parent's address space: a test process or a Dask
    worker that has loaded the OCR models already holds gigabytes.  Capped at the bare
    --file-memory, such a worker could not even load the GB18030 codec (a fuzzed text file
    came back as 'LookupError: unknown encoding: gb18030', a crash of selfeval)."""
    import mmap

    from selfeval.workers import FileLimits, run_limited
    held = mmap.mmap(-1, 3 << 30)           # 3 GB of address space in the parent, none of it touched
    try:
        out = {}
        run_limited([("a", "file")], _decode_gb18030, 1, FileLimits(seconds=30, megabytes=1024),
                    lambda key, status, value: out.update({key: (status, value)}))
    finally:
        held.close()
    assert out == {"a": ("ok", "测试")}
