"""One careful outgoing POST for the publishing webhook: http(s) only, never into our own network
unless allow-listed, connected to the address that was checked (no DNS rebinding), a timeout, capped
sizes, and redirects answered as failures rather than followed."""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_BODY = 256 * 1024  # what we send
MAX_RESPONSE = 64 * 1024  # what we read back (the rest is never read)


class UnsafeTarget(Exception):
    """The address may not be called: a message an admin can act on."""


@dataclass
class Target:
    """A checked address: where to connect (ip) and what to ask for (host, path)."""

    scheme: str
    host: str
    port: int
    path: str
    ip: str


@dataclass
class Answer:
    """What the receiver said: its status and the start of its body."""

    status: int
    body: bytes


def _entries(allowlist: list[str]) -> tuple[set[str], list]:
    names, networks = set(), []
    for entry in allowlist:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.lower().rstrip("."))
    return names, networks


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_target(url: str, allowlist: list[str]) -> Target:
    """Parse and resolve the address; refuse anything but http(s) to public (or allow-listed) hosts."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget("That isn't a valid web address.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Use an http:// or https:// address.")
    if parts.username or parts.password:
        raise UnsafeTarget(
            "Leave user names and passwords out of the address: every delivery is signed instead."
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeTarget("The address needs a host name.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"We couldn't find {host}.") from exc
    names, networks = _entries(allowlist)
    ips = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    for ip in ips:
        if not (host.lower() in names or any(ip in net for net in networks) or _public(ip)):
            raise UnsafeTarget(
                f"{host} points inside a private network ({ip}). Only public addresses can be called, "
                "unless whoever runs the server adds it to WEBHOOK_ALLOWLIST."
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, str(ips[0]))


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name resolves to by then."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._ip = target.ip

    def connect(self):
        """Open the TCP connection to the checked IP."""
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS, verifying the certificate for the host name."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._ip = target.ip

    def connect(self):
        """Open the TCP connection to the checked IP, then TLS for the host name."""
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], allowlist: list[str], timeout: float) -> Answer:
    """POST body to url; raises UnsafeTarget for a refused address and OSError for network trouble."""
    if len(body) > MAX_BODY:
        raise UnsafeTarget(f"The payload is over {MAX_BODY // 1024} KB.")
    target = check_target(url, allowlist)
    connection = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
    deadline = time.monotonic() + timeout * 2
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        received = b""
        while len(received) < MAX_RESPONSE and time.monotonic() < deadline:
            chunk = response.read(min(8192, MAX_RESPONSE - len(received)))
            if not chunk:
                break
            received += chunk
        return Answer(response.status, received)
    except http.client.HTTPException as exc:
        raise OSError(f"The receiver's answer wasn't valid HTTP ({exc.__class__.__name__}).") from exc
    finally:
        connection.close()
