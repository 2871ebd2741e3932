"""Reading a zip member's bytes straight from the file, as stored (for workbooks)."""

from __future__ import annotations

import struct
import zipfile

# A zip member's local header: signature, versions, flags, method, time, date, CRC, sizes, then
# the lengths of the name and extra field that come before the data.
LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def seek_data(handle, info: zipfile.ZipInfo) -> None:
    """Move ``handle`` (the zip file, opened binary) to the first byte of ``info``'s data."""
    handle.seek(info.header_offset)
    header = handle.read(LOCAL_HEADER.size)
    if len(header) != LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_length, extra_length = LOCAL_HEADER.unpack(header)[-2:]
    handle.seek(info.header_offset + LOCAL_HEADER.size + name_length + extra_length)
