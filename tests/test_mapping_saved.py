"""Saved mappings (plain JSON) and a user's synonyms.json."""

from __future__ import annotations

import json
import os

import pytest

from ingest.errors import InputError
from ingest.mapping import (
    Mapping,
    default_mapping_path,
    find_saved_mapping,
    guess_mapping,
)
from ingest.synonyms import load_synonyms

HEADERS = ["订单编号", "下单时间", "Amount", 'odd "quoted" header']


def sample_mapping() -> Mapping:
    return Mapping(
        table="order_lines",
        columns={"order_id": "订单编号", "ordered_at": "下单时间", "line_amount": "Amount"},
        confidence={"order_id": 1.0, "ordered_at": 1.0, "line_amount": 0.75},
        table_confidence=0.8,
        headers=list(HEADERS),
        options={"ordered_at": {"date_order": "DMY"}},
        extras={"address": 'odd "quoted" header'},
        stage_order=None,
    )


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "m.json"
    sample_mapping().save(path)
    assert Mapping.load(path) == sample_mapping()
    text = path.read_text(encoding="utf-8")
    assert "订单编号" in text and "\n  " in text  # readable: not escaped, indented


def test_round_trip_of_deals_with_stage_dates_and_order(tmp_path):
    mapping = Mapping("deals", {"stage": "Deal Stage"}, {"stage": 1.0}, 0.7, ["Deal Stage", "W"],
                      {}, {"stage_dates": {"Won": "W"}}, ["Lead", "Won"])
    assert Mapping.from_dict(json.loads(json.dumps(mapping.to_dict()))) == mapping


def test_default_path_ignores_header_order(tmp_path):
    a = default_mapping_path(tmp_path, ["a", "b", "c"])
    assert a == default_mapping_path(tmp_path, ["c", "a", "b"])
    assert a != default_mapping_path(tmp_path, ["a", "b", "c", "d"])
    assert a != default_mapping_path(tmp_path, ["A", "b", "c"])
    assert a.parent == tmp_path
    assert a.name.startswith("mapping-") and a.suffix == ".json" and len(a.stem) == len("mapping-") + 16


def test_find_saved_mapping_by_headers_in_any_order(tmp_path):
    assert find_saved_mapping(HEADERS, tmp_path) is None
    assert find_saved_mapping(HEADERS, tmp_path / "missing") is None
    sample_mapping().save(default_mapping_path(tmp_path, HEADERS))
    assert find_saved_mapping(list(reversed(HEADERS)), tmp_path) == sample_mapping()
    assert find_saved_mapping(HEADERS[:-1], tmp_path) is None
    assert find_saved_mapping([*HEADERS, "extra"], tmp_path) is None


def test_find_saved_mapping_under_another_name_newest_first(tmp_path):
    old, new = sample_mapping(), sample_mapping()
    new.columns = {"order_id": "订单编号", "ordered_at": "下单时间"}
    old.save(tmp_path / "a-old.json")
    new.save(tmp_path / "b-new.json")
    os.utime(tmp_path / "a-old.json", (1_000_000, 1_000_000))
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "synonyms.json").write_text("{}", encoding="utf-8")
    assert find_saved_mapping(HEADERS, tmp_path).columns == new.columns


def test_a_broken_mapping_for_these_headers_is_reported(tmp_path):
    default_mapping_path(tmp_path, HEADERS).write_text('{"table": "orders"', encoding="utf-8")
    with pytest.raises(InputError) as err:
        find_saved_mapping(HEADERS, tmp_path)
    assert default_mapping_path(tmp_path, HEADERS).name in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("content, message", [
    pytest.param("[1, 2]", "must be a JSON object", id="not-object"),
    pytest.param('{"table": "orders"}', "unknown table 'orders'", id="unknown-table"),
    pytest.param('{"table": "deals", "columns": {"revenue": "Amount"}}', "has no column 'revenue'",
                 id="unknown-column"),
    pytest.param('{"table": "deals", "columns": {"stage": 3}}', "'columns' must map",
                 id="column-not-text"),
    pytest.param('{"table": "deals", "headers": "Stage"}', "'headers' must be a list",
                 id="headers-not-list"),
    pytest.param('{"table": "deals", "stage_order": "Lead"}', "'stage_order' must be a list",
                 id="stage-order-not-list"),
    pytest.param('{"table": "deals", "confidence": {"stage": "high"}}', "'confidence' must map",
                 id="confidence-not-number"),
    pytest.param('{"table": "deals",', "cannot read the saved mapping", id="bad-json"),
])
def test_load_rejects_malformed_files_naming_them(tmp_path, content, message):
    path = tmp_path / "hand-edited.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        Mapping.load(path)
    assert str(err.value).startswith("hand-edited.json: ")
    assert "\n" not in str(err.value)


def test_a_hand_edited_minimal_mapping_loads(tmp_path):
    path = tmp_path / "m.json"
    path.write_text('{"table": "deals", "columns": {"stage": "Phase", "deal_id": "No."}}',
                    encoding="utf-8")
    mapping = Mapping.load(path)
    assert (mapping.table, mapping.columns, mapping.extras, mapping.stage_order) == (
        "deals", {"stage": "Phase", "deal_id": "No."}, {}, None)
    assert mapping.missing_required() == []


def test_user_synonyms_come_first(tmp_path):
    path = tmp_path / "synonyms.json"
    path.write_text(json.dumps({"deals": {"stage": ["Phase"]}, "extras": {"address": ["Ship to"]}}),
                    encoding="utf-8")
    synonyms = load_synonyms(path)
    assert synonyms["tables"]["deals"]["stage"][:2] == ["Phase", "stage"]
    mapping = guess_mapping(["Deal ID", "Phase", "Ship to"], table="deals", synonyms=synonyms)
    assert mapping.columns == {"deal_id": "Deal ID", "stage": "Phase"}
    assert mapping.extras == {"address": "Ship to"}


def test_user_synonyms_are_read_from_the_mappings_dir(tmp_path, monkeypatch):
    (tmp_path / "synonyms.json").write_text('{"targets": {"target_amount": ["Soll"]}}',
                                            encoding="utf-8")
    monkeypatch.setenv("CRM_MAPPINGS_DIR", str(tmp_path))
    assert guess_mapping(["Owner", "Month", "Soll"]).columns == {
        "owner": "Owner", "period_start": "Month", "target_amount": "Soll"}


@pytest.mark.parametrize("content, message", [
    pytest.param('{"sales": {"x": ["y"]}}', "unknown table 'sales'", id="unknown-table"),
    pytest.param('{"deals": {"revenue": ["y"]}}', "'deals' has no column 'revenue'", id="column"),
    pytest.param('{"deals": {"stage": "Phase"}}', "must be a list of header texts", id="not-list"),
    pytest.param('{"deals": ', "cannot read the synonyms file", id="bad-json"),
])
def test_malformed_user_synonyms(tmp_path, content, message):
    path = tmp_path / "synonyms.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_synonyms(path)
    assert str(err.value).startswith("synonyms.json: ")
