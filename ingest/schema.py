"""The canonical tables every export is mapped onto.

This is the one vocabulary of the product: the mapper renames each export's columns to
these names at the boundary, the store creates these tables, and metrics speak only
these names. ``*_id`` identifiers, ``*_at`` timestamps, ``*_date`` dates, ``is_*``
booleans, ``*_amount`` money, ``count_*`` counts.

Every stored row also carries ``dataset_id`` (which load it came from) and
``source_row`` (its 1-based data row number in the source file, header excluded).

Each canonical name is a VIEW over a base table and per-load part tables (see
``ingest.parts``): read the canonical names, write through ``ingest.store`` (or, for hand-made
fixtures, into ``<name>__base``).
"""

from __future__ import annotations

from dataclasses import dataclass

# DuckDB types per kind of value; money is exact decimal so sums match to the cent.
SQL_TYPES = {
    "id": "varchar",
    "text": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "amount": "decimal(18,4)",
    "number": "double",
    "integer": "bigint",
    "bool": "boolean",
    "percent": "double",  # stored as a fraction: 9.98% -> 0.0998
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    help: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # de-duplication key when appending

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "order_lines", "Orders / order lines",
            "One row per order line (or per order when the export has no lines). "
            "Returns and cancellations are lines with a negative amount.",
            (
                C("order_id", "id", "Order or invoice number. Each row is its own order when missing."),
                C("ordered_at", "timestamp", "When the order was placed.", required=True),
                C("customer_id", "id", "Customer identifier; empty for anonymous sales."),
                C("customer_name", "text", "Customer or company name."),
                C("product_id", "id", "Product code / SKU."),
                C("product_name", "text", "Product name or description."),
                C("category", "text", "Product category."),
                C("quantity", "number", "Units; negative on returns."),
                C("unit_price", "amount", "Price of one unit."),
                C("discount_amount", "amount", "Discount on the line, as money."),
                C("line_amount", "amount",
                  "Money of the line after discount; derived as quantity x unit price - discount "
                  "when missing.", required=True),
                C("cost_amount", "amount", "Cost of goods of the line, for margin."),
                C("channel", "text", "Sales channel (online, store, marketplace, ...)."),
                C("campaign_id", "id", "Campaign the order is attributed to."),
                C("region", "text", "Region, province or country of the order."),
                C("owner", "text", "Sales rep responsible."),
                C("status", "text", "Order status as exported (paid, cancelled, refunded, ...)."),
                C("currency", "text", "Currency code."),
            ),
            key=("order_id", "product_id", "source_row"),
        ),
        Table(
            "customers", "Customers / accounts / contacts",
            "One row per customer.",
            (
                C("customer_id", "id", "Customer identifier.", required=True),
                C("customer_name", "text", "Customer or company name."),
                C("email", "text", "E-mail address."),
                C("phone", "text", "Phone number."),
                C("region", "text", "Region, province, state or country."),
                C("city", "text", "City."),
                C("industry", "text", "Industry."),
                C("channel", "text", "Acquisition channel / lead source."),
                C("owner", "text", "Sales rep who owns the customer."),
                C("signup_date", "date", "When the customer was created or signed up."),
                C("campaign_id", "id", "First-touch campaign."),
            ),
            key=("customer_id",),
        ),
        Table(
            "deals", "Deals / opportunities",
            "One row per deal, with its current stage.",
            (
                C("deal_id", "id", "Deal identifier.", required=True),
                C("deal_name", "text", "Deal name."),
                C("customer_id", "id", "Customer / account of the deal."),
                C("stage", "text", "Current stage.", required=True),
                C("deal_amount", "amount", "Deal value."),
                C("probability", "percent", "Win probability as a fraction (0-1)."),
                C("owner", "text", "Sales rep who owns the deal."),
                C("source", "text", "Lead source."),
                C("product_name", "text", "Main product of the deal."),
                C("pipeline", "text", "Pipeline name."),
                C("campaign_id", "id", "Campaign that sourced the deal."),
                C("region", "text", "Region of the deal."),
                C("created_date", "date", "When the deal was created."),
                C("close_date", "date", "When the deal closed or is expected to close."),
                C("is_closed", "bool", "Whether the deal is closed."),
                C("is_won", "bool", "Whether the deal was won."),
            ),
            key=("deal_id",),
        ),
        Table(
            "deal_stage_history", "Deal stage history",
            "One row per deal per stage it entered.",
            (
                C("deal_id", "id", "Deal identifier.", required=True),
                C("stage", "text", "Stage entered.", required=True),
                C("entered_at", "timestamp", "When the deal entered the stage.", required=True),
            ),
            key=("deal_id", "stage", "entered_at"),
        ),
        Table(
            "campaigns", "Campaigns",
            "One row per campaign.",
            (
                C("campaign_id", "id", "Campaign identifier or name.", required=True),
                C("campaign_name", "text", "Campaign name."),
                C("channel", "text", "Marketing channel."),
                C("start_date", "date", "First day."),
                C("end_date", "date", "Last day."),
                C("cost_amount", "amount", "Total cost / spend."),
                C("count_impressions", "integer", "Impressions."),
                C("count_clicks", "integer", "Clicks."),
                C("count_leads", "integer", "Leads or responses."),
                C("count_conversions", "integer", "Conversions."),
                C("revenue_amount", "amount", "Revenue the campaign platform reports."),
            ),
            key=("campaign_id",),
        ),
        Table(
            "campaign_performance", "Daily campaign performance",
            "One row per campaign per day, as ad platforms export it.",
            (
                C("campaign_id", "id", "Campaign identifier or name.", required=True),
                C("activity_date", "date", "Day.", required=True),
                C("channel", "text", "Marketing channel."),
                C("cost_amount", "amount", "Spend that day."),
                C("count_impressions", "integer", "Impressions."),
                C("count_clicks", "integer", "Clicks."),
                C("count_leads", "integer", "Leads."),
                C("count_conversions", "integer", "Conversions."),
                C("revenue_amount", "amount", "Revenue / conversion value."),
            ),
            key=("campaign_id", "activity_date"),
        ),
        Table(
            "activities", "Activities",
            "One row per call, e-mail, meeting or task.",
            (
                C("activity_id", "id", "Activity identifier."),
                C("activity_type", "text", "call, email, meeting, task, ...", required=True),
                C("occurred_at", "timestamp", "When it happened.", required=True),
                C("owner", "text", "Sales rep who did it."),
                C("customer_id", "id", "Customer contacted."),
                C("deal_id", "id", "Deal it belongs to."),
                C("subject", "text", "Subject."),
                C("duration_minutes", "number", "Duration in minutes."),
            ),
            key=("activity_id", "source_row"),
        ),
        Table(
            "tickets", "Service tickets",
            "One row per support ticket or complaint.",
            (
                C("ticket_id", "id", "Ticket identifier.", required=True),
                C("customer_id", "id", "Customer who raised it."),
                C("ticket_type", "text", "Type (complaint, question, return, ...)."),
                C("priority", "text", "Priority."),
                C("status", "text", "Status."),
                C("channel", "text", "Channel it came in through."),
                C("owner", "text", "Agent or rep handling it."),
                C("region", "text", "Region."),
                C("opened_at", "timestamp", "When it was opened.", required=True),
                C("resolved_at", "timestamp", "When it was resolved."),
                C("satisfaction_score", "number", "Satisfaction 1-5."),
            ),
            key=("ticket_id",),
        ),
        Table(
            "targets", "Sales targets",
            "One row per rep per period.",
            (
                C("owner", "text", "Sales rep.", required=True),
                C("period_start", "date", "First day of the period (usually a month).", required=True),
                C("period_end", "date", "Last day of the period; the month's end when missing."),
                C("target_amount", "amount", "Revenue target.", required=True),
            ),
            key=("owner", "period_start"),
        ),
    )
}

META_COLUMNS = (
    Column("dataset_id", "integer", "Load the row came from."),
    Column("source_row", "integer", "1-based data row number in the source file."),
)


def create_table_sql(table: Table, name: str | None = None) -> str:
    """DDL of one canonical table (all names are ours, never user text)."""
    cols = [*META_COLUMNS, *table.columns]
    body = ",\n  ".join(f'"{c.name}" {SQL_TYPES[c.kind]}' for c in cols)
    return f'create table if not exists "{name or table.name}" (\n  {body}\n)'


def create_tables(con) -> None:
    """Make every canonical name readable: its base table and its view (``ingest.parts``
    holds the storage layout, and migrates databases from before it)."""
    from ingest import parts  # parts builds on this module

    parts.ensure_storage(con)
