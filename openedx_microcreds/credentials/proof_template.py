"""Canonical N-Quads of an rdfc proof configuration, computed once per shape.

A proof configuration always has the same shape: type, cryptosuite, created, verificationMethod,
proofPurpose, under the document's contexts. Its RDFC-1.0 form differs between two credentials
only in the ``created`` literal and the verification method IRI, and line order is fixed by the
predicates. So we canonicalize each shape once with pyld, using sentinel values, and substitute.
Anything outside the known shape (extra keys, values that would need escaping) goes through
pyld in full.
"""

from __future__ import annotations

import json
import re
import threading

from .canonical import rdfc
from .loader import DocumentLoader, default_loader

_SENTINEL_VM = "urn:microcreds:sentinel:verification-method"
_SENTINEL_CREATED = "1999-12-31T23:59:59Z"
_SHAPE_KEYS = {"@context", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose"}
# IRIs and literals that N-Quads writes verbatim (no escaping needed).
_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_SAFE_CREATED = re.compile(r"^[0-9T:.+\-Z]+$")

_templates: dict[tuple[str, int], str | None] = {}
_lock = threading.Lock()


def canonical_proof_config(config: dict, loader: DocumentLoader = default_loader) -> str:
    """RDFC-1.0 N-Quads of ``config``; identical to ``rdfc(config)``."""
    created, vm = config.get("created"), config.get("verificationMethod")
    if (
        loader is not default_loader
        or set(config) != _SHAPE_KEYS
        or not isinstance(created, str)
        or not isinstance(vm, str)
        or not _SAFE_CREATED.match(created)
        or not _SAFE_IRI.match(vm)
    ):
        return rdfc(config, loader)
    template = _template_for(config)
    if template is None:
        return rdfc(config, loader)
    return template.replace(_SENTINEL_CREATED, created).replace(_SENTINEL_VM, vm)


def _template_for(config: dict) -> str | None:
    shape = {**config, "created": _SENTINEL_CREATED, "verificationMethod": _SENTINEL_VM}
    key = json.dumps(shape, sort_keys=True)
    cache_key = (key, id(default_loader))
    if cache_key not in _templates:
        text = rdfc(shape, default_loader)
        # Use the template only when each sentinel appears exactly once and nothing else
        # in the output could collide with a substituted value.
        usable = text.count(_SENTINEL_CREATED) == 1 and text.count(_SENTINEL_VM) == 1
        with _lock:
            _templates[cache_key] = text if usable else None
    return _templates[cache_key]
