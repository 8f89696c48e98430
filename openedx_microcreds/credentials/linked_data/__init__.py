"""JSON-LD expansion and RDFC-1.0 canonicalization: a fast path for credentials, pyld for the rest.

Signing and verifying spend most of their time expanding the document with pyld, twice (strict
mode, then canonicalization). Here a document whose ``@context`` lists only shipped context URLs
is expanded once, over term tables compiled from pyld's own processed contexts, and the same
expansion serves both. Its RDF dataset is built directly and canonicalized with RDFC-1.0 when every
blank node has a unique first-degree hash. Everything else (inline contexts, other loaders,
JSON-LD features credentials do not use, blank nodes only the N-degree algorithm can order) goes
to plain pyld. The fast path's answers equal pyld's: tests/credentials/test_linked_data.py.

The pyld fallback gets a fresh context resolver on every call, so nothing pyld remembers from one
document can change the answer for another.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from ..errors import CredentialError
from ..loader import DocumentLoader
from . import expansion as fast
from .contexts import Unsupported
from .expansion import Expansion
from .rdf import quads
from .rdfc import canonical_nquads as _canonical_quads

__all__ = ["Expansion", "canonical_nquads", "expand"]


def expand(document: Any, loader: DocumentLoader) -> Expansion:
    """Expand ``document`` with no base IRI, as strict mode reads it; pyld's errors propagate."""
    if _serves_shipped_contexts(loader):
        try:
            return fast.expand(document)
        except Unsupported:
            pass
    dropped: list = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    expanded = processor.expand(document, _pyld_options(loader, base=None))
    return Expansion(expanded, dropped, base_dependent=True)


def canonical_nquads(
    document: Any, loader: DocumentLoader, expansion: Expansion | None = None
) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, as ``pyld.normalize`` gives them.

    ``expansion`` is ``expand(document, loader)`` when the caller has it already.
    """
    if _serves_shipped_contexts(loader):
        try:
            # pyld canonicalizes with base "" (strict mode expands with none): the same
            # expansion unless a relative IRI made the base matter.
            if expansion is None or expansion.base_dependent:
                expansion = fast.expand(document, base="")
            return _canonical_quads(quads(expansion.expanded))
        except Unsupported:
            pass
    try:
        return jsonld.normalize(
            document,
            _pyld_options(loader, algorithm="URDNA2015", format="application/n-quads"),
        )
    except Exception as exc:  # pyld fails on some input with other errors than JsonLdError
        raise CredentialError(f"JSON-LD processing failed: {_root_cause(exc)}") from exc


def _serves_shipped_contexts(loader: DocumentLoader) -> bool:
    return getattr(loader, "serves_shipped_contexts", False) is True


def _pyld_options(loader: DocumentLoader, **options: Any) -> dict:
    return {"documentLoader": loader, "contextResolver": ContextResolver({}, loader), **options}


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    details = getattr(exc, "details", None)
    return f"{exc}" + (f" ({details})" if details else "")
