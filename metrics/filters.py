"""The filter set every metric takes, turned into (where clauses, params).

Like datasette's ``filters.py``: this module builds SQL fragments and bound parameters and
never touches the database. Values are always bound as ``$pN`` parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

# Dimensions a filter can restrict; each query says which SQL expression carries each one.
DIMENSIONS = ("region", "channel", "product", "owner", "campaign", "segment")


@dataclass(frozen=True)
class Filters:
    """What the user (and access control) restricts every metric to.

    Dates are inclusive calendar days. Empty tuples mean "no restriction".
    ``owner_scope`` is row-level security: ``None`` sees everything, a tuple restricts rows
    to those owner values (an empty tuple sees nothing). It is applied even where the
    ``owners`` filter is not, and is part of every cache key.
    """

    start_date: date | None = None
    end_date: date | None = None
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    owner_scope: tuple[str, ...] | None = None

    def values_for(self, dimension: str) -> tuple[str, ...]:
        return {
            "region": self.regions, "channel": self.channels, "product": self.products,
            "owner": self.owners, "campaign": self.campaigns, "segment": self.segments,
        }[dimension]

    def previous_period(self) -> Filters | None:
        """The same filters over the equally long period just before; None without both dates."""
        if self.start_date is None or self.end_date is None:
            return None
        days = (self.end_date - self.start_date).days + 1
        return replace(self, start_date=self.start_date - timedelta(days=days),
                       end_date=self.start_date - timedelta(days=1))

    def without(self, *dimensions: str) -> Filters:
        """A copy with the named dimension filters (not owner_scope, not dates) cleared."""
        names = {"region": "regions", "channel": "channels", "product": "products", "owner": "owners",
                 "campaign": "campaigns", "segment": "segments"}
        return replace(self, **{names[d]: () for d in dimensions})

    def key(self) -> tuple:
        """A hashable key of every field, for caches."""
        return tuple((f.name, getattr(self, f.name)) for f in fields(self))


class Params(dict):
    """Named query parameters; ``add`` returns the placeholder to put in the SQL."""

    def add(self, value) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return "$" + name

    def add_list(self, values) -> str:
        """Placeholders for an IN list: ``($p0, $p1)``. Portable, unlike array parameters."""
        return "(" + ", ".join(self.add(v) for v in values) + ")"


def where_clauses(filters: Filters, params: Params, *, date_expr: str | None = None,
                  dims: dict[str, str] | None = None, owner_expr: str | None = None) -> list[str]:
    """SQL conditions for ``filters`` over one query.

    ``date_expr`` is the SQL date the period applies to, ``dims`` maps each dimension this
    query has to its SQL expression (dimensions it lacks are not filtered), ``owner_expr``
    is the owner column row-level security applies to. Only our own expressions enter the
    SQL; every value is a bound parameter.
    """
    clauses: list[str] = []
    if date_expr is not None:
        if filters.start_date is not None:
            clauses.append(f"{date_expr} >= {params.add(filters.start_date)}")
        if filters.end_date is not None:
            clauses.append(f"{date_expr} <= {params.add(filters.end_date)}")
    for dimension, expr in (dims or {}).items():
        values = filters.values_for(dimension)
        if values:
            clauses.append(f"{expr} in {params.add_list(values)}")
    if filters.owner_scope is not None:
        if owner_expr is None:
            raise ValueError("row-level security needs an owner column for this query")
        if filters.owner_scope:
            clauses.append(f"{owner_expr} in {params.add_list(filters.owner_scope)}")
        else:
            clauses.append("false")
    return clauses


def and_all(clauses: list[str]) -> str:
    """``where``-ready text: the clauses joined with ``and``, or ``true`` when there are none."""
    return " and ".join(f"({c})" for c in clauses) if clauses else "true"
