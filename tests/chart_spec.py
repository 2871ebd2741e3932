"""Read a chart's Vega-Lite spec in tests (not a test module)."""

from __future__ import annotations


def spec(chart) -> dict:
    return chart.to_dict()


def rows(chart_spec: dict, layer: dict | None = None) -> list[dict]:
    """The data rows of the chart (of ``layer`` when it has its own data)."""
    data = (layer or {}).get("data") or chart_spec["data"]
    return chart_spec["datasets"][data["name"]]


def marks(chart_spec: dict) -> list[str]:
    """The mark type of each layer (or of the single view)."""
    views = chart_spec.get("layer", [chart_spec])
    return [v["mark"]["type"] if isinstance(v["mark"], dict) else v["mark"] for v in views]


def selection(chart_spec: dict, name: str) -> dict:
    """The selection parameter called ``name``."""
    return next(p for p in chart_spec.get("params", []) if p["name"] == name)
