"""Column settings shared by tables that show the same kind of rows on several pages."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t


def deal_list_columns() -> dict:
    """st.dataframe column_config for a paged list of deals (metrics.deal_lists)."""
    return {
        "deal_id": st.column_config.TextColumn(t("Deal")),
        "deal_name": st.column_config.TextColumn(t("Deal name")),
        "customer_id": st.column_config.TextColumn(t("Customer")),
        "owner": st.column_config.TextColumn(t("Owner")),
        "source": st.column_config.TextColumn(t("Source")),
        "product_name": st.column_config.TextColumn(t("Product")),
        "stage": st.column_config.TextColumn(t("Stage")),
        "status": st.column_config.TextColumn(t("Status")),
        "deal_amount": st.column_config.NumberColumn(t("Amount"), format="accounting"),
        "probability": st.column_config.NumberColumn(t("Probability"), format="percent"),
        "created_date": st.column_config.DateColumn(t("Created on")),
        "close_date": st.column_config.DateColumn(t("Closed")),
        "days_to_close": st.column_config.NumberColumn(t("Days to close")),
    }
