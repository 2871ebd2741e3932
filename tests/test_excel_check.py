"""excel.check_zip finds DTD / entity markers wherever chunk boundaries cut them."""

from __future__ import annotations

import zipfile

import pytest

from ingest import excel
from ingest.errors import InputError


def workbook(path, styles: bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/styles.xml", styles)
    return path


@pytest.mark.parametrize("chunk", range(1, 12), ids=lambda c: f"chunk{c}")
@pytest.mark.parametrize("marker", [b"<!DOCTYPE x>", b"<!ENTITY a 'b'>"], ids=["doctype", "entity"])
def test_markers_cut_by_any_chunk_boundary_are_found(tmp_path, monkeypatch, chunk, marker):
    monkeypatch.setattr(excel, "_CHUNK", chunk)
    path = workbook(tmp_path / "w.xlsx", b"<styleSheet>Hi!" + marker + b"</styleSheet>")
    with pytest.raises(InputError, match="entity declarations"):
        excel.check_zip(path, "w.xlsx")


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20], ids=lambda c: f"chunk{c}")
def test_exclamation_marks_in_text_are_no_marker(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(excel, "_CHUNK", chunk)
    styles = b"<styleSheet><t>Hello! <!-- note --> DOCTYPE ENTITY</t></styleSheet>"
    path = workbook(tmp_path / "w.xlsx", styles)
    assert excel.check_zip(path, "w.xlsx") == {}
    # A part the caller keeps comes back whole, in the pieces it was read in.
    kept = excel.check_zip(path, "w.xlsx", keep=lambda info: info.filename == "xl/styles.xml")
    assert list(kept) == ["xl/styles.xml"]
    assert b"".join(kept["xl/styles.xml"]) == styles


def test_stored_parts_are_checked_too(tmp_path):
    path = tmp_path / "w.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/styles.xml", "<?xml version='1.0'?><!DOCTYPE s><styleSheet/>")
    with pytest.raises(InputError, match="entity declarations"):
        excel.check_zip(path, "w.xlsx")


def _patch_declared_size(path, member: str, size: int) -> None:
    """Make the central directory claim ``member`` unpacks to ``size`` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    # The central directory entry: its signature, then the name 46 bytes in.
    at = data.find(b"PK\x01\x02")
    while data[at + 46:at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
        assert at >= 0, member
    data[at + 24:at + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_a_part_larger_than_declared_is_refused(tmp_path):
    path = workbook(tmp_path / "w.xlsx", b"<styleSheet>" + b"x" * 5000 + b"</styleSheet>")
    _patch_declared_size(path, "xl/styles.xml", 100)
    with pytest.raises(InputError, match="a part is larger than declared"):
        excel.check_zip(path, "w.xlsx")


def test_damaged_compressed_data_is_refused(tmp_path):
    path = workbook(tmp_path / "w.xlsx", b"<styleSheet>" + bytes(range(256)) * 40 + b"</styleSheet>")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/styles.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start:start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        excel.check_zip(path, "w.xlsx")
    assert str(err.value) == "w.xlsx: the workbook is damaged (its zip structure cannot be read)"
