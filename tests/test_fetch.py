"""fetch: happy paths against a local server, refusals of every address class without network."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ingest.fetch as fetch_module
from ingest.errors import InputError
from ingest.fetch import FetchedFile, fetch, refetch
from ingest.netpolicy import address_class

CSV = b"id,amount\n1,10\n2,20\n"  # 20 bytes
LOCAL = {"127.0.0.1"}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status=200, body=b"", headers=(), length=True):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location, status=302):
        self._send(status, headers=[("Location", location)])

    def do_GET(self):
        path = self.path
        port = self.server.server_address[1]
        if path == "/data.csv":
            self._send(body=CSV, headers=[("Content-Type", "text/csv")])
        elif path.startswith("/r/"):
            left = int(path[3:])
            self._redirect("/data.csv" if left == 1 else f"/r/{left - 1}", status=301 if left % 2 else 307)
        elif path == "/export":
            self._send(body=CSV, headers=[("Content-Type", "text/csv; charset=utf-8")])
        elif path == "/cd-evil":
            self._send(body=CSV, headers=[("Content-Disposition", 'attachment; filename="../../etc/evil.csv"')])
        elif path == "/cd-utf8":
            self._send(body=CSV, headers=[("Content-Disposition",
                       "attachment; filename*=UTF-8''%E9%94%80%E5%94%AE.xlsx")])
        elif path == "/big":
            self._send(body=b"x" * 5000, length=False)  # no Content-Length: read until close
        elif path == "/big-declared":
            self._send(headers=[("Content-Length", "5000")], length=False)
            self.wfile.write(b"x" * 5000)
        elif path == "/cut":
            self._send(headers=[("Content-Length", "100")], length=False)
            self.wfile.write(b"0123456789")  # then the connection closes
        elif path == "/slow":
            self._send(headers=[("Content-Length", "100")], length=False)
            try:
                for _ in range(100):  # one byte every 0.1 s: each read is quick, the whole is not
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif path == "/slow-headers":
            time.sleep(3)
            self._send(body=CSV)
        elif path == "/host":
            self._send(body=self.headers["Host"].encode())
        elif path == "/html":
            self._send(body=b"<!DOCTYPE html><html>sign in</html>",
                       headers=[("Content-Type", "text/html; charset=utf-8")])
        elif path == "/to-localhost":
            self._redirect(f"http://localhost:{port}/data.csv")
        elif path == "/to-private":
            self._redirect("http://10.0.0.5/x.csv")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path == "/no-location":
            self._send(302)
        else:
            self._send(404, body=b"missing")


class Server(ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def base():
    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ---- happy paths ----------------------------------------------------------------------------

def test_downloads_csv(base, tmp_path):
    got = fetch(f"{base}/data.csv", tmp_path, allowed_hosts=LOCAL)
    assert got.path.parent == tmp_path
    assert got.path.suffix == ".csv" and got.path.name != "data.csv"
    assert got.path.read_bytes() == CSV
    assert (got.display_name, got.content_type, got.bytes) == ("data.csv", "text/csv", 20)
    assert got.final_url == f"{base}/data.csv" and got.source_url == f"{base}/data.csv"


@pytest.mark.parametrize("hops", [1, 3, 5], ids=["one", "three", "five-is-the-limit"])
def test_follows_redirect_chain(base, tmp_path, hops):
    got = fetch(f"{base}/r/{hops}", tmp_path, allowed_hosts=LOCAL)
    assert got.path.read_bytes() == CSV
    assert got.final_url == f"{base}/data.csv"
    assert got.source_url == f"{base}/r/{hops}"


def test_more_than_five_redirects_refused(base, tmp_path):
    with pytest.raises(InputError, match="redirected more than 5 times"):
        fetch(f"{base}/r/6", tmp_path, allowed_hosts=LOCAL)


@pytest.mark.parametrize(("path", "display", "suffix"), [
    ("/cd-evil", "evil.csv", ".csv"),
    ("/cd-utf8", "销售.xlsx", ".xlsx"),
    ("/export", "export.csv", ".csv"),
], ids=["traversal-name", "rfc2231-utf8-name", "type-gives-extension"])
def test_names_from_server_are_sanitised(base, tmp_path, path, display, suffix):
    got = fetch(base + path, tmp_path, allowed_hosts=LOCAL)
    assert (got.display_name, got.path.suffix) == (display, suffix)
    assert _files(tmp_path) == [got.path.name]  # nothing written anywhere else
    assert got.path.name.startswith("link-")


def test_refetch_downloads_again_to_a_new_file(base, tmp_path):
    first = fetch(f"{base}/r/2", tmp_path, allowed_hosts=LOCAL)
    second = refetch(first, allowed_hosts=LOCAL)
    assert isinstance(second, FetchedFile)
    assert second.path != first.path and second.path.read_bytes() == CSV
    assert second.source_url == first.source_url
    third = refetch(first.source_url, tmp_path, allowed_hosts=LOCAL)
    assert third.path.read_bytes() == CSV


# ---- limits -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/big", "/big-declared"], ids=["streamed", "declared-length"])
def test_too_big_is_refused_and_partial_deleted(base, tmp_path, path):
    with pytest.raises(InputError) as err:
        fetch(base + path, tmp_path, max_bytes=1000, allowed_hosts=LOCAL)
    assert str(err.value) == "The linked file is larger than the limit of 1000 bytes."
    assert _files(tmp_path) == []


def test_exactly_at_the_size_limit_is_accepted(base, tmp_path):
    assert fetch(f"{base}/data.csv", tmp_path, max_bytes=20, allowed_hosts=LOCAL).bytes == 20


@pytest.mark.parametrize("path", ["/slow", "/slow-headers"], ids=["trickling-body", "slow-headers"])
def test_time_limit_covers_the_whole_fetch(base, tmp_path, path):
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        fetch(base + path, tmp_path, timeout=0.5, allowed_hosts=LOCAL)
    assert time.monotonic() - started < 2.0
    assert str(err.value) == "Fetching the link took longer than the 0.5 second limit."
    assert _files(tmp_path) == []


@pytest.mark.parametrize(("path", "message"), [
    ("/missing", "The link returned HTTP 404 (Not Found) instead of a file."),
    ("/html", "The link returned a web page, not a file."),
    ("/no-location", "The link redirected (HTTP 302) without saying where to."),
    ("/cut", "The download was cut off after 10 bytes; try again."),
], ids=["404", "html-page", "redirect-without-location", "cut-off"])
def test_unusable_answers(base, tmp_path, path, message):
    with pytest.raises(InputError) as err:
        fetch(base + path, tmp_path, allowed_hosts=LOCAL)
    assert str(err.value).startswith(message)
    assert _files(tmp_path) == []


# ---- refusals -----------------------------------------------------------------------------------

def test_loopback_refused_unless_allowed(base, tmp_path):
    with pytest.raises(InputError, match=r"loopback address \(127\.0\.0\.1\)"):
        fetch(f"{base}/data.csv", tmp_path, allowed_hosts=set())


@pytest.mark.parametrize(("path", "message"), [
    ("/to-localhost", "The link points to a loopback address (127.0.0.1); only public addresses are allowed."),
    ("/to-private", "The link points to a private network address (10.0.0.5); only public addresses are allowed."),
    ("/to-metadata", ("The link points to a cloud metadata address (169.254.169.254); "
                      "only public addresses are allowed.")),
    ("/to-file", "Only http:// and https:// links can be fetched, not file:."),
], ids=["to-localhost-name", "to-private", "to-metadata", "to-file-scheme"])
def test_redirect_from_allowed_host_is_checked_again(base, tmp_path, path, message):
    with pytest.raises(InputError) as err:
        fetch(base + path, tmp_path, allowed_hosts=LOCAL)
    assert str(err.value) == message


def _fake_dns(monkeypatch, *addresses, calls=None):
    """Make every lookup answer ``addresses``; connecting anywhere fails the test."""
    def getaddrinfo(host, port, *args, **kwargs):
        if calls is not None:
            calls.append(host)
        out = []
        for text in addresses:
            family = socket.AF_INET6 if ":" in text else socket.AF_INET
            sockaddr = (text, port, 0, 0) if family == socket.AF_INET6 else (text, port)
            out.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return out

    def no_connect(*args):
        raise AssertionError(f"connected to {args[1]} although it should have been refused")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(fetch_module, "_connect", no_connect)


# (address DNS answers, class named, address shown: IPv6 carrying IPv4 names the IPv4)
REFUSED = [
    ("127.0.0.1", "loopback", None), ("::1", "loopback", None),
    ("10.0.0.5", "private network", None), ("172.16.3.4", "private network", None),
    ("192.168.1.20", "private network", None), ("fc00::1", "private network", None),
    ("169.254.1.1", "link-local", None), ("fe80::1", "link-local", None),
    ("224.0.0.1", "multicast", None), ("ff02::1", "multicast", None),
    ("240.0.0.1", "reserved", None), ("0.0.0.0", "unspecified", None), ("::", "unspecified", None),
    ("100.64.0.1", "shared carrier-grade NAT", None),
    ("::ffff:10.0.0.5", "private network", "10.0.0.5"),
    ("::ffff:127.0.0.1", "loopback", "127.0.0.1"),
    ("64:ff9b::a00:5", "private network", "10.0.0.5"),
    ("2002:a00:5::", "private network", "10.0.0.5"),
    ("169.254.169.254", "cloud metadata", None), ("fd00:ec2::254", "cloud metadata", None),
]


@pytest.mark.parametrize(("address", "label", "shown"), REFUSED, ids=[r[0] for r in REFUSED])
def test_every_non_public_class_is_refused_after_dns(monkeypatch, tmp_path, address, label, shown):
    _fake_dns(monkeypatch, address)
    article = "an" if label[0] in "aeiou" else "a"
    with pytest.raises(InputError) as err:
        fetch("https://files.example.com/sales.csv", tmp_path, allowed_hosts=set())
    assert str(err.value) == (f"The link points to {article} {label} address ({shown or address}); "
                              "only public addresses are allowed.")


def test_one_private_answer_among_public_ones_is_refused(monkeypatch, tmp_path):
    _fake_dns(monkeypatch, "93.184.216.34", "10.1.2.3")
    with pytest.raises(InputError, match=r"private network address \(10\.1\.2\.3\)"):
        fetch("http://files.example.com/a.csv", tmp_path, allowed_hosts=set())


def test_metadata_refused_even_for_allowed_host(monkeypatch, tmp_path):
    _fake_dns(monkeypatch, "169.254.169.254")
    with pytest.raises(InputError, match="cloud metadata address"):
        fetch("http://intranet.example/a.csv", tmp_path, allowed_hosts={"intranet.example"})


def test_metadata_host_name_refused_before_lookup(monkeypatch, tmp_path):
    calls = []
    _fake_dns(monkeypatch, "93.184.216.34", calls=calls)
    with pytest.raises(InputError, match=r"cloud metadata host \(metadata\.google\.internal\)"):
        fetch("http://metadata.google.internal./computeMetadata/v1/", tmp_path, allowed_hosts=set())
    assert calls == []


def test_allowed_host_connects_to_the_checked_address(monkeypatch, tmp_path):
    _fake_dns(monkeypatch, "10.0.0.5")
    seen = []

    def refuse(family, sockaddr, deadline):
        seen.append(sockaddr)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(fetch_module, "_connect", refuse)
    with pytest.raises(InputError, match="Could not download from intranet.example"):
        fetch("http://INTRANET.example/a.csv", tmp_path, allowed_hosts={"intranet.example"})
    assert seen == [("10.0.0.5", 80)]


def test_single_lookup_per_hop_and_host_header_kept(base, monkeypatch, tmp_path):
    # A rebinding resolver would answer 127.0.0.1 first, then something else: we ask only once.
    port = int(base.rsplit(":", 1)[1])
    calls = []
    real = socket.getaddrinfo

    def rebinding(host, p, *args, **kwargs):
        calls.append(host)
        address = "127.0.0.1" if len(calls) == 1 else "10.0.0.5"
        return real(address, p, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    got = fetch(f"http://files.example:{port}/host", tmp_path, allowed_hosts={"files.example"})
    assert got.path.read_bytes() == f"files.example:{port}".encode()
    assert calls == ["files.example"]


@pytest.mark.parametrize("url", [
    "http://user:secret@example.com/a.csv", "ftp://example.com/a.csv", "http://[::1/a.csv",
], ids=["userinfo", "ftp", "bad-ipv6-literal"])
def test_malformed_or_other_scheme_refused_without_lookup(monkeypatch, tmp_path, url):
    calls = []
    _fake_dns(monkeypatch, "93.184.216.34", calls=calls)
    with pytest.raises(InputError):
        fetch(url, tmp_path, allowed_hosts=set())
    assert calls == []


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_class(ipaddress.ip_address(address)) is None


def test_https_to_a_plain_http_server_is_one_clear_error(base, tmp_path):
    with pytest.raises(InputError) as err:
        fetch(base.replace("http://", "https://") + "/data.csv", tmp_path, allowed_hosts=LOCAL)
    assert str(err.value).startswith("The secure connection to 127.0.0.1 failed (")
    assert "\n" not in str(err.value)
    assert _files(tmp_path) == []
