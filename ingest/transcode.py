"""Re-encode a text file to UTF-8 in bounded memory, so DuckDB's fast reader can take it."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from ingest.errors import InputError

_CHUNK = 1 << 22  # 4 MiB of input at a time


def transcode_to_utf8(path: Path, encoding: str, folder: Path, display_name: str, *,
                      strict: bool) -> tuple[Path, int]:
    """Write ``path`` decoded from ``encoding`` as UTF-8 into a new file in ``folder``.

    Returns (new file, number of undecodable characters replaced with U+FFFD). With
    ``strict`` (the user chose the encoding) the first undecodable byte is an InputError
    naming its line. The caller deletes the file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(suffix=".csv", prefix="transcoded_", dir=folder)
    out = Path(name)
    decoder = codecs.getincrementaldecoder(encoding)("strict" if strict else "replace")
    replaced = 0
    line = 1
    try:
        with open(descriptor, "wb") as handle, open(path, "rb") as source:
            while True:
                chunk = source.read(_CHUNK)
                final = not chunk
                try:
                    text = decoder.decode(chunk, final=final)
                except UnicodeDecodeError as exc:
                    line += codecs.decode(chunk[:exc.start], encoding, "replace").count("\n")
                    raise InputError(
                        f"line {line} cannot be read as {encoding} (byte 0x{chunk[exc.start]:02x}); "
                        "choose another text encoding", file=display_name) from None
                if text:
                    if not strict:
                        replaced += text.count("\ufffd")
                    line += text.count("\n")
                    handle.write(text.encode("utf-8"))
                if final:
                    break
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out, replaced
