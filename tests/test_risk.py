"""The risk ranking and the sample: the signals worked by hand on small stacks, the score
the pack's weights make of them, the same ranking and sample every run, and the CLI's
risk.csv, report sheet and sample.csv."""
import csv
import json
import os
import subprocess
import sys

from conftest import FIXTURES, ROOT
from selfeval.risk import rank, sample


def _form(path, project, unit, year=2022, inds=(), declared=None, by_rules=None, budget=None, index=0):
    return {"source": {"path": path, "sha256": path * 2, "form_index": index}, "project_name": project,
            "implementing_unit": unit, "department": None, "year": year, "declared_total": declared,
            "recomputed": {"total_by_rules": by_rules,
                           "indicators": [{"kind": k} for (_, _, _, _, _, k) in inds]},
            "indicators": [{"name": n, "target": t, "actual": a, "weight": w, "score_declared": s}
                           for (n, t, a, w, s, _) in inds],
            "budget": {"lines": [{"kind": "total", **budget}] if budget else []}}


ROWS = [("培训人次", "≥100人次", "120人次", 10, 8, "quantitative"),
        ("验收合格率", "≥95%", "96%", 10, 9, "quantitative"),
        ("满意度", "≥90%", "92%", 10, 9, "quantitative")]


def test_signals_by_hand():
    """Form a declares 95 where the rules give 92 (3 points over: strength 0.3 × 4 = 1.2) and
    has one error (1/5 × 3 = 0.6): 1.8.  Form b, every indicator at its weight (2) and
    executing 70 of 100 with a total of 95 (3): 5.  Form c, nothing: 0."""
    full = [(n, t, a, w, w, k) for n, t, a, w, _, k in ROWS]
    a = _form("a.pdf", "项目甲", "甲单位", inds=ROWS, declared=95, by_rules=92)
    b = _form("b.pdf", "项目乙", "乙单位", inds=full, declared=95, budget={"adjusted": 100.0, "executed": 70.0})
    c = _form("c.pdf", "项目丙", "丙单位", inds=ROWS)
    ranking = rank([a, b, c], [{"sha256": "a.pdfa.pdf", "form_index": 0, "severity": "error", "code": "TOTAL_MISMATCH"}])
    got = [(r["form"]["project_name"], r["score"], sorted(s for s, _, _ in r["signals"])) for r in ranking]
    assert got == [("项目乙", 5.0, ["full_marks", "low_execution_high_total"]),
                   ("项目甲", 1.8, ["errors", "over_claimed"]),
                   ("项目丙", 0.0, [])]
    assert [r["rank"] for r in ranking] == [1, 2, 3]


def test_a_pasted_indicator_set_and_a_repeated_year_are_found_across_forms():
    """Two projects of one unit with the same indicator names (numbering and spaces aside)
    share a pasted set; a third unit's same set is not the unit's.  A project whose 2023
    targets and actuals are its 2022 ones repeats its year."""
    numbered = [(f"{k}、{n}", t, a, w, s, kind) for k, (n, t, a, w, s, kind) in enumerate(ROWS, start=1)]
    x = _form("x.pdf", "项目一", "甲单位", inds=ROWS)
    y = _form("y.pdf", "项目二", "甲单位", inds=numbered)
    z = _form("z.pdf", "项目三", "乙单位", inds=ROWS)
    old = _form("p22.pdf", "项目四", "丙单位", 2022, inds=ROWS[:3])
    new = _form("p23.pdf", "项目四", "丙单位", 2023, inds=ROWS[:3])
    ranking = {r["form"]["source"]["path"]: r for r in rank([x, y, z, old, new], [])}
    assert [g["source"]["path"] for g in ranking["x.pdf"]["shares"]] == ["y.pdf"]
    assert ranking["z.pdf"]["shares"] == []
    assert [s for s, _, _ in ranking["p23.pdf"]["signals"]] == ["repeated_year"]
    assert [s for s, _, _ in ranking["p22.pdf"]["signals"]] == []
    assert ranking["x.pdf"]["score"] == 3.0 and ranking["p23.pdf"]["score"] == 2.0


def test_the_sample_is_reproducible_and_keeps_its_random_share():
    forms = [_form(f"f{k}.pdf", f"项目{k}", f"单位{k}", inds=ROWS, declared=90 + k % 7, by_rules=90) for k in range(40)]
    ranking = rank(forms, [])
    one = [(r["rank"], how) for r, how in sample(ranking, 10, seed=3, random_share=0.2)]
    two = [(r["rank"], how) for r, how in sample(rank(forms, []), 10, seed=3, random_share=0.2)]
    assert one == two and len({r for r, _ in one}) == 10
    assert [how for _, how in one].count("random") == 2
    assert one != [(r["rank"], how) for r, how in sample(ranking, 10, seed=4, random_share=0.2)]


def test_the_cli_writes_the_ranking_and_draws_the_sample(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "SELFEVAL_LANG": "zh"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "selfeval.cli", *map(str, a)], capture_output=True,
                                    text=True, cwd=ROOT, env=env)
    proc = run("audit", FIXTURES / "seeds", "--out", out, "--no-pdf", "--no-html", "--fail-on", "never", "--jobs", "2",
               "-q", "--pictures", "never")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(open(out / "risk.csv", encoding="utf-8-sig")))
    forms = json.loads((out / "forms.json").read_text())
    assert len(rows) == len(forms) and [int(r["rank"]) for r in rows] == list(range(1, len(forms) + 1))
    assert [float(r["score"]) for r in rows] == sorted((float(r["score"]) for r in rows), reverse=True)
    from openpyxl import load_workbook
    assert load_workbook(out / "report.xlsx").sheetnames[0] == "风险排序"
    first = run("sample", out, "--n", "4", "--seed", "11")
    assert first.returncode == 0, first.stderr
    drawn = (out / "sample.csv").read_bytes()
    assert run("sample", out, "--n", "4", "--seed", "11").returncode == 0 and (out / "sample.csv").read_bytes() == drawn
    assert len(list(csv.DictReader(open(out / "sample.csv", encoding="utf-8-sig")))) == 4
    assert run("sample", out, "--random-share", "2").returncode == 2


def test_the_ranking_finds_the_planted_forms_of_a_generated_stack(tmp_path):
    """A stack of 200 forms or more across 30 units and several years (fixtures/riskstack.py),
    15% planted with pasted indicator sets, full marks, low execution with a high total and
    inflated scores, drawn apart from the ranking's weights: at least 16 of the top 20 are
    planted, and the ranking is the same twice."""
    from fixtures.riskstack import generate, measure
    generate(5, tmp_path / "stack")
    m = measure(tmp_path / "stack", jobs=2)
    assert m["forms"] >= 200 and m["units"] >= 20 and len(m["years"]) >= 3
    assert m["precision"] >= 0.8, m
    assert m["same_again"]


def test_the_archive_keeps_the_ranking_as_a_table_and_a_view(tmp_path):
    """selfeval archive writes table risk (one row a form) and view risk_ranked (the forms
    with their risk, highest first), and mirrors risk to Parquet beside the other tables."""
    import duckdb
    db = tmp_path / "a.duckdb"
    proc = subprocess.run([sys.executable, "-m", "selfeval.cli", "archive", str(FIXTURES / "seeds"), "--db", str(db),
                           "--parquet", str(tmp_path / "pq"), "--jobs", "2", "-q"], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "SELFEVAL_LANG": "zh"})
    assert proc.returncode in (0, 1), proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    forms = con.execute("SELECT count(*) FROM forms").fetchone()[0]
    ranked = con.execute("SELECT score, project_name, reasons FROM risk_ranked").fetchall()
    assert len(ranked) == forms and [r[0] for r in ranked] == sorted((r[0] for r in ranked), reverse=True)
    assert any(r[2] and "指标体系雷同" in r[2] for r in ranked)           # seed 004's forms share one set
    assert list((tmp_path / "pq" / "risk").rglob("*.parquet"))


def test_a_units_round_amounts_are_found_by_their_last_digits_and_only_with_fifty():
    """60 executed amounts of one unit, every one printed ending in 0 (705.40 万元; 705.4321 prints
    705.43, its digit 3): χ² of the
    last digits against uniform is 60 × 9 = 540 > 27.88.  Their digits spread evenly (6 of each
    digit: χ² 0), or only 40 amounts: nothing."""
    from selfeval.risk import chi2_uniform, last_digit
    assert last_digit(7054000.0, "万元") == "0" and last_digit(7054321.0, "万元") == "3" and last_digit(1234.0, "元") == "4"
    assert chi2_uniform(["0"] * 60) == 540.0 and chi2_uniform([str(d) for d in range(10)] * 6) == 0.0

    def stack(n, amount):
        out = []
        for k in range(n):
            f = _form(f"r{k}.pdf", f"项目{k}", "甲单位", inds=ROWS, budget={"adjusted": 8e6, "executed": amount(k)})
            f["budget"]["unit_used"] = "万元"
            out.append(f)
        return out
    round_ = rank(stack(60, lambda k: 7000000.0 + 10000 * k), [])
    assert all("round_amounts" in [s for s, _, _ in r["signals"]] for r in round_)
    spread = rank(stack(60, lambda k: 7000000.0 + 100 * k), [])          # last digits 0-9, six each
    assert not any("round_amounts" in [s for s, _, _ in r["signals"]] for r in spread)
    few = rank(stack(40, lambda k: 7000000.0 + 10000 * k), [])
    assert not any("round_amounts" in [s for s, _, _ in r["signals"]] for r in few)
