"""Reading the value a chart click picked from Streamlit's selection state."""

from __future__ import annotations

import pytest

from ui.pager import picked

CASES = {
    "clicked": ({"selection": {"stage_pick": [{"stage": "Lead"}]}}, "Lead"),
    "first_of_several": ({"selection": {"stage_pick": [{"stage": "B"}, {"stage": "A"}]}}, "B"),
    "cleared": ({"selection": {"stage_pick": []}}, None),
    "other_selection": ({"selection": {"cell_pick": [{"stage": "Lead"}]}}, None),
    "no_state_yet": (None, None),
    "field_missing": ({"selection": {"stage_pick": [{"vgsid_": 3}]}}, None),
    "interval_shape": ({"selection": {"stage_pick": {"stage": ["A", "B"]}}}, None),
}


@pytest.mark.parametrize("state, expected", CASES.values(), ids=CASES.keys())
def test_picked(state, expected):
    assert picked(state, "stage_pick", "stage") == expected
