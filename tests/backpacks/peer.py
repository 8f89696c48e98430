"""A scriptable Open Badges 3.0 host on loopback for the SQLite-tier tests: discovery, dynamic
registration, an authorization endpoint that consents at once (or denies), a token endpoint that
checks client authentication, codes, PKCE S256 and refresh tokens (rotated), and upsert.

It is a real HTTP server in a thread, strict where the plugin's correctness is at stake (PKCE,
single-use codes, redirect URIs, Bearer tokens), and it fails on demand. The independent proof,
against panva's oidc-provider, is tests/interop/test_backpack_host.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"


@dataclass
class Grant:
    account: str
    client_id: str
    scope: str
    refresh_token: str = ""


@dataclass
class PeerState:
    name: str = "Peer backpack"
    account: str = "learner-at-peer"
    deny_consent: bool = False
    refuse_registration: str = ""
    grant_scope: str | None = None  # None: what was asked
    access_token_ttl: int = 3600
    issue_refresh_tokens: bool = True
    discovery_status: int = 200
    token_delay: float = 0.0  # seconds the token endpoint takes (to widen race windows)
    # Scripted answers of the upsert endpoint, consumed first: (status, json body).
    upsert_answers: list[tuple[int, dict]] = field(default_factory=list)
    clients: dict[str, dict] = field(default_factory=dict)
    codes: dict[str, dict] = field(default_factory=dict)
    access_tokens: dict[str, tuple[Grant, float]] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    holdings: dict[str, dict[str, dict]] = field(default_factory=dict)
    upserts: list[tuple[str, str, int]] = field(default_factory=list)  # account, id, status
    registrations: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    authorizations: list[dict] = field(default_factory=list)


class PeerHost:
    def __init__(self) -> None:
        self.state = PeerState()
        self.lock = threading.Lock()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                peer._handle(self, "GET")

            def do_POST(self):
                peer._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PeerHost:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---- what tests do to it ------------------------------------------------------------
    def forget_clients(self) -> None:
        with self.lock:
            self.state.clients.clear()

    def revoke_grants(self) -> None:
        with self.lock:
            self.state.access_tokens.clear()
            self.state.refresh_tokens.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token, (grant, _expires) in list(self.state.access_tokens.items()):
                self.state.access_tokens[token] = (grant, time.time() - 1)

    def held(self, account: str | None = None) -> dict[str, dict]:
        return self.state.holdings.get(account or self.state.account, {})

    # ---- the host ------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        route = (method, url.path)
        if route == ("POST", "/token") and self.state.token_delay:
            time.sleep(self.state.token_delay)
        with self.lock:
            if route == ("GET", "/ims/ob/v3p0/discovery"):
                answer = self._discovery()
            elif route == ("POST", "/register"):
                answer = self._register(json.loads(body or b"{}"))
            elif route == ("GET", "/authorize"):
                answer = self._authorize(parse_qs(url.query))
            elif route == ("POST", "/token"):
                answer = self._token(
                    request.headers.get("Authorization", ""), parse_qs(body.decode())
                )
            elif route == ("POST", "/ims/ob/v3p0/credentials"):
                answer = self._upsert(request.headers.get("Authorization", ""), body)
            else:
                answer = (404, {"error": "not found"}, {})
        status, payload, headers = answer
        data = json.dumps(payload).encode() if payload is not None else b""
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _discovery(self):
        if self.state.discovery_status != 200:
            return (self.state.discovery_status, {"error": "no"}, {})
        scheme = {
            "type": "oauth2",
            "x-imssf-name": self.state.name,
            "x-imssf-registrationUrl": f"{self.base}/register",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": f"{self.base}/authorize",
                    "tokenUrl": f"{self.base}/token",
                    "refreshUrl": f"{self.base}/token",
                    "scopes": {UPSERT: "add credentials"},
                }
            },
        }
        document = {
            "openapi": "3.0.1",
            "info": {"title": self.state.name, "version": "1"},
            "components": {"securitySchemes": {"OAuth2ACG": scheme}},
        }
        return (200, document, {})

    def _register(self, metadata: dict):
        self.state.registrations.append(metadata)
        if self.state.refuse_registration:
            words = self.state.refuse_registration
            return (400, {"error": "invalid_client_metadata", "error_description": words}, {})
        client_id, secret = secrets.token_hex(8), secrets.token_urlsafe(24)
        self.state.clients[client_id] = {"secret": secret, **metadata}
        return (201, {"client_id": client_id, "client_secret": secret, **metadata}, {})

    def _authorize(self, query: dict):
        one = {name: values[0] for name, values in query.items()}
        self.state.authorizations.append(one)
        client = self.state.clients.get(one.get("client_id", ""))
        if client is None or one.get("redirect_uri") not in client["redirect_uris"]:
            return (400, {"error": "invalid_client"}, {})  # never redirect to an unknown URI
        target = one["redirect_uri"]
        if self.state.deny_consent:
            params = {"error": "access_denied", "state": one.get("state", "")}
        elif one.get("code_challenge_method") != "S256" or not one.get("code_challenge"):
            params = {
                "error": "invalid_request",
                "error_description": "PKCE S256 required",
                "state": one.get("state", ""),
            }
        else:
            code = secrets.token_urlsafe(16)
            self.state.codes[code] = {
                "client_id": one["client_id"],
                "redirect_uri": target,
                "challenge": one["code_challenge"],
                "scope": self.state.grant_scope
                if self.state.grant_scope is not None
                else one.get("scope", ""),
            }
            params = {"code": code, "state": one.get("state", "")}
        return (302, None, {"Location": f"{target}?{urlencode(params)}"})

    def _client(self, authorization: str):
        if not authorization.startswith("Basic "):
            return None
        raw = base64.b64decode(authorization[6:]).decode()
        client_id, _sep, secret = raw.partition(":")
        client_id, secret = unquote_plus(client_id), unquote_plus(secret)
        client = self.state.clients.get(client_id)
        if client is None or not secrets.compare_digest(client["secret"], secret):
            return None
        return client_id

    def _token(self, authorization: str, form: dict):
        one = {name: values[0] for name, values in form.items()}
        self.state.token_requests.append({k: v for k, v in one.items() if "token" not in k})
        client_id = self._client(authorization)
        if client_id is None:
            return (401, {"error": "invalid_client"}, {})
        if one.get("grant_type") == "authorization_code":
            code = self.state.codes.pop(one.get("code", ""), None)
            if code is None or code["client_id"] != client_id:
                return (400, {"error": "invalid_grant"}, {})
            if code["redirect_uri"] != one.get("redirect_uri"):
                return (400, {"error": "invalid_grant", "error_description": "redirect_uri"}, {})
            digest = hashlib.sha256(one.get("code_verifier", "").encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != code["challenge"]:
                return (400, {"error": "invalid_grant", "error_description": "PKCE"}, {})
            grant = Grant(self.state.account, client_id, code["scope"])
        elif one.get("grant_type") == "refresh_token":
            grant = self.state.refresh_tokens.pop(one.get("refresh_token", ""), None)
            if grant is None or grant.client_id != client_id:
                return (400, {"error": "invalid_grant"}, {})
        else:
            return (400, {"error": "unsupported_grant_type"}, {})
        access = secrets.token_urlsafe(24)
        self.state.access_tokens[access] = (grant, time.time() + self.state.access_token_ttl)
        answer = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.state.access_token_ttl,
            "scope": grant.scope,
        }
        if self.state.issue_refresh_tokens:
            grant.refresh_token = secrets.token_urlsafe(24)
            self.state.refresh_tokens[grant.refresh_token] = grant
            answer["refresh_token"] = grant.refresh_token
        return (200, answer, {"Cache-Control": "no-store"})

    def _upsert(self, authorization: str, body: bytes):
        token = authorization.removeprefix("Bearer ")
        found = self.state.access_tokens.get(token)
        if found is None or found[1] < time.time() or UPSERT not in found[0].scope.split():
            return (401, _status_info("token missing, expired or revoked", "unauthorized"), {})
        grant = found[0]
        credential = json.loads(body)
        if self.state.upsert_answers:
            status, payload = self.state.upsert_answers.pop(0)
            self.state.upserts.append((grant.account, credential.get("id", ""), status))
            return (status, payload, {})
        held = self.state.holdings.setdefault(grant.account, {})
        status = 200 if credential["id"] in held else 201
        held[credential["id"]] = credential
        self.state.upserts.append((grant.account, credential["id"], status))
        return (status, credential, {})


def _status_info(description: str, minor: str) -> dict:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }


status_info = _status_info
