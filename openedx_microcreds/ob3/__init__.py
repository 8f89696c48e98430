"""A client of the 1EdTech Open Badges 3.0 API (section 6 and 7 of the specification), as the
issuer uses it to push a learner's credentials to their backpack: discovery of the host's
Service Description Document, OAuth 2.0 dynamic client registration (RFC 7591), the
authorization code grant with PKCE (S256) and refresh tokens, and ``upsertCredential``.

Plain Python over one guarded HTTP client (:mod:`.http`): no Django, so every step is usable
and testable on its own. The Django side (hosts, learners' connections, tokens at rest) is
:mod:`openedx_microcreds.backpacks`.
"""

DISCOVERY_PATH = "/ims/ob/v3p0/discovery"
CREDENTIALS_PATH = "/ims/ob/v3p0/credentials"
SCOPE_UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
# Refresh tokens: OpenID Connect hosts issue them for this scope (with prompt=consent).
OFFLINE_ACCESS = "offline_access"
