"""Step 4: ``upsertCredential`` (``POST {base}/ims/ob/v3p0/credentials``, OB 3.0 6.2.3): 201
created, 200 replaced (and 304: the host has it already); errors carry an ``Imsx_StatusInfo``."""

from __future__ import annotations

from . import http
from .discovery import credentials_url
from .errors import BadAnswer, printable

SUCCESS = frozenset({200, 201, 304})


def upsert(
    base_url: str, access_token: str, credential_json: str, policy: http.Policy
) -> http.Answer:
    """Send the signed credential as it was issued (an embedded proof: JSON, not a JWS)."""
    return http.request(
        "POST",
        credentials_url(base_url),
        policy,
        headers={
            "Authorization": f"Bearer {access_token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
        data=credential_json.encode("utf-8"),
    )


def status_info(answer: http.Answer) -> str:
    """The host's ``Imsx_StatusInfo`` in words: its description and minor codes, or the status
    when the body says nothing usable."""
    try:
        data = answer.json()
    except BadAnswer:
        data = None
    parts = []
    if isinstance(data, dict):
        description = data.get("imsx_description")
        if isinstance(description, str) and description.strip():
            parts.append(printable(description))
        fields = (data.get("imsx_codeMinor") or {}).get("imsx_codeMinorField") or []
        if isinstance(fields, dict):
            fields = [fields]
        codes = [
            str(item.get("imsx_codeMinorFieldValue"))
            for item in fields
            if isinstance(item, dict) and item.get("imsx_codeMinorFieldValue")
        ]
        if codes:
            parts.append(f"({printable(', '.join(codes), 120)})")
    return " ".join(parts) or f"HTTP {answer.status}"
