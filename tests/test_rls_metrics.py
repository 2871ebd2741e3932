"""Row-level security in the metrics layer: every public metric that takes a filter set, called
as rep ann (owner_scope=("ann",)), shows nothing of bob's or ownerless rows — including when
asked directly for bob's customer, deal, campaign or owner, as a crafted drill-down link would.

The list of metrics is found by introspection, so a metric added later is checked too; a new
required argument fails here until ``ARGUMENTS`` says what to pass.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from fixture_rows import insert
from rls_world import ANN_GROSS, ANN_NET, TABLES, leaks

import metrics
from ingest.errors import InputError
from metrics.builder import MEASURES
from metrics.filters import Filters

ANN = Filters(owner_scope=("ann",))
# What to pass for each required argument: bob's things, as an attacker would.
ARGUMENTS = {
    "customer_id": ["B1", "A1", "N1"],
    "owner": ["bob"],
    "campaign_id": ["KBOB", "KBOBDAILY"],
    "stage": ["Proposal", "Closed Won"],
    "dimension": ["owner", "region", "channel", "product", "campaign", "category", "industry",
                  "segment"],
    "value": ["bob", "Bobland"],
    "cohort_start": [date(2024, 1, 1)],
    "period": [0, 1],
    "measure": list(MEASURES),
    "text": ["bob", "B1", "zorphan", "a"],
}
# Optional arguments worth one more call each (a grouping that could surface other owners).
OPTIONAL = {"by": "owner", "group": "bob", "dimension": "owner", "grain": "month"}
NOT_METRICS = {"sqlparts.period_days"}  # takes filters but reads no data


def metric_functions():
    """(id, function) of every public function in metrics/ with a ``filters`` argument."""
    found = []
    for module_info in pkgutil.iter_modules(metrics.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"metrics.{module_info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            ident = f"{module_info.name}.{name}"
            if (fn.__module__ != module.__name__ or name.startswith("_") or ident in NOT_METRICS
                    or "filters" not in inspect.signature(fn).parameters
                    or "params" in inspect.signature(fn).parameters):
                continue
            found.append((ident, fn))
    return sorted(found, key=lambda item: item[0])


def calls(fn):
    """Every keyword set to call ``fn`` with: each combination of ARGUMENTS values for its
    required arguments, then each OPTIONAL argument it has on top of the first."""
    required = [p for p in inspect.signature(fn).parameters.values()
                if p.default is inspect.Parameter.empty and p.name not in ("con", "filters")
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    missing = [p.name for p in required if p.name not in ARGUMENTS]
    assert not missing, f"{fn.__name__}: say in ARGUMENTS what to pass for {missing}"
    combos = [{}]
    for p in required:
        combos = [{**c, p.name: v} for c in combos for v in ARGUMENTS[p.name]]
    optional = [name for name in OPTIONAL if name in inspect.signature(fn).parameters
                and name not in combos[0]]
    extra = [{**combos[0], name: OPTIONAL[name]} for name in optional if name != "group"]
    if "group" in optional:
        extra.append({**combos[0], "by": "owner", "group": "bob"})
    return combos + extra


@pytest.fixture(scope="module")
def world():
    from ingest.db import connect_engine
    from ingest.store import init_db

    connection = connect_engine(":memory:")
    init_db(connection)
    for table, rows in TABLES.items():
        insert(connection, table, rows)
    yield connection
    connection.close()


def run(fn, con, filters, kwargs):
    """The metric's output, or None when it refuses the arguments (a refusal shows nothing)."""
    try:
        return fn(con, filters=filters, **kwargs)
    except (ValueError, KeyError, InputError):
        return None


FUNCTIONS = metric_functions()


def test_the_list_of_metrics_is_not_empty():
    names = [ident for ident, _ in FUNCTIONS]
    assert {"kpis.kpis", "customers.customer_360", "campaigns.campaigns"} <= set(names)


@pytest.mark.parametrize("fn", [fn for _, fn in FUNCTIONS], ids=[i for i, _ in FUNCTIONS])
def test_a_rep_sees_no_row_of_another_owner(world, fn):
    for kwargs in calls(fn):
        shown = run(fn, world, ANN, kwargs)
        assert not leaks(shown), (kwargs, leaks(shown)[:5])


@pytest.mark.parametrize("fn", [fn for _, fn in FUNCTIONS], ids=[i for i, _ in FUNCTIONS])
def test_an_empty_scope_sees_nothing(world, fn):
    for kwargs in calls(fn)[:1]:
        shown = run(fn, world, Filters(owner_scope=()), kwargs)
        assert not leaks(shown), (kwargs, leaks(shown)[:5])


def test_the_canaries_are_seen_without_a_scope(world):
    # The check above can fail: unrestricted, the same metrics do show bob's rows.
    from metrics.dimensions import dimension_values
    from metrics.kpis import kpis

    assert leaks(kpis(world, Filters()))
    assert "bob" in dimension_values(world, Filters(), "owner")["value"].tolist()


def test_ann_kpis_equal_a_direct_query_over_her_rows(world):
    from metrics.kpis import kpis

    # Direct SQL over the canonical tables: lines whose own owner, else their customer's, is ann.
    gross, net = world.execute("""
    with owned as (
      select l.order_id, l.line_amount
      from order_lines l left join customers c on c.customer_id = l.customer_id
      where coalesce(l.owner, c.owner) = 'ann'
    ),
    orders as (select order_id, sum(line_amount) as total from owned group by order_id),
    final as (
      select sum(case when total > 0 then total end) as gross, sum(total) as net from orders
    )
    select * from final
    """).fetchone()
    assert (float(gross), float(net)) == (ANN_GROSS, ANN_NET)
    got = kpis(world, ANN).set_index("metric")["value"]
    assert (got["gross_revenue"], got["net_revenue"], got["sales"]) == (ANN_GROSS, ANN_NET, 3)


def test_contact_conversion_counts_only_rows_the_rep_sees(world):
    # ann's customers A1 and A2. A1: ann's call AA1 and sales O1, O2 -> contacted, converted.
    # A2: no activity of ann's (bob's AB2 was with A1 anyway), sale O3 -> not contacted, converted.
    from metrics.service import contact_conversion

    got = contact_conversion(world, ANN)
    assert got.values.tolist() == [["contacted", 1, 1, 1.0], ["not contacted", 1, 1, 1.0]]
    # Only bob's meeting AB2 on A1 in February: ann cannot see it, so A1 was not contacted.
    feb = Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29), owner_scope=("ann",))
    # A1 bought O2, A2 bought O3 in February: both converted, neither contacted by ann.
    assert contact_conversion(world, feb).values.tolist() == [["not contacted", 2, 2, 1.0]]


def test_campaigns_show_a_rep_no_cost(world):
    # KANN: ann's customer A1 signed up through it on Jan 2; O1 (100, day 8) and O2 (50, day 39)
    # fall in the 90-day window: 150. Its cost (100) carries no owner, so ann sees none; bob's
    # campaigns do not appear.
    from metrics.campaigns import campaigns

    got = campaigns(world, ANN)
    assert got["campaign_id"].tolist() == ["KANN"]
    assert got["cost"].isna().all() and got["revenue"].tolist() == [150.0]


@pytest.mark.parametrize("dimension, expected", [
    # O1, O2, O4 have no owner of their own: they are ann's through A1 and A2.
    ("product", ["Gadget", "Widget"]),
    ("owner", ["ann"]),
    ("region", ["North"]),
    ("campaign", ["KANN"]),
], ids=["product", "owner", "region", "campaign"])
def test_a_reps_filter_choices_follow_the_metrics_owner_rule(world, dimension, expected):
    from metrics.dimensions import dimension_values

    assert sorted(dimension_values(world, ANN, dimension)["value"]) == expected
