"""The reference our fast paths are proven equal to: plain pyld, as a fresh process would run it.

Each call gets its own pyld context resolver, so nothing pyld cached for an earlier document can
change the answer for this one.
"""

from __future__ import annotations

import copy
import hashlib

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from openedx_microcreds.credentials.loader import DocumentLoader, default_loader


def _options(loader: DocumentLoader, **extra) -> dict:
    return {"documentLoader": loader, "contextResolver": ContextResolver({}, loader), **extra}


def pyld_nquads(document: dict, loader: DocumentLoader = default_loader) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads of ``document`` by plain pyld."""
    return jsonld.normalize(
        copy.deepcopy(document),
        _options(loader, algorithm="URDNA2015", format="application/n-quads"),
    )


def pyld_expand(document: dict, loader: DocumentLoader = default_loader, base=None):
    """(expanded document, dropped properties) by plain pyld, as strict mode expands."""
    dropped: list = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    expanded = processor.expand(copy.deepcopy(document), _options(loader, base=base))
    return expanded, dropped


def outcome(compute):
    """The value, or that it failed: both ways must agree."""
    try:
        return compute()
    except Exception:
        return "failed"


def spec_rdfc_hash(document: dict, proof_config: dict, loader=default_loader) -> bytes:
    """hashData of eddsa-rdfc-2022 computed the way the specification says, with plain pyld."""
    config = {**proof_config, "@context": document["@context"]}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(pyld_nquads(config, loader).encode()).digest()
        + hashlib.sha256(pyld_nquads(unsecured, loader).encode()).digest()
    )
