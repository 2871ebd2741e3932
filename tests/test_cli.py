"""``python -m metrics report``: run as a scheduled job would, in a subprocess."""

from __future__ import annotations

import http.server
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import REALDATA, ROOT, SAMPLE_DATA

SALESFORCE = REALDATA / "salesforce_dataloader"

ORDERS = """\
Order ID,Order Date,Customer ID,Product Name,Quantity,Line Total
1001,2024-01-05,C1,Widget,2,100.00
1001,2024-01-05,C1,Gadget,1,50.00
1002,2024-01-20,C2,Widget,1,50.00
1003,2024-02-03,C1,Widget,1,50.00
1004,2024-02-10,C3,Gadget,4,200.00
1005,2024-02-15,C2,Widget,-1,-50.00
1006,2024-03-01,C1,Gadget,2,100.00
"""
# Orders: 1001 = 150 (C1, Jan), 1002 = 50 (C2, Jan), 1003 = 50 (C1, Feb), 1004 = 200 (C3, Feb),
# 1005 = -50 (C2's return, Feb), 1006 = 100 (C1, Mar).

DEALS = """\
Deal ID,Deal Name,Stage,Amount,Deal Owner,Create Date,Close Date
D1,Alpha,Lead,1000,ann,2024-01-02,2024-03-30
D2,Beta,Qualified,2000,ann,2024-01-03,2024-03-30
D3,Gamma,Proposal,3000,bob,2024-01-04,2024-03-30
D4,Delta,Won,4000,bob,2024-01-05,2024-02-01
D5,Epsilon,Lost,500,ann,2024-01-06,2024-02-10
"""


def run(*args, env_extra=None, timeout=180, cwd=ROOT):
    """The command as a job runs it; saved mappings and uploads go to a private folder."""
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "metrics", "report", *map(str, args)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def private_env(tmp_path):
    return {"CRM_MAPPINGS_DIR": str(tmp_path / "mappings"),
            "CRM_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def shop(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (folder / "deals.csv").write_text(DEALS, encoding="utf-8")
    return folder


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv")


def assert_one_line_error(result, *fragments, code=1):
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_report_on_hand_typed_files(shop, tmp_path, private_env):
    out = tmp_path / "out"
    result = run(shop / "orders.csv", shop / "deals.csv", "--out", out, env_extra=private_env)
    assert result.returncode == 0, result.stderr
    # What it read and how each file was mapped.
    assert "Read orders.csv: 7 rows as orders / order lines" in result.stdout
    assert "Order Date -> ordered_at" in result.stdout and "Stage -> stage" in result.stdout

    # Sales: 150 + 50 + 50 + 200 + 100 = 550 over 5 sales; returns -50; net 500;
    # AOV 550 / 5 = 110; customers C1, C2, C3; only C1 has two or more sales: 1/3.
    kpis = read(out, "kpis")
    assert list(kpis.columns) == ["metric", "value"]
    values = dict(zip(kpis["metric"], kpis["value"], strict=True))
    assert {k: values[k] for k in ("gross_revenue", "net_revenue", "returns", "sales", "customers",
                                   "aov", "repeat_rate")} == pytest.approx(
        {"gross_revenue": 550, "net_revenue": 500, "returns": -50, "sales": 5, "customers": 3,
         "aov": 110, "repeat_rate": 1 / 3}, abs=0.005)

    # Jan: 150 + 50, 2 sales, C1 C2. Feb: 50 + 200 and the -50 return, C1 C3. Mar: 100, C1.
    monthly = read(out, "sales_monthly")
    expected = pd.DataFrame({"period": ["2024-01-01", "2024-02-01", "2024-03-01"],
                             "gross_revenue": [200.0, 250.0, 100.0], "returns": [0.0, -50.0, 0.0],
                             "net_revenue": [200.0, 200.0, 100.0], "sales": [2, 2, 1],
                             "customers": [2, 2, 1]})
    pd.testing.assert_frame_equal(monthly[expected.columns], expected, check_dtype=False)

    # Widget 100 + 50 + 50 - 50 = 150; Gadget 50 + 200 + 100 = 350.
    products = read(out, "products")
    assert products[["product", "net_revenue"]].values.tolist() == [["Gadget", 350.0], ["Widget", 150.0]]

    # As-of is 03-02 (the day after the last sale). C1: last 03-01, 3 sales, 300; C2: last
    # 01-20 (42 days), 1 sale, 50; C3: last 02-10 (21 days), 1 sale, 200. Scores 1 + floor(5 *
    # percent_rank): R by recency desc C2 1, C3 3, C1 5; F: C2, C3 tie at 1, C1 5; M: 1, 3, 5.
    # Segments: C1 R5F5 Champions, C2 R1F1 Hibernating, C3 R3F1 About to Sleep.
    rfm = read(out, "rfm")
    expected = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"], "recency_days": [1, 42, 21], "frequency": [3, 1, 1],
        "monetary": [300.0, 50.0, 200.0], "r_score": [5, 1, 3], "f_score": [5, 1, 1],
        "m_score": [5, 1, 3], "segment": ["Champions", "Hibernating", "About to Sleep"]})
    pd.testing.assert_frame_equal(rfm, expected, check_dtype=False)
    segments = read(out, "rfm_segments")
    assert segments["customers"].sum() == 3

    # Cohort 2024-01 = {C1, C2}: C1 buys again in Feb and Mar (C2's Feb return is no sale).
    # Cohort 2024-02 = {C3}.
    cohorts = read(out, "cohorts")
    assert list(cohorts.columns) == ["cohort", "period", "customers", "retention_rate"]
    january = cohorts[cohorts["cohort"] == "2024-01"]
    assert january[["period", "customers", "retention_rate"]].values.tolist() == [
        [0, 2, 1.0], [1, 1, 0.5], [2, 1, 0.5]]
    assert cohorts[(cohorts["cohort"] == "2024-02") & (cohorts["period"] == 0)][
        ["customers", "retention_rate"]].values.tolist() == [[1, 1.0]]

    # Stages in the generic order Lead < Qualified < Proposal < Won: Lead 5 (the lost deal
    # counts at its last known, the first, stage), Qualified D2 D3 D4 = 3, Proposal D3 D4 = 2,
    # Won D4 = 1.
    funnel = read(out, "funnel")
    expected = pd.DataFrame({"stage": ["Lead", "Qualified", "Proposal", "Won"], "deals": [5, 3, 2, 1],
                             "conversion_from_previous": [None, 3 / 5, 2 / 3, 1 / 2],
                             "conversion_from_top": [1.0, 3 / 5, 2 / 5, 1 / 5]})
    pd.testing.assert_frame_equal(funnel, expected, check_dtype=False, atol=1e-9)

    # ann: D1 D2 open, D5 lost; bob: D3 open, D4 won for 4000. The orders carry no owner: their
    # 5 sales (550) stand on a "(not set)" row, with no deals.
    reps = read(out, "reps").set_index("owner")
    assert reps.loc[["ann", "bob", "(not set)"], ["won", "lost", "open", "win_rate", "revenue_won",
                                                   "sales", "sales_revenue"]].fillna(-1).values.tolist() == [
        [0, 1, 2, 0.0, 0.0, 0, 0.0], [1, 0, 1, 1.0, 4000.0, 0, 0.0], [0, 0, 0, -1, 0.0, 5, 550.0]]

    # One repeat customer is too few for the CLV models: left out, with the reason printed.
    assert not (out / "clv.csv").exists() and not (out / "clv_model.csv").exists()
    assert "clv: left out: BG/NBD needs at least 10 customers with a repeat purchase" in result.stdout
    historical = read(out, "clv_historical")
    assert historical[["customer_id", "gross_revenue", "returns", "net_revenue"]].values.tolist() == [
        ["C1", 300.0, 0.0, 300.0], ["C3", 200.0, 0.0, 200.0], ["C2", 50.0, -50.0, 0.0]]

    workbook = load_workbook(out / "report.xlsx")
    assert workbook.sheetnames == ["kpis", "sales_monthly", "products", "rfm", "rfm_segments",
                                   "cohorts", "funnel", "reps", "clv_historical"]


def test_as_of_uses_only_earlier_data(shop, tmp_path, private_env):
    out = tmp_path / "out"
    result = run(shop, "--out", out, "--as-of", "2024-03-01", env_extra=private_env)
    assert result.returncode == 0, result.stderr
    # Without order 1006 (03-01): gross 450 over 4 sales, net 400, AOV 112.5.
    values = dict(read(out, "kpis").values.tolist())
    assert (values["gross_revenue"], values["net_revenue"], values["sales"], values["aov"]) == \
        pytest.approx((450, 400, 4, 112.5), abs=0.005)
    # Recency to 03-01 (2024 is a leap year): C1 last 02-03 = 27 days, C2 01-20 = 41,
    # C3 02-10 = 19 days to 02-29, so 20.
    rfm = read(out, "rfm")
    assert rfm[["customer_id", "recency_days", "frequency"]].values.tolist() == [
        ["C1", 27, 2], ["C2", 41, 1], ["C3", 20, 1]]


def test_hostile_text_is_neutralised_in_the_workbook(tmp_path, private_env):
    folder = tmp_path / "in"
    folder.mkdir()
    # SQL in the name, and a terminal escape that would clear the screen of whoever reads the log.
    name = folder / 'x"; drop table order_lines; --\x1b[2J.csv'
    name.write_text("Order ID,Order Date,Customer ID,Product Name,Line Total\n"
                    '1,2024-01-05,"=HYPERLINK(""http://evil"",""x"")",@SUM(A1),10\n'
                    "2,2024-01-06,-cmd,+1,20\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(name, "--out", out, env_extra=private_env)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert 'Read x"; drop table order_lines; --?[2J.csv: 2 rows' in result.stdout
    # CSV keeps the data as it is; the workbook never holds a formula.
    assert sorted(read(out, "rfm")["customer_id"]) == sorted(['=HYPERLINK("http://evil","x")', "-cmd"])
    workbook = load_workbook(out / "report.xlsx")
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'=HYPERLINK(\"http://evil\",\"x\")", "'-cmd", "'@SUM(A1)", "'+1"} <= texts


@pytest.mark.parametrize("make_args, fragments, code", [
    (lambda d: [d / "missing.csv", "--out", d / "out"], ["missing.csv: no such file or folder"], 1),
    (lambda d: [d / "noise.csv", "--out", d / "out"], ["noise.csv", "does not fit any table"], 1),
    (lambda d: [d / "binary.xlsx", "--out", d / "out"], ["binary.xlsx"], 1),
    (lambda d: [d / "empty", "--out", d / "out"], ["empty: the folder has no data files"], 1),
    (lambda d: [d / "orders.csv", "--out", d / "orders.csv"], ["--out must be a folder"], 1),
    (lambda d: [d / "orders.csv", "--out", d / "out", "--as-of", "01/03/2024"],
     ["--as-of must be a date as YYYY-MM-DD"], 1),
    (lambda d: [d / "orders.csv", "--out", d / "out", "--mapping", d / "bad.json"],
     ["bad.json: cannot read the saved mapping"], 1),
    (lambda d: [d / "orders.csv"], ["--out"], 2),
    (lambda d: ["http://127.0.0.1:9/orders.csv", "--out", d / "out"], ["error: "], 1),
], ids=["missing-file", "fits-no-table", "not-a-workbook", "empty-folder", "out-is-a-file",
        "bad-as-of", "bad-mapping", "usage", "loopback-link-refused"])
def test_unusable_input_is_one_line(tmp_path, private_env, make_args, fragments, code):
    (tmp_path / "noise.csv").write_text("column1,column2\nrow1-1,row1-2\n", encoding="utf-8")
    (tmp_path / "binary.xlsx").write_bytes(b"PK\x03\x04 this is no workbook \x00\xff" * 10)
    (tmp_path / "empty").mkdir()
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    result = run(*make_args(tmp_path), env_extra=private_env)
    assert_one_line_error(result, *fragments, code=code)
    assert not (tmp_path / "out" / "report.xlsx").exists()


class _OneFile(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ORDERS.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Disposition", 'attachment; filename="linked orders.csv"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_report_from_a_link(tmp_path, private_env):
    server = http.server.HTTPServer(("127.0.0.1", 0), _OneFile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/export?id=1"
        out = tmp_path / "out"
        result = run(url, "--out", out,
                     env_extra={**private_env, "CRM_ALLOWED_LINK_HOSTS": "127.0.0.1"}, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert f"Fetched {url}" in result.stdout
    assert dict(read(out, "kpis").values.tolist())["gross_revenue"] == pytest.approx(550, abs=0.005)


def test_salesforce_extracts(tmp_path, private_env):
    out = tmp_path / "out"
    result = run(SALESFORCE / "opportunityData.csv", SALESFORCE / "accountData.csv", "--out", out,
                 env_extra=private_env)
    assert result.returncode == 0, result.stderr
    assert "STAGENAME -> stage" in result.stdout
    # 38 opportunities: Prospecting 9, Needs Analysis 1, Value Proposition 8, Id. Decision
    # Makers 4, Proposal/Price Quote 4, Negotiation/Review 4, Closed Won 8. A deal reached every
    # stage up to its own, so from the top: 38, 29, 28, 20, 16, 12, 8 (Salesforce's order).
    funnel = read(out, "funnel")
    assert funnel[["stage", "deals"]].values.tolist() == [
        ["Prospecting", 38], ["Needs Analysis", 29], ["Value Proposition", 28],
        ["Id. Decision Makers", 20], ["Proposal/Price Quote", 16], ["Negotiation/Review", 12],
        ["Closed Won", 8]]
    assert funnel["conversion_from_top"].tolist() == pytest.approx(
        [1, 29 / 38, 28 / 38, 20 / 38, 16 / 38, 12 / 38, 8 / 38])
    # One owner holds all 38: 8 won (500,000 + ... = 2,200,000), 30 open, none lost.
    reps = read(out, "reps")
    assert reps[["won", "lost", "open", "revenue_won"]].values.tolist() == [[8, 0, 30, 2_200_000.0]]
    sheets = load_workbook(io.BytesIO((out / "report.xlsx").read_bytes())).sheetnames
    assert "funnel" in sheets and "reps" in sheets


@pytest.mark.slow
def test_sample_data(tmp_path, private_env):
    out = tmp_path / "out"
    result = run(SAMPLE_DATA, "--out", out, env_extra=private_env, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in ("kpis", "sales_monthly", "products", "rfm", "rfm_segments", "cohorts", "funnel",
                 "reps", "campaigns", "clv", "clv_model", "clv_historical"):
        assert (out / f"{name}.csv").exists(), name
    # Invariants: segments add up to the scored customers; period 0 of every cohort is 100 %;
    # a funnel never widens; CLV is there for every RFM customer; the model has its parameters.
    rfm, segments = read(out, "rfm"), read(out, "rfm_segments")
    assert segments["customers"].sum() == len(rfm)
    cohorts = read(out, "cohorts")
    assert (cohorts.loc[cohorts["period"] == 0, "retention_rate"] == 1.0).all()
    assert read(out, "funnel")["deals"].is_monotonic_decreasing
    clv = read(out, "clv")
    assert sorted(clv["customer_id"].astype(str)) == sorted(rfm["customer_id"].astype(str))
    assert (clv["clv"] >= 0).all() and clv["p_alive"].between(0, 1).all()
    model = read(out, "clv_model").set_index("parameter")
    assert {"r", "alpha", "a", "b", "p", "q", "gamma"} <= set(model.index)
    assert (model.loc[["r", "alpha", "a", "b", "p", "q", "gamma"], "value"] > 0).all()
