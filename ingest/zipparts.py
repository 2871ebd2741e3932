"""Zip parts as stored: read straight from a workbook's file, and written into a new zip
(for ``sheetsplit``, which rewrites one part of a workbook and copies the others)."""

from __future__ import annotations

import struct
import zipfile

from isal import isal_zlib

# A zip member's local header: signature, versions, flags, method, time, date, CRC, sizes, then
# the lengths of the name and extra field that come before the data.
LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_UTF8_NAME = 0x800
_DOS_DATE = 0x21  # 1980-01-01: the parts' dates are never read


def seek_data(handle, info: zipfile.ZipInfo) -> None:
    """Move ``handle`` (the zip file, opened binary) to the first byte of ``info``'s data."""
    handle.seek(info.header_offset)
    header = handle.read(LOCAL_HEADER.size)
    if len(header) != LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_length, extra_length = LOCAL_HEADER.unpack(header)[-2:]
    handle.seek(info.header_offset + LOCAL_HEADER.size + name_length + extra_length)


def raw(handle, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes as stored in the zip (compressed)."""
    seek_data(handle, info)
    return handle.read(info.compress_size)


def write_replacing(target, infos: list[zipfile.ZipInfo], stored: dict[str, bytes], member: str,
                    pieces: list) -> None:
    """Write to ``target`` a zip of every part in ``infos``: ``member`` as ``pieces``
    (stored), the others as ``stored`` holds them (compressed, as they came)."""
    central: list[bytes] = []
    offset = 0
    for info in infos:
        if info.filename == member:
            data, method = pieces, zipfile.ZIP_STORED
            crc = 0
            for piece in pieces:
                crc = isal_zlib.crc32(piece, crc)
            size = compressed = sum(len(p) for p in pieces)
        else:
            data, method = [stored[info.filename]], info.compress_type
            crc, size, compressed = info.CRC, info.file_size, info.compress_size
        name = info.filename.encode()
        flags = 0 if name.isascii() else _UTF8_NAME
        local = LOCAL_HEADER.pack(b"PK\x03\x04", 20, flags, method, 0, _DOS_DATE,
                                   crc & 0xFFFFFFFF, compressed, size, len(name), 0) + name
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, method, 0, _DOS_DATE,
                                     crc & 0xFFFFFFFF, compressed, size, len(name), 0, 0, 0, 0,
                                     0, offset) + name)
        target.write(local)
        target.writelines(data)
        offset += len(local) + compressed
    directory = b"".join(central)
    target.write(directory)
    target.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                           offset, 0))
