"""Which network addresses a link may reach: public ones only, unless the host is allowed.

Used by ``ingest.fetch`` on every hop, after DNS resolution, so that a link (or a redirect,
or a DNS answer) cannot make the server read its own network or a cloud metadata service.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import settings
from ingest.errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance metadata services: refused even for allowed hosts, they hand out credentials.
METADATA_ADDRESSES = frozenset({
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, ...
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
})
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def allowed_hosts_setting() -> set[str]:
    """The ``allowed_link_hosts`` setting as a set of lower-case host names."""
    return parse_hosts(str(settings.get("allowed_link_hosts") or ""))


def parse_hosts(text: str) -> set[str]:
    """Comma-separated host names -> set of normalised names (lower case, no trailing dot)."""
    return {normalise_host(h) for h in text.split(",") if h.strip()}


def normalise_host(host: str) -> str:
    """Lower case, no surrounding brackets or trailing dot, so equal hosts compare equal."""
    return host.strip().strip("[]").rstrip(".").lower()


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    for net in _NAT64:
        if ip in net:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_class(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be reached ("private network", "loopback", ...), or None when public."""
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return address_class(embedded)
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip in _CGNAT, "shared carrier-grade NAT"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private network"),
        (not ip.is_global, "reserved"),
    )
    return next((label for hit, label in checks if hit), None)


def refusal(ip: IPAddress) -> str | None:
    """The one-line message refusing ``ip``, or None when it is public."""
    label = address_class(ip)
    if label is None:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip not in METADATA_ADDRESSES:
        ip = _embedded_ipv4(ip) or ip  # name the IPv4 address people recognise
    article = "an" if label[0] in "aeiou" else "a"
    return (f"The link points to {article} {label} address ({ip}); "
            "only public addresses are allowed.")


def _getaddrinfo(host: str, port: int, deadline: float):
    """socket.getaddrinfo bounded by ``deadline`` (a hung resolver must not outlive the limit)."""
    result: dict[str, object] = {}

    def run():
        try:
            result["ok"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise InputError(f"Looking up the address of {host} took too long.")
    if "error" in result:
        raise InputError(f"The host {host} could not be found ({result['error']}).")
    return result["ok"]


def resolve_checked(host: str, port: int, allowed_hosts: set[str], deadline: float):
    """Resolve ``host`` once and return the socket addresses a connection may use.

    Every address must be public unless the host is in ``allowed_hosts``; metadata
    services are refused always. The caller connects to these exact addresses.
    Returns a list of (family, sockaddr) tuples.
    """
    name = normalise_host(host)
    if name in METADATA_HOSTS:
        raise InputError(f"The link points to a cloud metadata host ({name}); "
                         "only public addresses are allowed.")
    infos = _getaddrinfo(host, port, deadline)
    allowed = name in allowed_hosts
    addresses = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        # sockaddr[0] may carry an IPv6 zone ("fe80::1%eth0"); the zone is not part of the address.
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        label = address_class(ip)
        if label == "cloud metadata" or (label is not None and not allowed):
            raise InputError(refusal(ip))
        addresses.append((family, sockaddr))
    if not addresses:
        raise InputError(f"The host {host} has no usable address.")
    return addresses
