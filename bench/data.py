"""Synthetic CRM data for benchmarks: export-like CSV/XLSX files and ready-made databases.

Files are cached in ``bench/out/`` (git-ignored) under names that carry the row count and
the generator version, written to a temporary name first so an interrupted run never
leaves a truncated file in the cache.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import duckdb

from bench import _synthetic as synthetic
from bench.registry import OUT_DIR
from ingest.parts import base_table
from ingest.schema import TABLES, create_tables

GENERATOR_VERSION = 1

# Export column -> SQL over the canonical query, as a typical shop/CRM export names them.
EXPORTS: dict[str, dict[str, str]] = {
    "order_lines": {
        "Order ID": "order_id",
        "Order Date": "strftime(ordered_at, '%Y-%m-%d %H:%M:%S')",
        "Customer ID": "customer_id",
        "Customer Name": "customer_name",
        "SKU": "product_id",
        "Product Name": "product_name",
        "Category": "category",
        "Quantity": "quantity::integer",
        "Unit Price": "unit_price::decimal(18,2)",
        "Discount": "discount_amount::decimal(18,2)",
        "Line Total": "line_amount::decimal(18,2)",
        "Cost": "cost_amount::decimal(18,2)",
        "Channel": "channel",
        "Campaign": "campaign_id",
        "Region": "region",
        "Sales Rep": "owner",
        "Status": "status",
        "Currency": "currency",
    },
    "customers": {
        "Customer ID": "customer_id",
        "Company": "customer_name",
        "Email": "email",
        "Phone": "phone",
        "Region": "region",
        "City": "city",
        "Industry": "industry",
        "Lead Source": "channel",
        "Account Owner": "owner",
        "Created Date": "signup_date",
    },
    "deals": {
        "Deal ID": "deal_id",
        "Deal Name": "deal_name",
        "Account ID": "customer_id",
        "Stage": "stage",
        "Amount": "deal_amount::decimal(18,2)",
        "Probability (%)": "(probability * 100)::integer",
        "Deal Owner": "owner",
        "Lead Source": "source",
        "Product": "product_name",
        "Pipeline": "pipeline",
        "Campaign": "campaign_id",
        "Region": "region",
        "Created Date": "created_date",
        "Close Date": "close_date",
    },
    "campaigns": {
        "Campaign ID": "campaign_id",
        "Campaign Name": "campaign_name",
        "Channel": "channel",
        "Start Date": "start_date",
        "End Date": "end_date",
        "Spend": "cost_amount::decimal(18,2)",
        "Impressions": "count_impressions",
        "Clicks": "count_clicks",
        "Leads": "count_leads",
        "Conversions": "count_conversions",
        "Revenue": "revenue_amount::decimal(18,2)",
    },
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_sql(table: str, rows: int) -> str:
    """The export-like select of ``table`` for a dataset of ``rows`` order lines."""
    query = synthetic.table_queries(rows)[table]
    columns = ",\n  ".join(f"{expr} as {_quote(header)}" for header, expr in EXPORTS[table].items())
    return f"with canonical as ({query}),\nfinal as (\n  select\n  {columns}\n  from canonical\n" \
           "  order by source_row\n)\nselect * from final"


def _cached(path: Path, write) -> Path:
    """``path`` if cached, else ``write(temporary path)`` then move it into place."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def quiet_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that draws no progress bar over the benchmark table."""
    from ingest.db import connect_engine

    con = connect_engine()
    con.execute("set enable_progress_bar = false")
    return con


def _write_csv(table: str, rows: int, path: Path) -> None:
    con = quiet_connection()
    try:
        con.execute(f"copy ({export_sql(table, rows)}) to ? (header, delimiter ',')", [str(path)])
    finally:
        con.close()


def table_csv(table: str, rows: int, out_dir: Path = OUT_DIR) -> Path:
    """``table`` as an export-like CSV for a dataset of ``rows`` order lines (cached)."""
    path = Path(out_dir) / f"{table}_{rows}_v{GENERATOR_VERSION}.csv"
    return _cached(path, lambda p: _write_csv(table, rows, p))


def orders_csv(rows: int, out_dir: Path = OUT_DIR) -> Path:
    """``rows`` order lines (customers, products, 3 years of dates, 2% returns) as CSV."""
    return table_csv("order_lines", rows, out_dir)


def dataset_csvs(rows: int, out_dir: Path = OUT_DIR) -> dict[str, Path]:
    """Order lines, customers, deals and campaigns of one dataset, each as a CSV export."""
    return {table: table_csv(table, rows, out_dir) for table in EXPORTS}


def _write_xlsx(rows: int, path: Path) -> None:
    import openpyxl  # only needed here; keeps `import bench.data` light

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Orders")
    con = quiet_connection()
    try:
        cursor = con.execute(export_sql("order_lines", rows))
        sheet.append([d[0] for d in cursor.description])
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                # Money arrives as Decimal; Excel stores numbers as doubles anyway.
                sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    finally:
        con.close()
    with open(path, "wb") as out:
        workbook.save(out)


def orders_xlsx(rows: int = 100_000, out_dir: Path = OUT_DIR) -> Path:
    """``rows`` order lines as a one-sheet .xlsx (openpyxl write-only; cached)."""
    path = Path(out_dir) / f"order_lines_{rows}_v{GENERATOR_VERSION}.xlsx"
    return _cached(path, lambda p: _write_xlsx(rows, p))


def build_database(con: duckdb.DuckDBPyConnection, rows: int, dataset_id: int = 1) -> dict[str, int]:
    """Fill every canonical table of ``con`` for a dataset of ``rows`` order lines, in SQL.

    Creates the tables when missing and tags every row with ``dataset_id``. Rows go to each
    table's base table (``ingest.parts.base_table``): canonical names are views over it.
    Returns {table: rows inserted}. Catalog tables (``datasets``...) are the store's business.
    """
    create_tables(con)
    counts = {}
    for table, query in synthetic.table_queries(rows).items():
        names = ", ".join(_quote(c) for c in ["source_row", *TABLES[table].column_names])
        con.execute(f"insert into {_quote(base_table(table))} (dataset_id, {names}) "
                    f"select ?::bigint, {names} from ({query})", [dataset_id])
        counts[table] = con.execute(f"select count(*) from {_quote(table)} "
                                    "where dataset_id = ?", [dataset_id]).fetchone()[0]
    return counts
