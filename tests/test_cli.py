"""The command line's conventions: exit codes, --version, -h, what is reported, JSONL that
streams, and a walk that passes over its own output, hidden files, OS junk and lock files."""
import json
import shutil
import subprocess
import sys

from conftest import FIXTURES, SEEDS

CLI = [sys.executable, "-m", "selfeval.cli"]
CLEAN = FIXTURES / "corpus" / "docx" / "form00_national2020.docx"     # no planted finding
SEED0 = SEEDS / "000_64df670863fe3938.txt"                             # one INDICATOR_SCORE_MISMATCH error


def cli(*args, **kw):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, **kw)


def test_version_and_short_help():
    v = cli("--version")
    assert v.returncode == 0 and v.stdout.startswith("selfeval ") and v.stdout.split()[1][0].isdigit()
    h = cli("audit", "-h")
    assert h.returncode == 0 and "--fail-on" in h.stdout and "<bool>" not in h.stdout


def test_exit_codes(tmp_path):
    out = lambda name: ["--out", tmp_path / name, "--no-html", "--no-xlsx", "--no-pdf", "-q"]
    assert cli("audit", CLEAN, *out("clean")).returncode == 0
    assert cli("audit", SEED0, *out("seed")).returncode == 1                       # an error finding
    assert cli("audit", SEED0, *out("seed2"), "--fail-on", "never").returncode == 0
    assert cli("audit", SEED0, *out("seed3"), "--ignore", "INDICATOR_SCORE_MISMATCH").returncode == 0
    missing = cli("audit", tmp_path / "nowhere", *out("none"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    assert not (tmp_path / "none").exists()                                        # no work was done
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    r = cli("audit", bad, CLEAN, *out("bad"))
    assert r.returncode == 3 and "broken.pdf" in r.stderr                          # named even when quiet
    assert cli("extract", bad, "--format", "jsonl").returncode == 3


def test_min_severity_keeps_what_is_asked_and_every_unreadable(tmp_path):
    bad = tmp_path / "in" / "empty.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    shutil.copy(SEED0, tmp_path / "in" / SEED0.name)
    cli("audit", tmp_path / "in", "--out", tmp_path / "out", "--no-html", "--no-xlsx", "--no-pdf", "--min-severity", "error", "-q")
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert {f["severity"] for f in findings} == {"error"}
    assert sorted(f["code"] for f in findings) == ["INDICATOR_SCORE_MISMATCH", "UNREADABLE"]


def test_extract_jsonl_is_one_record_per_form_or_unreadable_file(tmp_path):
    bad = tmp_path / "random.pdf"
    bad.write_bytes(b"\x00not a pdf at all")
    r = cli("extract", SEEDS, bad, "--format", "jsonl", "-o", tmp_path / "forms.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "forms.jsonl").read_text(encoding="utf-8").splitlines()]
    assert r.returncode == 3
    assert sum(1 for x in lines if x["status"] == "ok") == 5                      # the seeds' five forms
    (u,) = [x for x in lines if x["status"] == "UNREADABLE"]
    assert u["path"].endswith("random.pdf") and u["reason"]
    totals = sorted(x["declared_total"] for x in lines if x["status"] == "ok")
    assert totals == [89, 93.42, 97, 99, 99]


def test_extract_jsonl_streams_before_the_run_ends(tmp_path):
    # the first file's record is written while the second is still being read
    slow = tmp_path / "in"
    slow.mkdir()
    shutil.copy(SEED0, slow / "a.txt")
    shutil.copy(FIXTURES / "scans" / sorted(p.name for p in (FIXTURES / "scans").iterdir()
                                            if p.suffix == ".pdf")[0], slow / "b.pdf")
    proc = subprocess.Popen([*CLI, "extract", str(slow / "a.txt"), str(slow / "b.pdf"), "--format", "jsonl"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline()
    still_running = proc.poll() is None
    rest = proc.communicate()[0]
    assert json.loads(first)["status"] == "ok" and still_running
    assert rest.strip()                                                             # the scan's record follows


def test_walk_twice_into_an_out_inside_the_input_and_junk_is_skipped(tmp_path):
    src = tmp_path / "stack"
    (src / ".git").mkdir(parents=True)
    (src / ".git" / "HEAD").write_text("ref: refs/heads/main")
    shutil.copy(SEED0, src / "seed.txt")
    shutil.copy(FIXTURES / "corpus" / "xlsx" / "form00_national2020.xlsx", src / "renamed.dat")
    for junk in (".DS_Store", "Thumbs.db", "desktop.ini", "~$renamed.xlsx"):
        (src / junk).write_bytes(b"\x00\x01junk")
    runs = []
    for _ in range(2):
        r = cli("audit", src, "--out", src / "reports", "--no-html", "--no-pdf", "--fail-on", "never")
        assert r.returncode == 0, r.stderr
        runs.append(json.loads((src / "reports" / "summary.json").read_text()))
    for s in runs:
        assert s["files_in"] == 2 and s["files_unreadable"] == 0 and s["forms"] == 2    # the .dat is an xlsx
        reasons = sorted(x["reason"] for x in s["skipped"])
        # .git (hidden), .DS_Store / Thumbs.db / desktop.ini (OS), ~$… (a lock), reports/ (this run's output)
        assert len(reasons) == 6 and sum("hidden" in x for x in reasons) == 1
        assert sum("operating-system" in x for x in reasons) == 3 and sum("lock file" in x for x in reasons) == 1
        assert sum("output folder" in x for x in reasons) == 1
