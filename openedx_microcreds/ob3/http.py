"""The one HTTP client that talks to backpack hosts, with the guards a server needs when the
address comes from a learner (SSRF).

- https only; plain http only to a loopback address, and only when the policy allows loopback
  (tests, the sandbox);
- every address a connection is opened to is checked *when the socket is opened* (not in a
  separate lookup that DNS could answer differently a moment later): private, loopback,
  link-local, multicast and reserved addresses are refused, and so is a name that resolves to
  any of them; the peer of the opened socket is checked again;
- no proxy from the environment (the check must see the real peer);
- a timeout to connect, between reads, and for the whole answer; answers larger than the limit
  are refused, also when compressed;
- redirects are followed for GET only, at most three, and only within the same origin.

Errors are :class:`HostError` subclasses whose text is written for people (the learner's page,
the outbox's last error): no secret, no request body, no query string.

Plain Python (requests and urllib3, which the LMS ships): no Django here.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util import connection as urllib3_connection

from .. import __version__

USER_AGENT = f"openedx-microcreds/{__version__} (Open Badges 3.0 API client)"
_CHUNK = 16 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Policy:
    """What the client may do. ``allow_loopback`` is for tests and the sandbox only."""

    allow_loopback: bool = False
    timeout: float = 10.0
    max_bytes: int = 1024 * 1024
    max_redirects: int = 3


class HostError(Exception):
    """Talking to a host failed; the text is for people and holds no secret."""


class Unreachable(HostError):
    """No answer: the name is unknown, the connection was refused or timed out, TLS failed."""


class NotAllowed(HostError):
    """Refused by this client's own rules (scheme, address, redirect to another origin)."""


class BadAnswer(HostError):
    """An answer this client cannot use: too large, not JSON, compressed in an unknown way."""


class _NameNotFound(OSError):
    """A failed lookup. An OSError, so urllib3 (1.26 or 2.x) and requests report it as a
    connection error, with this in its chain."""


class _AddressRefused(Exception):
    """Raised inside a connection; deliberately not an OSError, so that urllib3 and requests let
    it through unwrapped (and never retry it)."""

    def __init__(self, host: str, address: str, reason: str):
        super().__init__(f"{host} resolves to {address}, {reason}")


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.body)
        except ValueError:
            raise BadAnswer(
                f"{origin_of(self.url)} answered with something that is not JSON"
            ) from None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def address_problem(address: Address, *, allow_loopback: bool, plain_http: bool) -> str | None:
    """Why this client must not connect to ``address`` (None when it may)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None:
            return address_problem(embedded, allow_loopback=allow_loopback, plain_http=plain_http)
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if plain_http:
        return "not a loopback address, and plain http is allowed to loopback addresses only"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified or address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None


def check_url(url: str, policy: Policy) -> SplitResult:
    """Refuse, before any connection, what this client never requests: another scheme than
    https (http only with loopback allowed), user info, no host, an IP literal it would refuse."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise NotAllowed(f"{url!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise NotAllowed(f"{url!r} is not an https URL")
    if scheme == "http" and not policy.allow_loopback:
        raise NotAllowed(f"{origin_of(url)} does not use https")
    if not parts.hostname:
        raise NotAllowed(f"{url!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise NotAllowed(f"{origin_of(url)} carries a user name or password")
    if port == 0:
        raise NotAllowed(f"{origin_of(url)} names port 0")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None:
        problem = address_problem(
            literal, allow_loopback=policy.allow_loopback, plain_http=scheme == "http"
        )
        if problem:
            raise NotAllowed(f"{parts.hostname} is {problem}")
    return parts


class _GuardedConnection:
    """Mixed into urllib3's connections: opens the socket itself, to checked addresses only."""

    allow_loopback = False
    plain_http = False

    def _new_conn(self) -> socket.socket:
        host, port = self._dns_host, self.port  # type: ignore[attr-defined]
        try:
            found = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise _NameNotFound(f"{host} was not found") from exc
        addresses = []
        for _family, _type, _proto, _name, sockaddr in found:
            text = str(sockaddr[0]).split("%", 1)[0]
            address = ipaddress.ip_address(text)
            problem = address_problem(
                address, allow_loopback=self.allow_loopback, plain_http=self.plain_http
            )
            if problem:  # one bad address refuses the name: it may be rebound to it later
                raise _AddressRefused(host, text, problem)
            addresses.append(text)
        error: Exception | None = None
        for text in dict.fromkeys(addresses):
            try:
                sock = urllib3_connection.create_connection(
                    (text, port),
                    self.timeout,  # type: ignore[attr-defined]
                    source_address=self.source_address,  # type: ignore[attr-defined]
                    socket_options=self.socket_options,  # type: ignore[attr-defined]
                )
            except TimeoutError as exc:
                raise urllib3.exceptions.ConnectTimeoutError(
                    self, f"connecting to {host} timed out"
                ) from exc
            except OSError as exc:
                error = exc
                continue
            peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
            problem = address_problem(
                peer, allow_loopback=self.allow_loopback, plain_http=self.plain_http
            )
            if problem:
                sock.close()
                raise _AddressRefused(host, str(peer), problem)
            return sock
        raise urllib3.exceptions.NewConnectionError(
            self, f"could not connect to {host}: {error or 'no address'}"
        )


def _adapter_for(allow_loopback: bool) -> HTTPAdapter:
    class GuardedHTTP(_GuardedConnection, urllib3.connection.HTTPConnection):
        plain_http = True

    class GuardedHTTPS(_GuardedConnection, urllib3.connection.HTTPSConnection):
        pass

    GuardedHTTP.allow_loopback = GuardedHTTPS.allow_loopback = allow_loopback

    class HTTPPool(urllib3.HTTPConnectionPool):
        ConnectionCls = GuardedHTTP

    class HTTPSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPS

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}

    return Adapter(max_retries=0, pool_connections=8, pool_maxsize=4)


_sessions = threading.local()


def _session(policy: Policy) -> requests.Session:
    """One session per thread and policy: connections to a host are kept alive and reused."""
    cache = getattr(_sessions, "by_loopback", None)
    if cache is None:
        cache = _sessions.by_loopback = {}
    session = cache.get(policy.allow_loopback)
    if session is None:
        session = requests.Session()
        session.trust_env = False  # no proxy, no .netrc: the peer must be the host itself
        session.proxies = {}
        adapter = _adapter_for(policy.allow_loopback)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        cache[policy.allow_loopback] = session
    return session


def request(
    method: str,
    url: str,
    policy: Policy,
    *,
    headers: Mapping[str, str] | None = None,
    data: bytes | Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> Answer:
    """Send one request (following same-origin redirects for GET); the whole answer."""
    deadline = time.monotonic() + policy.timeout
    for _hop in range(policy.max_redirects + 1):
        answer = _send(method, url, policy, headers, data, auth, deadline)
        if answer.status not in _REDIRECTS:
            return answer
        target = answer.headers.get("Location", "")
        if not target:
            raise BadAnswer(f"{origin_of(url)} answered {answer.status} with no Location")
        target = urljoin(url, target)
        if method != "GET":
            raise NotAllowed(f"{origin_of(url)} answered a {method} with a redirect")
        if origin_of(target).lower() != origin_of(url).lower():
            raise NotAllowed(f"{origin_of(url)} redirected to another host ({origin_of(target)})")
        url = target
    raise NotAllowed(f"{origin_of(url)} redirected more than {policy.max_redirects} times")


def _send(
    method: str,
    url: str,
    policy: Policy,
    headers: Mapping[str, str] | None,
    data: Any,
    auth: tuple[str, str] | None,
    deadline: float,
) -> Answer:
    parts = check_url(url, policy)
    host = parts.hostname or ""
    timeout = max(0.05, min(policy.timeout, deadline - time.monotonic()))
    try:
        response = _session(policy).request(
            method,
            url,
            headers=dict(headers or {}),
            data=data,
            auth=auth,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
    except _AddressRefused as exc:
        raise NotAllowed(str(exc)) from None
    except requests.exceptions.Timeout:
        raise Unreachable(f"{host} did not answer in time") from None
    except requests.exceptions.SSLError:
        raise Unreachable(f"the secure connection to {host} failed (certificate or TLS)") from None
    except requests.exceptions.ConnectionError as exc:
        if _caused_by(exc, _NameNotFound):
            raise Unreachable(f"{host} was not found (DNS)") from None
        raise Unreachable(f"could not connect to {host}") from None
    except requests.exceptions.RequestException as exc:
        raise Unreachable(f"the request to {host} failed ({type(exc).__name__})") from None
    try:
        body = _read(response, policy, host, deadline)
    finally:
        response.close()
    return Answer(response.status_code, response.headers, body, url)


def _read(response: requests.Response, policy: Policy, host: str, deadline: float) -> bytes:
    limit = policy.max_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadAnswer(f"{host} sent an answer larger than {limit} bytes")
    decode = _decoder(response.headers.get("Content-Encoding", ""), host)
    chunks: list[bytes] = []
    size = 0
    # read1 returns what one socket read brings (urllib3 2), so a host that drips its answer
    # meets the deadline between reads; read(n) would wait for all n bytes.
    read = getattr(response.raw, "read1", None) or response.raw.read
    try:
        while True:
            if time.monotonic() > deadline:
                raise Unreachable(f"{host} took too long to answer")
            chunk = read(_CHUNK, decode_content=False)
            if not chunk:
                break
            if decode is not None:
                chunk = decode(chunk, limit + 1 - size)
            size += len(chunk)
            if size > limit:
                raise BadAnswer(f"{host} sent an answer larger than {limit} bytes")
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError):
        raise Unreachable(f"the answer of {host} broke off") from None
    return b"".join(chunks)


def _decoder(encoding: str, host: str) -> Callable[[bytes, int], bytes] | None:
    """A bounded decompressor: it never makes more than the bytes still allowed (a gzip bomb
    stops at the limit)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise BadAnswer(f"{host} compressed its answer as {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)

    def decode(chunk: bytes, room: int) -> bytes:
        try:
            out = inflater.decompress(chunk, max(1, room))
        except zlib.error:
            raise BadAnswer(f"{host} sent a damaged compressed answer") from None
        if inflater.unconsumed_tail:  # more output than room: over the limit
            return out + b"\0"
        return out

    return decode


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return True
        pending.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        pending.extend(
            arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)
        )
    return False
