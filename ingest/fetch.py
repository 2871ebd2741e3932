"""Download the file behind a link into the upload folder, safely.

Only http(s); every hop (redirects are followed by hand, at most 5) is resolved once,
checked against ``ingest.netpolicy`` and connected to at exactly the checked address, so
a DNS answer cannot change between the check and the connection. One time limit covers
the whole fetch; the size limit stops reading and deletes the partial file.
"""

from __future__ import annotations

import email.message
import http.client
import re
import socket
import ssl
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import settings
from ingest.errors import InputError
from ingest.links import normalise_link
from ingest.netpolicy import (
    allowed_hosts_setting,
    normalise_host,
    parse_hosts,
    resolve_checked,
)

__all__ = ["FetchedFile", "fetch", "normalise_link", "refetch"]

MAX_REDIRECTS = 5
CHUNK = 1 << 16
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "crm-dashboard-link-fetcher/1.0"

_EXTENSION = re.compile(r"^\.[a-z0-9]{1,8}$")
_EXTENSION_BY_TYPE = {
    "text/csv": ".csv",
    "application/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "text/plain": ".txt",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/json": ".json",
    "application/zip": ".zip",
}


@dataclass(frozen=True)
class FetchedFile:
    """A downloaded link: where it was saved and what to call it.

    ``path`` is a generated name inside the upload folder; ``display_name`` is the name the
    server gave (sanitised, for showing only); ``source_url`` is the link as the user typed it,
    kept as the dataset's source so it can be fetched again.
    """

    path: Path
    display_name: str
    content_type: str
    final_url: str
    bytes: int
    source_url: str


def _split(url: str):
    """(scheme, host, port, request target) of an absolute http(s) URL, or InputError."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"The link is not a valid web address ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError(f"Only http:// and https:// links can be fetched, not {scheme or 'this'}:.")
    if not parts.hostname:
        raise InputError("The link has no host name.")
    if parts.username is not None or parts.password is not None:
        raise InputError("Links with a user name or password in them are not supported.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise InputError(f"The host name {parts.hostname} is not valid.") from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), target


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _connect(family: int, sockaddr, deadline: float) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(_remaining(deadline))
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a host name, over a socket to an address chosen (and checked) beforehand."""

    def __init__(self, host, port, addresses, deadline):
        super().__init__(host, port)
        self._addresses = addresses
        self._deadline = deadline

    def _raw_socket(self) -> socket.socket:
        last: OSError | None = None
        for family, sockaddr in self._addresses:
            try:
                return _connect(family, sockaddr, self._deadline)
            except TimeoutError:
                raise
            except OSError as exc:
                last = exc
        raise last or OSError("no address")

    def connect(self):
        self.sock = self._raw_socket()


class _PinnedHTTPS(_PinnedHTTP):
    default_port = 443

    def connect(self):
        raw = self._raw_socket()
        context = ssl.create_default_context()
        try:
            self.sock = context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _open(url: str, allowed: set[str], deadline: float):
    """Send GET for ``url``; the connection, its response (headers read) and its socket."""
    scheme, host, port, target = _split(url)
    addresses = resolve_checked(host, port, allowed, deadline)
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = cls(host, port, addresses, deadline)
    try:
        conn.connect()
        # Kept: http.client drops conn.sock once the response owns a closing connection.
        sock = conn.sock
        sock.settimeout(_remaining(deadline))
        conn.request("GET", target, headers={
            "User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"})
        return conn, conn.getresponse(), sock
    except BaseException:
        conn.close()
        raise


def _server_filename(response) -> str | None:
    """The file name of a Content-Disposition header (RFC 6266 / 2231), if any."""
    header = response.getheader("Content-Disposition")
    if not header:
        return None
    message = email.message.Message()
    message["Content-Disposition"] = header
    try:
        return message.get_filename()
    except (ValueError, LookupError):
        return None


def _clean_name(raw: str) -> str:
    """A file name fit for display: last path part, no control characters, at most 120 chars."""
    name = re.split(r"[\\/]", raw)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 119 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:120]
    return name


def _naming(response, final_url: str) -> tuple[str, str]:
    """(display name, extension) from Content-Disposition, else the URL path, else the type."""
    raw = _server_filename(response) or unquote(PurePosixPath(urlsplit(final_url).path).name)
    name = _clean_name(raw)
    suffix = PurePosixPath(name).suffix.lower()
    content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    ext = suffix if _EXTENSION.match(suffix) else _EXTENSION_BY_TYPE.get(content_type, "")
    if not name:
        name = normalise_host(urlsplit(final_url).hostname or "download")
    if not suffix and ext:
        name += ext
    return name, ext


def _looks_like_html(content_type: str, head: bytes) -> bool:
    return content_type.startswith("text/html") and head.lstrip()[:1] == b"<"


def _save(sock, response, dest_dir: Path, final_url: str, source_url: str,
          max_bytes: int, deadline: float) -> FetchedFile:
    mib = 1024 * 1024
    limit = f"{max_bytes / mib:g} MB" if max_bytes >= mib else f"{max_bytes} bytes"
    too_big = f"The linked file is larger than the limit of {limit}."
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise InputError(too_big)
    display_name, ext = _naming(response, final_url)
    content_type = (response.getheader("Content-Type") or "").strip()
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / f"link-{uuid.uuid4().hex}{ext}"
    total, head = 0, b""
    try:
        with open(path, "xb") as out:
            while True:
                sock.settimeout(_remaining(deadline))
                chunk = response.read1(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise InputError(too_big)
                if len(head) < 512:
                    head += chunk[:512]
                out.write(chunk)
        if response.length:  # bytes the server announced but never sent
            raise InputError(f"The download was cut off after {total:,} bytes; try again.")
        if _looks_like_html(content_type.lower(), head):
            raise InputError("The link returned a web page, not a file. Share the file so anyone "
                             "with the link can view it, and paste its download link.")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FetchedFile(path, display_name, content_type, final_url, total, source_url)


def fetch(url: str, dest_dir: Path, *, max_bytes: int | None = None, timeout: float | None = None,
          allowed_hosts: set[str] | None = None) -> FetchedFile:
    """Download ``url`` (after ``normalise_link``) into ``dest_dir`` under a generated name.

    Defaults: ``max_bytes`` from setting max_upload_mb, ``timeout`` (seconds, for the whole
    fetch) from link_timeout_seconds, ``allowed_hosts`` from allowed_link_hosts.
    Raises InputError with a one-line message on any refusal or failure.
    """
    if max_bytes is None:
        max_bytes = int(settings.get("max_upload_mb")) * 1024 * 1024
    if timeout is None:
        timeout = float(settings.get("link_timeout_seconds"))
    allowed = allowed_hosts_setting() if allowed_hosts is None else parse_hosts(",".join(allowed_hosts))
    deadline = time.monotonic() + timeout
    current = normalise_link(url)
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            conn, response, sock = _open(current, allowed, deadline)
            try:
                if response.status in REDIRECT_STATUSES:
                    location = response.getheader("Location")
                    if not location:
                        raise InputError(f"The link redirected (HTTP {response.status}) "
                                         "without saying where to.")
                    current = urljoin(current, location.strip())
                    continue
                if response.status != 200:
                    raise InputError(f"The link returned HTTP {response.status} "
                                     f"({response.reason or 'error'}) instead of a file.")
                return _save(sock, response, Path(dest_dir), current, url, max_bytes, deadline)
            finally:
                response.close()
                conn.close()
        raise InputError(f"The link redirected more than {MAX_REDIRECTS} times.")
    except TimeoutError:
        raise InputError(f"Fetching the link took longer than the {timeout:g} second limit.") from None
    except ssl.SSLError as exc:
        raise InputError(f"The secure connection to {urlsplit(current).hostname} failed "
                         f"({exc.reason or exc}).") from None
    except http.client.HTTPException as exc:
        raise InputError(f"The server at {urlsplit(current).hostname} sent an invalid or "
                         f"incomplete answer ({type(exc).__name__}).") from None
    except OSError as exc:
        raise InputError(f"Could not download from {urlsplit(current).hostname} "
                         f"({exc.strerror or exc}).") from None


def refetch(source: str | FetchedFile, dest_dir: Path | None = None, **limits) -> FetchedFile:
    """Fetch a dataset's link again, the same way; ``dest_dir`` defaults to the earlier file's."""
    if isinstance(source, FetchedFile):
        return fetch(source.source_url, dest_dir or source.path.parent, **limits)
    if dest_dir is None:
        raise TypeError("refetch(url) needs dest_dir")
    return fetch(source, dest_dir, **limits)
