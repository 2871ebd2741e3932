"""Turn the links people paste (share pages, viewers) into direct download links."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.errors import InputError

_SHEET_PATH = re.compile(r"^/spreadsheets/(?:u/\d+/)?d/(?P<pub>e/)?(?P<id>[A-Za-z0-9_-]+)(?P<rest>/.*)?$")
_DRIVE_FILE = re.compile(r"^/file/(?:u/\d+/)?d/(?P<id>[A-Za-z0-9_-]+)")
_GITHUB_BLOB = re.compile(r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+)/blob/(?P<rest>.+)$")
_SHAREPOINT_SHARE = re.compile(r"^/:[a-z]:/")


def _query(parts) -> dict[str, str]:
    return dict(parse_qsl(parts.query, keep_blank_values=True))


def _gid(parts) -> str | None:
    """The sheet tab of a Google Sheets link: ``gid`` in the query or the ``#gid=`` fragment."""
    gid = _query(parts).get("gid") or dict(parse_qsl(parts.fragment)).get("gid")
    return gid if gid and gid.isdigit() else None


def _google_sheet(parts) -> str | None:
    match = _SHEET_PATH.match(parts.path)
    if not match:
        return None
    rest = (match["rest"] or "").rstrip("/")
    query = _query(parts)
    if rest == "/export" and query.get("format"):
        return None  # already an export link; keep its format
    if rest == "/pub" and query.get("output"):
        return None
    gid = _gid(parts)
    if match["pub"]:
        # "Publish to web" ids (d/e/2PACX-...) only serve /pub, not /export.
        params = {"output": "csv", **({"gid": gid, "single": "true"} if gid else {})}
        path = f"/spreadsheets/d/e/{match['id']}/pub"
    else:
        params = {"format": "csv", **({"gid": gid} if gid else {})}
        path = f"/spreadsheets/d/{match['id']}/export"
    return urlunsplit(("https", "docs.google.com", path, urlencode(params), ""))


def _google_drive(parts) -> str | None:
    match = _DRIVE_FILE.match(parts.path)
    file_id = match["id"] if match else None
    if file_id is None and parts.path in ("/open", "/uc"):
        if parts.path == "/uc" and _query(parts).get("export") == "download":
            return None
        file_id = _query(parts).get("id")
    if not file_id:
        return None
    return urlunsplit(("https", "drive.google.com", "/uc",
                       urlencode({"export": "download", "id": file_id}), ""))


def _with_query(parts, **changes: str) -> str:
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in changes]
    query += list(changes.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def normalise_link(url) -> str:
    """A direct download URL for ``url``.

    Google Sheets edit/view/htmlview/pubhtml links become CSV exports
    (``docs.google.com/spreadsheets/d/ID/export?format=csv&gid=..``), Google Drive file
    pages become ``uc?export=download`` links, Dropbox ``dl=0`` becomes ``dl=1``, GitHub
    ``blob`` pages become raw.githubusercontent.com, SharePoint share links get
    ``download=1``. Other links are returned as typed (a missing scheme means https).
    """
    if not isinstance(url, str) or not url.strip():
        raise InputError("Paste a link starting with http:// or https://.")
    text = url.strip()
    if "://" not in text and not text.lower().startswith(("http:", "https:")):
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise InputError(f"The link is not a valid web address ({exc}).") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"Only http:// and https:// links can be fetched, not {parts.scheme}:.")
    host = (parts.hostname or "").lower()
    if host == "docs.google.com":
        return _google_sheet(parts) or text
    if host == "drive.google.com":
        return _google_drive(parts) or text
    if host in ("dropbox.com", "www.dropbox.com"):
        return _with_query(parts, dl="1")
    if host in ("github.com", "www.github.com"):
        match = _GITHUB_BLOB.match(parts.path)
        if match:
            path = f"/{match['owner']}/{match['repo']}/{match['rest']}"
            return urlunsplit(("https", "raw.githubusercontent.com", path, "", ""))
        return text
    if host.endswith(".sharepoint.com") and _SHAREPOINT_SHARE.match(parts.path):
        return _with_query(parts, download="1")
    return text
