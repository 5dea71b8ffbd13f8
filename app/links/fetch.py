"""Fetching other sites for link previews without becoming a way into the internal network (SSRF).

Each hop resolves the name once, refuses it unless every address is public (or allow-listed by an
admin), then connects a socket to that checked address itself and speaks HTTP(S) over it with the
original Host header and TLS server name. Nothing resolves the name a second time, so a DNS answer
that changes between the check and the connection (rebinding) cannot redirect us. Redirects are
followed by hand, a few at most, each hop checked the same way. The whole fetch has one deadline,
enforced by a watchdog that shuts the socket, so a server dripping bytes can't hold a worker, and
bodies are capped. Only this module opens connections to other sites.
"""

import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
REDIRECTS = (301, 302, 303, 307, 308)
# Private ranges an allow-listed intranet host name may resolve to (never loopback or link-local).
INTRANET_RANGES = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)
_HOST = re.compile(r"^[a-z0-9.-]+$|^[0-9a-f:.]+$", re.IGNORECASE)  # a DNS name, or an IP literal
_CHUNK = 16 * 1024
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"


class FetchError(Exception):
    """A fetch that didn't work; `permanent` ones are not worth retrying."""

    def __init__(self, message: str, permanent: bool = True):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class Policy:
    """What a fetch may do: its deadline, redirects, and the admin's intranet allow-list."""

    timeout: float = 5.0
    max_redirects: int = 4
    allowed_hosts: tuple[str, ...] = ()  # lower-case names; "*.example.org" matches its subdomains
    allowed_networks: tuple[IPNetwork, ...] = ()
    user_agent: str = "Rollcall-LinkPreview/1"
    tls_context: ssl.SSLContext | None = field(default=None, compare=False)


@dataclass
class Fetched:
    """A successful answer: the final address after redirects and the (capped) body."""

    url: str
    content_type: str
    charset: str | None
    body: bytes
    truncated: bool


def _unwrap(ip: IPAddress) -> IPAddress:
    """IPv4 addresses dressed as IPv6 (::ffff:127.0.0.1) are judged as the IPv4 they are."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_public(ip: IPAddress) -> bool:
    """A globally routable unicast address: not loopback, private, link-local, multicast or reserved."""
    ip = _unwrap(ip)
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


def host_allowed(host: str, policy: Policy) -> bool:
    """Whether an admin allow-listed this host name (exactly, or by a "*." suffix)."""
    host = host.lower().rstrip(".")
    for entry in policy.allowed_hosts:
        if entry.startswith("*.") and (host.endswith(entry[1:]) or host == entry[2:]):
            return True
        if host == entry:
            return True
    return False


def address_allowed(ip: IPAddress, host: str, policy: Policy) -> bool:
    """Public addresses; allow-listed addresses; private ranges for allow-listed intranet names."""
    ip = _unwrap(ip)
    if any(ip in network for network in policy.allowed_networks if network.version == ip.version):
        return True
    if is_public(ip):
        return True
    return host_allowed(host, policy) and any(
        ip in network for network in INTRANET_RANGES if network.version == ip.version
    )


def resolve(host: str, port: int) -> list[tuple[int, tuple]]:
    """(family, socket address) for every address the name has; the only DNS lookup a hop makes."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError("The site's name could not be found.", permanent=False) from exc
    return [(family, sockaddr) for family, _type, _proto, _name, sockaddr in infos]


def _connect(family: int, sockaddr: tuple, timeout: float) -> socket.socket:
    """A TCP socket connected to exactly this address (tests wrap this to see where we connect)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


@dataclass
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) form
    port: int
    path: str

    @classmethod
    def parse(cls, url: str) -> "_Target":
        """Split an address into what a request needs, refusing anything but plain http(s)."""
        try:
            parts = urlsplit(url)
            port = parts.port
            host = (parts.hostname or "").encode("idna").decode("ascii")
        except (ValueError, UnicodeError) as exc:
            raise FetchError("That isn't a web address we can fetch.") from exc
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError("Only http and https addresses are fetched.")
        if not _HOST.match(host) or parts.username is not None or parts.password is not None:
            raise FetchError("That isn't a web address we can fetch.")
        path = quote(parts.path or "/", safe=_SAFE_PATH)
        if parts.query:
            path += "?" + quote(parts.query, safe=_SAFE_PATH + "?")
        return cls(scheme, host, port or (443 if scheme == "https" else 80), path)


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP over a socket we connected (and checked) ourselves; Host still names the site."""

    def __init__(self, host: str, port: int, sock: socket.socket):
        super().__init__(host, port, timeout=sock.gettimeout())
        self.sock = sock

    def connect(self) -> None:
        """Never open a connection of our own: the pinned socket is the only one allowed."""
        if self.sock is None:
            raise FetchError("The connection closed early.", permanent=False)


class _Watchdog:
    """Shuts the socket when the fetch's deadline passes, whatever it is blocked on."""

    def __init__(self, deadline: float):
        self.fired = False
        self.sock: socket.socket | None = None
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def cancel(self) -> None:
        """Stop the timer (the fetch finished in time)."""
        self._timer.cancel()


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("The site took too long to answer.", permanent=False)
    return left


def _checked_address(target: _Target, policy: Policy) -> tuple[int, tuple]:
    addresses = resolve(target.host, target.port)
    if not addresses:
        raise FetchError("The site's name could not be found.", permanent=False)
    for _family, sockaddr in addresses:
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not address_allowed(ip, target.host, policy):
            raise FetchError("That address is on a private or internal network, so it isn't fetched.")
    return addresses[0]


def _open(target: _Target, policy: Policy, deadline: float, watchdog: _Watchdog) -> _PinnedConnection:
    family, sockaddr = _checked_address(target, policy)
    sock = _connect(family, sockaddr, _remaining(deadline))
    watchdog.sock = sock
    if target.scheme == "https":
        context = policy.tls_context or ssl.create_default_context()
        sock = context.wrap_socket(sock, server_hostname=target.host, do_handshake_on_connect=False)
        watchdog.sock = sock
        sock.settimeout(_remaining(deadline))
        sock.do_handshake()
    return _PinnedConnection(target.host, target.port, sock)


def _read_body(response, sock: socket.socket, deadline: float, max_bytes: int, truncate: bool):
    chunks, total = [], 0
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            if not truncate:
                raise FetchError("The file is too large.")
            return b"".join(chunks)[:max_bytes], True


def _hop(url: str, policy: Policy, deadline: float, accept: str, max_bytes: int, truncate: bool):
    """One request: a Fetched answer, or the next address to go to for a redirect."""
    target = _Target.parse(url)
    watchdog = _Watchdog(deadline)
    conn = response = None
    try:
        conn = _open(target, policy, deadline, watchdog)
        sock = conn.sock  # http.client lets go of it once the response owns the connection
        conn.request(
            "GET",
            target.path,
            headers={"User-Agent": policy.user_agent, "Accept": accept, "Accept-Encoding": "identity"},
        )
        sock.settimeout(_remaining(deadline))
        response = conn.getresponse()
        if response.status in REDIRECTS:
            location = (response.getheader("Location") or "").strip()
            if not location:
                raise FetchError("The site redirected without saying where to.")
            return urljoin(url, location)
        if response.status != 200:
            raise FetchError(f"The site answered {response.status}.", permanent=response.status < 500)
        if (response.getheader("Content-Encoding") or "identity").lower() != "identity":
            raise FetchError("The site sent a compressed answer we don't unpack.")
        length = response.getheader("Content-Length") or ""
        if not truncate and length.isdigit() and int(length) > max_bytes:
            raise FetchError("The file is too large.")
        body, truncated = _read_body(response, sock, deadline, max_bytes, truncate)
        if watchdog.fired:  # the shutdown looks like the end of the body: it isn't
            raise FetchError("The site took too long to answer.", permanent=False)
        content_type = response.headers.get_content_type()
        return Fetched(url, content_type, response.headers.get_content_charset(), body, truncated)
    except FetchError:
        if watchdog.fired:
            raise FetchError("The site took too long to answer.", permanent=False) from None
        raise
    except ssl.SSLCertVerificationError as exc:
        raise FetchError("The site's security certificate isn't valid.") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # Timeouts, refusals, resets and the watchdog's shutdown all end up here.
        if watchdog.fired or isinstance(exc, TimeoutError):
            raise FetchError("The site took too long to answer.", permanent=False) from exc
        raise FetchError("The site couldn't be reached.", permanent=False) from exc
    finally:
        watchdog.cancel()
        if response is not None:
            response.close()
        if conn is not None:
            conn.close()
        if watchdog.sock is not None:
            watchdog.sock.close()


def fetch(url: str, policy: Policy, *, accept: str, max_bytes: int, truncate: bool = False) -> Fetched:
    """GET an http(s) address safely (see the module docstring); raises FetchError.

    With truncate, a longer body is cut at max_bytes (enough for a page's <head>); without it a
    longer body is refused.
    """
    deadline = time.monotonic() + policy.timeout
    current = url
    for _hop_number in range(policy.max_redirects + 1):
        result = _hop(current, policy, deadline, accept, max_bytes, truncate)
        if isinstance(result, Fetched):
            return result
        current = result
    raise FetchError("The site redirected too many times.")
