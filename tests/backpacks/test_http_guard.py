"""The HTTP client of backpack hosts against SSRF and misbehaving hosts: https only, no private,
loopback or link-local address (checked on the socket it opens, so a DNS name is checked as it
resolves then), no redirect to another origin, limits on time and size. Real servers on loopback;
private addresses are refused before any packet is sent (no test sends one)."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from openedx_microcreds.ob3 import http

STRICT = http.Policy(allow_loopback=False, timeout=3, max_bytes=10_000)
LOOPBACK = http.Policy(allow_loopback=True, timeout=1.5, max_bytes=10_000)


class Server:
    """A loopback HTTP server whose routes answer as the test says; it counts connections."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, tuple[int, dict, bytes, float]] = {}
        self.connections = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                server.connections += 1
                super().setup()

            def handle(self):
                # A client that closed at once (a refused peer, say) is no error here.
                with contextlib.suppress(ConnectionError, OSError):
                    super().handle()

            def do_GET(self):
                self._answer()

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer()

            def _answer(self):
                status, headers, body, delay = server.routes.get(self.path, (404, {}, b"{}", 0.0))
                time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Transfer-Encoding" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if headers.get("Transfer-Encoding") == "chunked":
                    for start in range(0, len(body), 4096):
                        piece = body[start : start + 4096]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def route(self, path, status=200, body=b'{"ok": true}', headers=None, delay=0.0):
        self.routes[path] = (status, headers or {}, body, delay)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    started = Server()
    yield started
    started.close()


@pytest.mark.parametrize(
    "url, reason",
    [
        ("https://10.0.0.5/ims/ob/v3p0/discovery", "a private address"),
        ("https://192.168.1.20/", "a private address"),
        ("https://172.16.3.4/", "a private address"),
        ("https://169.254.169.254/latest/meta-data/", "a link-local address"),
        ("https://[fd00::1]/", "a private address"),
        ("https://[fe80::1]/", "a link-local address"),
        ("https://[::ffff:10.0.0.5]/", "a private address"),
        ("https://0.0.0.0/", "a reserved address"),
        ("https://224.0.0.1/", "a multicast address"),
        ("https://127.0.0.1/", "a loopback address"),
        ("https://[::1]/", "a loopback address"),
    ],
)
def test_private_and_loopback_addresses_are_refused_before_connecting(url, reason):
    with pytest.raises(http.NotAllowed) as refused:
        http.request("GET", url, STRICT)
    assert str(refused.value).endswith(f"is {reason}")


def test_a_name_that_resolves_to_loopback_is_refused_when_it_connects(server):
    server.route("/x")
    for host in ("localhost", "2130706433", "127.1"):  # a name, a decimal and a short form
        url = f"https://{host}:{server.port}/x"
        with pytest.raises(http.NotAllowed) as refused:
            http.request("GET", url, STRICT)
        assert "resolves to 127.0.0.1, a loopback address" in str(refused.value)
    time.sleep(0.3)  # the server's thread would have counted a connection by now
    assert server.connections == 0  # refused before any connection was opened


def test_plain_http_only_to_loopback_and_only_when_allowed(server):
    server.route("/x")
    with pytest.raises(http.NotAllowed, match="does not use https"):
        http.request("GET", f"{server.url}/x", STRICT)
    assert http.request("GET", f"{server.url}/x", LOOPBACK).json() == {"ok": True}
    with pytest.raises(http.NotAllowed, match="plain http is allowed to loopback addresses only"):
        http.request("GET", "http://93.184.215.14/", LOOPBACK)


def test_urls_with_credentials_or_other_schemes_are_refused():
    for url, words in [
        ("https://user:secret@backpack.example.org/", "carries a user name or password"),
        ("ftp://backpack.example.org/", "is not an https URL"),
        ("file:///etc/passwd", "is not an https URL"),
        ("https:///nohost", "names no host"),
    ]:
        with pytest.raises(http.NotAllowed, match=words):
            http.request("GET", url, STRICT)


def test_redirects_stay_on_the_same_origin(server):
    other = Server("127.0.0.2")
    try:
        other.route("/x")
        server.route("/same", 302, headers={"Location": "/final"})
        server.route("/final", body=b'{"final": 1}')
        server.route("/elsewhere", 302, headers={"Location": f"{other.url}/x"})
        server.route("/private", 307, headers={"Location": "http://10.0.0.5/x"})
        server.route("/loop", 302, headers={"Location": "/loop"})
        assert http.request("GET", f"{server.url}/same", LOOPBACK).json() == {"final": 1}
        with pytest.raises(http.NotAllowed, match="redirected to another host"):
            http.request("GET", f"{server.url}/elsewhere", LOOPBACK)
        with pytest.raises(http.NotAllowed, match=r"redirected to another host \(http://10"):
            http.request("GET", f"{server.url}/private", LOOPBACK)
        with pytest.raises(http.NotAllowed, match="redirected more than 3 times"):
            http.request("GET", f"{server.url}/loop", LOOPBACK)
        with pytest.raises(http.NotAllowed, match="answered a POST with a redirect"):
            http.request("POST", f"{server.url}/same", LOOPBACK, data=b"{}")
        assert other.connections == 0
    finally:
        other.close()


def test_answers_larger_than_the_limit_are_refused(server):
    big = b'"' + b"x" * 20_000 + b'"'
    server.route("/declared", body=big)
    server.route("/chunked", body=big, headers={"Transfer-Encoding": "chunked"})
    bomb = gzip.compress(b" " * 50_000_000)  # 50 MB of spaces in about 50 kB
    server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    server.route(
        "/small-gzip", body=gzip.compress(b'{"ok": 1}'), headers={"Content-Encoding": "gzip"}
    )
    for path in ("/declared", "/chunked", "/bomb"):
        with pytest.raises(http.BadAnswer, match="larger than 10000 bytes"):
            http.request("GET", f"{server.url}{path}", LOOPBACK)
    assert http.request("GET", f"{server.url}/small-gzip", LOOPBACK).json() == {"ok": 1}


def test_a_host_that_does_not_answer_in_time(server):
    server.route("/slow", delay=3)
    started = time.monotonic()
    with pytest.raises(http.Unreachable, match="did not answer in time"):
        http.request("GET", f"{server.url}/slow", LOOPBACK)
    assert time.monotonic() - started < 2.5


def test_a_host_that_drips_its_answer_is_cut_off_at_the_deadline():
    """A byte now and then keeps every read within its timeout: the whole answer has one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def drip():
        connection, _ = listener.accept()
        connection.recv(4096)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(40):
            time.sleep(0.1)
            try:
                connection.sendall(b" ")
            except OSError:
                break
        connection.close()

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(http.Unreachable, match="took too long|broke off"):
        http.request("GET", f"http://127.0.0.1:{port}/", LOOPBACK)
    assert time.monotonic() - started < 3
    listener.close()


def test_no_proxy_from_the_environment(server, monkeypatch):
    server.route("/x")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert http.request("GET", f"{server.url}/x", LOOPBACK).json() == {"ok": True}
    assert server.connections == 1
