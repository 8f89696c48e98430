"""Canonical N-Quads of an rdfc proof configuration.

The configuration is canonicalized in full, like any document: a shortcut that substituted the
verification method into a precomputed template wrote ``<ex:key-1>`` where RDFC-1.0 writes the
IRI a context's ``ex`` prefix expands it to (issue 7 point 2).
"""

from __future__ import annotations

from .canonical import rdfc
from .loader import DocumentLoader, default_loader


def canonical_proof_config(config: dict, loader: DocumentLoader = default_loader) -> str:
    """RDFC-1.0 N-Quads of ``config``."""
    return rdfc(config, loader)
