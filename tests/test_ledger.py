"""The review ledger (OUT/review.jsonl): a hand-written decision and one the desk writes
behave the same; the next audit applies what still holds and says what does not."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SEEDS

SEED0 = SEEDS / "000_64df670863fe3938.txt"


def _audit(src, out, *args):
    env = {**os.environ, "SELFEVAL_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "selfeval.cli", "audit", str(src), "--out", str(out), "--no-pdf",
                           "--pictures", "never", "--jobs", "1", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env)


def _json(out, name):
    return json.loads((out / name).read_text(encoding="utf-8"))


def _line(out, **d):
    with open(out / "review.jsonl", "a", encoding="utf-8") as f:        # as a person would write it by hand
        f.write(json.dumps(d, ensure_ascii=False) + "\n")


@pytest.fixture
def audited(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / SEED0.name).write_bytes(SEED0.read_bytes())
    out = tmp_path / "out"
    first = _audit(src, out)
    assert first.returncode == 1, first.stderr                        # seed 000 over-claims: an error
    return src, out


def test_a_correction_replaces_the_read_value_and_the_form_is_checked_again(audited):
    src, out = audited
    form = _json(out, "forms.json")[0]
    fd = next(f for f in _json(out, "findings.json") if f["code"] == "INDICATOR_SCORE_MISMATCH")
    i = next(n for n, ind in enumerate(form["indicators"]) if ind["name"] == fd["indicator"])
    # declared 5 where the rules give 4.93 (1100 supported against 1085: 5 × 1085 / 1100 = 4.93)
    assert form["indicators"][i]["score_declared"] == 5 and fd["expected"] == 4.93
    _line(out, sha256=form["source"]["sha256"], form_index=0, field=f"indicators.{i}.score_declared",
          indicator=fd["indicator"], before=5, action="correct", value=4.93, reviewer="张三", reason="按规则核减")
    again = _audit(src, out, "--fail-on", "error")
    form = _json(out, "forms.json")[0]
    assert form["indicators"][i]["score_declared"] == 4.93
    prov = form["indicators"][i]["provenance"]["score_declared"]
    assert prov["source"] == "review" and prov["reviewer"] == "张三" and prov["read"] == 5
    codes = [(f["code"], f["indicator"]) for f in _json(out, "findings.json")]
    assert ("INDICATOR_SCORE_MISMATCH", fd["indicator"]) not in codes
    assert form["review"]["corrected"] == [f"indicators.{i}.score_declared"]


def test_a_decision_on_a_value_no_longer_read_is_stale_and_never_applied(audited):
    src, out = audited
    form = _json(out, "forms.json")[0]
    name = form["indicators"][0]["name"]
    sha = form["source"]["sha256"]
    # recorded against another reading of the score, and against another indicator's row
    _line(out, sha256=sha, form_index=0, field="indicators.0.score_declared", indicator=name,
          before=999, action="correct", value=1, reviewer="李四")
    _line(out, sha256=sha, form_index=0, field="indicators.0.weight", indicator="另一个指标",
          before=form["indicators"][0]["weight"], action="correct", value=1, reviewer="李四")
    again = _audit(src, out, "--fail-on", "never")
    assert again.returncode == 0
    assert again.stderr.count("review") >= 2 and "999" in again.stderr and "另一个指标" in again.stderr
    now = _json(out, "forms.json")[0]
    assert now["indicators"][0]["score_declared"] == form["indicators"][0]["score_declared"]
    assert now["indicators"][0]["weight"] == form["indicators"][0]["weight"]
    assert "review" not in now


def test_a_waived_finding_is_kept_flagged_and_fails_no_run(audited):
    src, out = audited
    fd = next(f for f in _json(out, "findings.json") if f["code"] == "INDICATOR_SCORE_MISMATCH")
    _line(out, sha256=fd["sha256"], form_index=0, field=None, indicator=fd["indicator"], before=None,
          action="waive", code=fd["code"], reason="上级批复允许", reviewer="王五")
    _line(out, sha256=fd["sha256"], form_index=0, action="score", value=92.5, reason="复核扣减", reviewer="王五")
    again = _audit(src, out, "--fail-on", "error")
    assert again.returncode == 0, again.stderr               # the one error is waived
    waived = [f for f in _json(out, "findings.json") if f.get("waived")]
    assert [(f["code"], f["waive_reason"], f["waived_by"]) for f in waived] == [(fd["code"], "上级批复允许", "王五")]
    form = _json(out, "forms.json")[0]
    assert form["review"]["score"] == 92.5 and form["review"]["reviewers"] == ["王五"]
    # the report workbook says it: the finding waived with its reason, the form's 复核得分
    from openpyxl import load_workbook
    book = load_workbook(out / "report.xlsx")
    sheet = {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in book.worksheets}
    fds = [dict(zip(sheet["findings"][0], r)) for r in sheet["findings"][1:]]
    assert [(f["code"], f["why it is waived"], f["waived by"]) for f in fds if f["waived"] == "waived"] == \
        [(fd["code"], "上级批复允许", "王五")]
    forms = [dict(zip(sheet["forms"][0], r)) for r in sheet["forms"][1:]]
    assert [(f["reviewer's score (复核得分)"], f["reviewed by"]) for f in forms] == [(92.5, "王五")]
    # and the archive keeps the flag, read with the folder's ledger
    import duckdb
    db = out.parent / "a.duckdb"
    env = {**os.environ, "SELFEVAL_LANG": "en"}
    proc = subprocess.run([sys.executable, "-m", "selfeval.cli", "archive", str(src), "--db", str(db), "--review",
                           str(out), "--jobs", "1", "-q"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    con = duckdb.connect(str(db))
    assert con.execute("SELECT code, waive_reason FROM findings WHERE waived").fetchall() == [(fd["code"], "上级批复允许")]
    assert con.execute("SELECT review_score, reviewed_by FROM forms").fetchall() == [(92.5, "王五")]


def test_appends_are_whole_lines_and_a_torn_line_is_skipped_and_said(tmp_path):
    from selfeval import ledger
    d = ledger.append(tmp_path, {"sha256": "ab" * 32, "form_index": 0, "field": "declared_total", "before": 90,
                                 "action": "correct", "value": "88.5", "reviewer": "张三"})
    assert d["value"] == 88.5 and d["at"]
    with open(tmp_path / "review.jsonl", "a", encoding="utf-8") as f:
        f.write('{"sha256": "cd", "form_index": 0, "action": "corr')         # killed mid-write
    good, bad = ledger.read(tmp_path)
    assert [g["value"] for g in good] == [88.5] and len(bad) == 1 and bad[0].startswith("line 2")
    with pytest.raises(ledger.LedgerError):
        ledger.append(tmp_path, {"sha256": "ab", "form_index": 0, "field": "indicators.x.score", "action": "correct",
                                 "value": 1})
    with pytest.raises(ledger.LedgerError):
        ledger.append(tmp_path, {"sha256": "ab", "form_index": 0, "action": "waive", "code": "TOTAL_MISMATCH"})


# ---------------------------------------------------------------- the desk, through its test client
@pytest.fixture
def desk(audited):
    from starlette.testclient import TestClient
    from selfeval.desk import Desk
    from selfeval.desk_web import app
    src, out = audited
    d = Desk(out, reviewer="张三", lang="zh")
    return src, out, d, TestClient(app(d))


def _post(client, d, **fields):
    return client.post("/decide", data={"csrf": d.csrf, **{k: v for k, v in fields.items() if v is not None}},
                       follow_redirects=False)


def test_the_desk_queues_what_needs_a_person_and_records_each_action(desk):
    src, out, d, client = desk
    page = client.get("/")
    assert page.status_code == 200 and "指标得分与计分规则不符" in page.text and "复核得分" in page.text
    items = d.queue()
    assert items[0]["fd"]["severity"] == "error" and items[0]["field"].startswith("indicators.")
    it = items[0]
    sha, idx, fld = it["fd"]["sha256"], it["fd"]["form_index"], it["field"]
    # a POST without the desk's token is refused and writes nothing
    assert client.post("/decide", data={"sha256": sha, "form_index": idx, "action": "confirm", "field": fld,
                                        "before": "5"}).status_code == 403
    assert not (out / "review.jsonl").exists()
    assert _post(client, d, sha256=sha, form_index=idx, field=fld, before=json.dumps(it["before"]),
                 action="confirm").status_code == 303
    assert _post(client, d, sha256=sha, form_index=idx, action="note", value="请单位补充佐证").status_code == 303
    assert _post(client, d, sha256=sha, form_index=idx, action="score", value="91", reason="核减2分").status_code == 303
    assert _post(client, d, sha256=sha, form_index=idx, action="score", field="indicators.0.score_declared",
                 value="1.5", reason="佐证不足").status_code == 303                          # a deduction
    assert _post(client, d, sha256=sha, form_index=idx, action="waive", code="ROUNDING").status_code == 400  # no reason
    lines = [json.loads(x) for x in (out / "review.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["action"] for x in lines] == ["confirm", "note", "score", "score"]
    first = json.loads((out / "forms.json").read_text())[0]["indicators"][0]["name"]
    assert lines[3]["indicator"] == first and lines[3]["value"] == 1.5      # named, so that a moved row is stale
    from selfeval.ledger import KEYS
    assert all(set(x) == set(KEYS) for x in lines)
    assert lines[0]["before"] == it["before"] and lines[0]["reviewer"] == "张三" and lines[2]["value"] == 91.0
    page = client.get("/").text
    assert "91" in page and "佐证不足" in page


def test_a_correction_at_the_desk_rechecks_the_form_at_once(desk):
    src, out, d, client = desk
    it = d.queue(code="INDICATOR_SCORE_MISMATCH")[0]
    assert _post(client, d, sha256=it["fd"]["sha256"], form_index=it["fd"]["form_index"], field=it["field"],
                 indicator=it["fd"]["indicator"], before=json.dumps(it["before"]), action="correct",
                 value="4.93").status_code == 303
    assert not d.queue(code="INDICATOR_SCORE_MISMATCH")          # the form checked again: the finding is gone
    _, forms = d.audit()
    assert ledger_value(forms[0], it["field"]) == 4.93
    # and the next audit of the folder applies it for good, writing the working papers.  With
    # the score corrected to 4.93 the declared total 93.42 no longer sums: the parts give 93.35
    again = _audit(src, out, "--fail-on", "error")
    assert again.returncode == 1, again.stderr
    total = [f for f in json.loads((out / "findings.json").read_text()) if f["code"] == "TOTAL_MISMATCH"]
    assert [(f["declared"], f["expected"]) for f in total] == [(93.42, 93.35)]
    assert (out / "review.xlsx").is_file()


def ledger_value(form, path):
    from selfeval.ledger import value_at
    return value_at(form, path)


def test_the_desk_serves_only_its_pictures_and_the_audited_sources(desk):
    src, out, d, client = desk
    sha = json.loads((out / "forms.json").read_text())[0]["source"]["sha256"]
    assert client.get(f"/source/{sha}").status_code == 200
    assert client.get("/source/" + "0" * 64).status_code == 404
    assert client.get("/evidence/..%2Fforms.json").status_code == 404
    assert client.get("/evidence/../findings.json").status_code == 404


def test_two_desks_on_one_folder_see_each_others_decisions(desk):
    """The ledger is the truth: a correction made at one desk re-checks the form at another,
    and two corrections of one field that disagree are both shown, the later applying."""
    from starlette.testclient import TestClient
    from selfeval.desk import Desk
    from selfeval.desk_web import app
    src, out, d, client = desk
    other = Desk(out, reviewer="李四", lang="zh")
    it = other.queue(code="INDICATOR_SCORE_MISMATCH")[0]
    fields = dict(sha256=it["fd"]["sha256"], form_index=it["fd"]["form_index"], field=it["field"],
                  indicator=it["fd"]["indicator"], before=json.dumps(it["before"]), action="correct")
    assert _post(client, d, **fields, value="4.93").status_code == 303
    assert not other.queue(code="INDICATOR_SCORE_MISMATCH")          # the other desk re-checked it too
    assert _post(TestClient(app(other)), other, **fields, value="4.5").status_code == 303
    page = client.get("/").text
    assert "李四" in page and "张三" in page and "4.93" in page and "4.5" in page
    from selfeval import ledger
    forms = {(f["source"]["sha256"], f["source"]["form_index"]): f for f in json.loads((out / "forms.json").read_text())}
    plan = ledger.plan(ledger.read(out)[0], forms)
    assert [(a["value"], b["value"]) for a, b in plan.conflicts] == [(4.93, 4.5)]
