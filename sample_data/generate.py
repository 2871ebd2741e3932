"""Write the sample CRM exports: ``python -m sample_data.generate [--out DIR] [--seed N]``.

Deterministic: the same seed gives the same bytes. See sample_data/README.md for the files.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from sample_data import formats as fmt
from sample_data.marketing import make_campaigns, write_workbook
from sample_data.orders import make_shop_orders, make_tmall_orders
from sample_data.people import make_customers, make_tmall_buyers
from sample_data.sales import (
    PROBABILITY,
    make_activities,
    make_deals,
    quota_rows,
    won_close_days,
)
from sample_data.service import make_tickets
from sample_data.world import DEFAULT_SEED

HERE = Path(__file__).resolve().parent
TMALL_FILE = "天猫订单导出.csv"
FILES = ("hubspot_companies.csv", "shop_orders.csv", TMALL_FILE, "salesforce_opportunities.csv",
         "opportunity_stage_history.csv", "marketing_campaigns.xlsx", "activities.csv",
         "service_tickets.csv", "sales_targets.csv")


def generate(out_dir: Path = HERE, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """(Re)write every sample file into ``out_dir``; returns data rows per file (xlsx: per sheet)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # One independent stream per part, so changing one part leaves the others' data alone.
    (r_people, r_deals, r_acts, r_shop, r_buyers, r_tmall, r_camp, r_tickets,
     r_quirks) = np.random.default_rng(seed).spawn(9)
    customers = make_customers(r_people)
    deals = make_deals(r_deals, customers)
    activities = make_activities(r_acts, deals, customers)
    orders = make_shop_orders(r_shop, customers, won_close_days(deals))
    tmall = make_tmall_orders(r_tmall, make_tmall_buyers(r_buyers, customers))
    summary, daily = make_campaigns(r_camp, orders, deals, customers)
    tickets = make_tickets(r_tickets, orders)

    counts = {}
    counts["hubspot_companies.csv"] = fmt.write_csv(
        out_dir / "hubspot_companies.csv",
        ["Record ID", "Company name", "Email", "Phone Number", "State/Region", "City", "Industry",
         "Original Source", "Company owner", "Create Date"],
        ([c.record_id, c.name, c.email, c.phone, c.state, c.city, c.industry, c.source, c.owner,
          fmt.hubspot_datetime(c.created)] for c in customers),
        encoding="utf-8-sig", newline="\r\n")

    newest_first = sorted(orders, key=lambda o: (o.created, o.name), reverse=True)
    counts["shop_orders.csv"] = fmt.write_csv(
        out_dir / "shop_orders.csv",
        ["Name", "Customer ID", "Created at", "Financial Status", "Currency", "Source", "UTM Campaign",
         "Lineitem name", "Lineitem sku", "Product Type", "Lineitem quantity", "Lineitem price",
         "Lineitem discount", "Shipping Province"],
        ([o.name, o.customer.record_id if o.customer else "", fmt.shopify_datetime(o.created), o.status,
          "USD", o.source, o.campaign, line.product.name, line.product.sku, line.product.category,
          line.quantity, fmt.plain_money(line.price), fmt.plain_money(line.discount), o.province]
         for o in newest_first for line in o.lines))

    prefixes = r_quirks.choice(["", "¥", "￥"], size=len(tmall), p=[0.96, 0.02, 0.02])
    counts[TMALL_FILE] = fmt.write_csv(
        out_dir / TMALL_FILE,
        ["订单编号", "买家会员名", "下单时间", "商品名称", "商品编码", "购买数量", "单价", "优惠金额",
         "实付金额", "收货地址", "订单状态"],
        ([t.order_no, t.member, fmt.tmall_datetime(t.created), t.product.name_cn, t.product.sku,
          t.quantity, p + fmt.plain_money(t.price), p + fmt.plain_money(t.discount),
          p + fmt.plain_money(t.paid), t.address, t.status]
         for t, p in reversed(list(zip(tmall, prefixes)))),
        encoding="gb18030", newline="\r\n")

    counts["salesforce_opportunities.csv"] = fmt.write_csv(
        out_dir / "salesforce_opportunities.csv",
        ["Opportunity ID", "Opportunity Name", "Account ID", "Stage", "Amount", "Probability (%)",
         "Opportunity Owner", "Lead Source", "Product", "Created Date", "Close Date", "Campaign"],
        ([d.deal_id, d.name, d.account.record_id, d.stage, fmt.us_money(d.amount),
          PROBABILITY[d.stage], d.rep.name, d.lead_source, d.product, fmt.us_date(d.created.date()),
          fmt.us_date(d.close), d.campaign] for d in deals),
        newline="\r\n")

    counts["opportunity_stage_history.csv"] = fmt.write_csv(
        out_dir / "opportunity_stage_history.csv",
        ["Opportunity ID", "Stage", "Amount", "Probability (%)", "Last Modified"],
        ([d.deal_id, stage, fmt.us_money(d.amount), PROBABILITY[stage], fmt.us_datetime(t)]
         for d in deals for stage, t in d.stages),
        newline="\r\n")

    write_workbook(out_dir / "marketing_campaigns.xlsx", summary, daily)
    counts["marketing_campaigns.xlsx / Campaigns"] = len(summary)
    counts["marketing_campaigns.xlsx / Daily Performance"] = len(daily)

    counts["activities.csv"] = fmt.write_csv(
        out_dir / "activities.csv",
        ["Activity ID", "Assigned", "Subject", "Type", "Date", "Account ID", "Opportunity ID",
         "Duration (min)"],
        ([a.activity_id, a.rep.name, a.subject, a.kind, fmt.eu_date(a.when.date()), a.account.record_id,
          a.deal.deal_id if a.deal else "", a.minutes] for a in activities),
        encoding="utf-8-sig", newline="\r\n", delimiter=";")

    counts["service_tickets.csv"] = fmt.write_csv(
        out_dir / "service_tickets.csv",
        ["Ticket Id", "Subject", "Contact Name", "Account ID", "Classification", "Priority", "Status",
         "Channel", "Ticket Owner", "Created Time", "Closed Time", "Satisfaction"],
        ([t.ticket_id, t.subject, t.customer.contact, t.customer.record_id, t.kind, t.priority, t.status,
          t.channel, t.owner, fmt.zoho_datetime(t.opened), fmt.zoho_datetime(t.closed) if t.closed else "",
          t.satisfaction] for t in tickets))

    counts["sales_targets.csv"] = fmt.write_csv(
        out_dir / "sales_targets.csv", ["Rep", "Month", "Quota"], quota_rows(deals))
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample CRM exports.")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: sample_data/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.out, args.seed)
    size = sum((args.out / name).stat().st_size for name in FILES)
    for name, n in counts.items():
        print(f"{n:>7,} rows  {name}")
    print(f"{size / 1e6:.1f} MB in {args.out}, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
