"""Every string a metric formats into SQL (``by=``, ``dimension=``, ``grain=``, units, sources) is
checked against the function's own allow-list first; hostile text is refused, never run."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.errors import InputError
from metrics.filters import Filters

HOSTILE = "owner) as g from deals; drop table deals; --"


def _calls():
    from metrics import (
        builder,
        campaigns,
        clv,
        customers,
        funnel,
        retention,
        sales,
        sales_drill,
        service,
        service_drill,
        team,
    )
    from metrics.deal_lists import stage_deals
    from metrics.dimensions import dimension_values

    f = Filters()
    return [
        ("funnel-by", lambda con: funnel.funnel(con, f, by=HOSTILE)),
        ("pipeline-by", lambda con: funnel.pipeline(con, f, by=HOSTILE)),
        ("velocity-by", lambda con: funnel.velocity(con, f, by=HOSTILE)),
        ("stage-deals-by", lambda con: stage_deals(con, f, "Lead", by=HOSTILE, group="x")),
        ("tickets-by", lambda con: service.tickets_summary(con, f, by=HOSTILE)),
        ("ticket-list-by", lambda con: service_drill.ticket_list(con, f, by=HOSTILE, value="x")),
        ("profile-by", lambda con: customers.profile(con, f, by=HOSTILE)),
        ("breakdown-dimension", lambda con: sales.breakdown(con, f, HOSTILE)),
        ("orders-behind-dimension", lambda con: sales_drill.orders_behind(con, f, HOSTILE, "x")),
        ("trend-grain", lambda con: sales.sales_trend(con, f, grain=HOSTILE)),
        ("forecast-grain", lambda con: sales.sales_forecast(con, f, grain=HOSTILE)),
        ("cohorts-grain", lambda con: retention.cohorts(con, f, grain=HOSTILE)),
        ("curve-grain", lambda con: retention.retention_curve(con, f, grain=HOSTILE)),
        ("trend-window", lambda con: sales.sales_trend(con, f, window=HOSTILE)),
        ("clv-unit", lambda con: clv.clv_inputs(con, f, as_of=date(2024, 1, 1), unit=HOSTILE)),
        ("campaign-revenue-from", lambda con: campaigns.campaigns(con, f, revenue_from=(HOSTILE,))),
        ("reps-attainment-from", lambda con: team.reps(con, f, attainment_from=HOSTILE)),
        ("builder-measure", lambda con: builder.build_report(con, f, HOSTILE)),
        ("builder-dimension", lambda con: builder.build_report(con, f, "net_revenue", HOSTILE)),
        ("builder-grain", lambda con: builder.build_report(con, f, "net_revenue", "none", HOSTILE)),
        ("dimension-values", lambda con: dimension_values(con, f, HOSTILE)),
    ]


@pytest.mark.parametrize("name", [n for n, _ in _calls()])
def test_a_hostile_choice_is_refused_before_any_sql(con, name):
    call = dict(_calls())[name]
    statements = []
    real_execute = con.execute

    class Watched:
        def __getattr__(self, attr):
            return getattr(con, attr)

        def execute(self, sql, *args):
            statements.append(sql)
            return real_execute(sql, *args)

    with pytest.raises((ValueError, InputError, KeyError)):
        call(Watched())
    assert not any("drop table" in s for s in statements)
    assert real_execute("select count(*) from deals").fetchone() == (0,)


STAGE_HEADER = 'Stage"); drop table customers; --'
STATUS_HEADER = "St'atus\"; --"
LEAD = "Lead'); drop table customers; --"


def test_a_hand_edited_mapping_with_hostile_headers_and_stages_loads_as_data(con, tmp_path):
    from ingest.load import load_path
    from ingest.mapping import Mapping
    from ingest.store import init_db
    from metrics.funnel import funnel

    init_db(con)
    (tmp_path / "deals.csv").write_text(
        'Id,"Stage""); drop table customers; --",Amount,"St\'atus""; --"\n'
        f"D1,{LEAD},100,open\n"
        "D2,Won,200,won\n", encoding="utf-8")
    path = tmp_path / "m.json"
    Mapping("deals", {"deal_id": "Id", "stage": STAGE_HEADER, "deal_amount": "Amount"},
            headers=["Id", STAGE_HEADER, "Amount", STATUS_HEADER],
            extras={"deal_status": STATUS_HEADER}, stage_order=[LEAD, "Won"]).save(path)
    mapping = Mapping.load(path)
    [result] = load_path(con, tmp_path / "deals.csv", mapping=mapping,
                         mappings_dir=tmp_path / "maps")
    assert result.rows_loaded == 2
    stored = con.execute("select deal_id, stage, is_won from deals order by deal_id").fetchall()
    assert stored == [("D1", LEAD, False), ("D2", "Won", True)]
    # Both deals reached the first stage (the won one passed through it); one is won.
    shown = funnel(con, Filters(), stage_order=mapping.stage_order)
    assert shown[["stage", "deals"]].values.tolist() == [[LEAD, 2], ["Won", 1]]
    assert con.execute("select count(*) from customers").fetchone() == (0,)
