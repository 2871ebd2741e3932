"""Widgets whose state travels in the link as stable codes: ``?lang=zh&period=30d&segment=Loyal``.

Why not ``bind="query-params"`` for these: Streamlit writes a bound widget's *formatted label* into
the URL, so a widget with a translated ``format_func`` puts ``?period=Last+30+days`` (or
``最近+30+天``) in the link — ``?period=30d`` and ``?lang=zh`` are ignored, and a link copied after
switching language silently falls back to the default. ``linked`` writes the option itself (its
``str``), whatever the language. Widgets whose options are shown as they are (data values, dates)
can keep ``bind="query-params"``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

_STATE = "_link_state"  # key -> value; survives pages that do not draw the widget
_WRITTEN = "_link_written"  # key -> what this app last wrote to the URL


def _in_url(key: str, multi: bool):
    """The URL's text for ``key``: a tuple for a multi-value widget, a str, or None when absent."""
    if key not in st.query_params:
        return None
    return tuple(st.query_params.get_all(key)) if multi else st.query_params.get(key)


def _decode(text, by_text: dict[str, Any], multi: bool):
    """The option(s) the URL names; None when it names none (the link is then ignored)."""
    if multi:
        values = [by_text[t] for t in dict.fromkeys(text) if t in by_text]
        return values if values or text in ((), ("",)) else None
    return by_text.get(text)


def _write(key: str, value, default, multi: bool) -> None:
    """Put the value in the URL as its option code(s); the default stays out of the link."""
    if multi:
        text = tuple(str(v) for v in value or ())
        wanted = text if list(value or ()) != list(default) else None
    else:
        text = None if value is None else str(value)
        wanted = text if value != default else None
    if _in_url(key, multi) != wanted:
        if wanted is None:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = list(wanted) if multi else wanted
    st.session_state.setdefault(_WRITTEN, {})[key] = wanted


def linked(widget: Callable, label: str, options: Sequence, *, key: str, default, **kwargs):
    """``widget(label, options, key=key, **kwargs)`` whose value starts from ``?key=…`` in the link
    and is written back to it after every change.

    ``default`` is the value without a link (a list makes a multi-value widget); do not pass
    ``index``/``default``/``bind`` too. A link opened or edited by the user wins over the session;
    a value the link does not name is ignored. The value also survives pages that do not draw the
    widget (Streamlit forgets an unrendered widget's state).
    """
    multi = isinstance(default, (list, tuple))
    options = list(options)
    by_text = {str(o): o for o in options}
    state = st.session_state.setdefault(_STATE, {})
    url = _in_url(key, multi)
    reseed = False
    # Only a URL that differs from what this app wrote last is the user's: otherwise a widget
    # change would be undone by the stale link on the rerun it triggers.
    if url is not None and url != st.session_state.get(_WRITTEN, {}).get(key):
        chosen = _decode(url, by_text, multi)
        if chosen is not None:
            state[key] = chosen
            reseed = True
    if reseed or key not in st.session_state:
        value = state.get(key, list(default) if multi else default)
        if multi:
            value = [v for v in value if str(v) in by_text]
        elif str(value) not in by_text:
            value = default
        st.session_state[key] = value
    value = widget(label, options, key=key, **kwargs)
    state[key] = value
    _write(key, value, default, multi)
    return value
