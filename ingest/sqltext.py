"""Small helpers for building SQL text from OUR OWN constants (never from user text)."""

from __future__ import annotations

# Whitespace a spreadsheet or CRM may leave around values: ASCII, no-break, thin,
# zero-width and ideographic spaces, and a stray byte-order mark.
WS_CLASS = r"[\s\x{00a0}\x{1680}\x{2000}-\x{200b}\x{202f}\x{205f}\x{3000}\x{feff}]"
# The same set as plain characters, for Python-side cleaning.
WS_CHARS = (" \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u200b\u202f\u205f\u3000\ufeff")


def lit(text: str) -> str:
    """A SQL string literal for one of our constants (quotes doubled)."""
    return "'" + str(text).replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier: double quotes, embedded quotes doubled."""
    return '"' + str(name).replace('"', '""') + '"'


def let(value_sql: str, var: str, body_sql: str) -> str:
    """Evaluate ``value_sql`` once and use it as ``var`` inside ``body_sql``.

    DuckDB has no scalar LET; a one-element list and a lambda bind the value once,
    which keeps long parse expressions from re-evaluating the same regexes.
    """
    return f"list_transform([{value_sql}], lambda {var}: {body_sql})[1]"
