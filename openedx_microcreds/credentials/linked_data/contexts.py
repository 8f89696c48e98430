"""JSON-LD active contexts compiled into term tables, for the shipped contexts only.

pyld processes every context here: the document's list of shipped context URLs, and each
type-scoped or property-scoped context a term carries. We only read the result into plain lookup
tables (term -> IRI, coercion, container) that the fast expansion walks.

Why remembering them is sound: a compiled context is a pure function of what produced it.
- A root is keyed by the tuple of context URLs; those URLs are served from files shipped with the
  package, which never change while the process runs.
- A child is keyed by its parent (a compiled context, immutable once built) and what is applied
  to it: a term's scoped context (the term is owned by a compiled context and holds its own
  private copy of that context) as type-scoped or property-scoped, or a node's own list of
  shipped context URLs.
- pyld gets a fresh context resolver for every one of these computations, so none of pyld's own
  caches carries anything from one computation to another.
So a table hit returns exactly what computing afresh would return; the table only saves time.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from ..loader import make_loader, shipped_contexts

KEYWORDS = frozenset(jsonld.KEYWORDS)
# pyld's own patterns, character for character: the fast path must agree with it on every string.
KEYWORD_LIKE = re.compile(jsonld.KEYWORD_PATTERN)
ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")  # noqa: RUF001 - pyld's range

# Containers the fast path expands itself; anything else goes to pyld.
_PLAIN_CONTAINERS = frozenset({"@set", "@list", "@graph"})
# A process-wide bound on remembered contexts (about 64 KB each; a credential with an
# endorsement needs 17); beyond it new ones are computed each time they are needed, not kept.
_MAX_CONTEXTS = 1000

_loader = make_loader()


class Unsupported(Exception):  # noqa: N818 - a signal, not an error the caller sees
    """The fast path does not handle this document; plain pyld does."""


class Term:
    """One term definition of a compiled context."""

    __slots__ = ("iri", "coercion", "container", "scoped", "has_scoped", "is_prefix", "plain")

    def __init__(self, mapping: dict | None):
        if mapping is None:  # a term explicitly mapped to null
            self.iri, self.coercion, self.container = None, None, frozenset()
            self.scoped, self.has_scoped, self.is_prefix, self.plain = None, False, False, True
            return
        self.iri: str | None = mapping.get("@id")
        self.coercion: str | None = mapping.get("@type")
        self.container: frozenset = frozenset(mapping.get("@container") or ())
        self.has_scoped: bool = "@context" in mapping
        # Our own copy: nothing outside this object can change the context we apply.
        self.scoped: Any = copy.deepcopy(mapping["@context"]) if self.has_scoped else None
        self.is_prefix: bool = bool(mapping.get("_prefix"))
        # Features the fast expansion leaves to pyld when a document uses this term.
        self.plain: bool = (
            not mapping.get("reverse")
            and not {"@language", "@direction", "@index", "@nest"} & mapping.keys()
            and self.container <= _PLAIN_CONTAINERS
            and self.coercion != "@json"
            and not (self.coercion or "").startswith("_:")
        )


class CompiledContext:
    """An active context as lookup tables, with its children remembered (see the module doc)."""

    __slots__ = (
        "pyld",
        "terms",
        "iris",
        "properties",
        "aliases",
        "type_keys",
        "vocab",
        "previous",
        "_children",
    )

    def __init__(self, processed: Any, previous: CompiledContext | None):
        self.pyld = processed
        mappings = processed["mappings"]
        self.terms: dict[str, Term] = {name: Term(m) for name, m in mappings.items()}
        self.iris: dict[str, str | None] = {name: t.iri for name, t in self.terms.items()}
        # Precomputed answers of the expansion's first question about a key: a term naming a
        # property (an absolute IRI), or a keyword alias such as id -> @id.
        self.properties: dict[str, str] = {
            name: iri
            for name, iri in self.iris.items()
            if iri is not None
            and not name.startswith("@")
            and iri not in KEYWORDS
            and ABSOLUTE_IRI.match(iri)
        }
        self.aliases: dict[str, str] = {
            name: iri
            for name, iri in self.iris.items()
            if iri in KEYWORDS and not name.startswith("@")
        }
        self.type_keys = frozenset({"@type", *(k for k, v in self.aliases.items() if v == "@type")})
        self.vocab: str | None = processed.get("@vocab")
        self.previous = previous
        self._children: dict[tuple, CompiledContext | None] = {}

    def type_scoped(self, term: Term) -> CompiledContext:
        """This context with ``term``'s type-scoped context applied (not propagated)."""
        return self._child((term, "type"), term.scoped, override_protected=False, propagate=False)

    def property_scoped(self, term: Term) -> CompiledContext:
        """This context with ``term``'s property-scoped context applied."""
        return self._child((term, "property"), term.scoped, override_protected=True, propagate=True)

    def embedded(self, urls: tuple[str, ...]) -> CompiledContext:
        """This context with a node's own ``@context`` of shipped URLs applied."""
        _require_shipped(urls)
        return self._child(("@context", urls), list(urls), override_protected=False, propagate=True)

    def _child(
        self, key: tuple, local: Any, *, override_protected: bool, propagate: bool
    ) -> CompiledContext:
        child = self._children.get(key, _MISSING)
        if child is _MISSING:
            child = _derive(self, local, override_protected=override_protected, propagate=propagate)
            with _lock:
                if _count[0] < _MAX_CONTEXTS:
                    _count[0] += 1
                    self._children[key] = child
        if child is None:
            raise Unsupported("pyld rejects this context, or only pyld implements it")
        return child


_MISSING: Any = object()
_roots: dict[tuple[str, ...], CompiledContext | None] = {}
_lock = threading.Lock()
_count = [0]


def _require_shipped(urls: tuple) -> None:
    if not urls or not all(isinstance(url, str) and url in shipped_contexts() for url in urls):
        raise Unsupported("@context is not a list of shipped context URLs")


def root_context(urls: tuple[str, ...]) -> CompiledContext:
    """The active context after the shipped contexts ``urls``; Unsupported for anything else."""
    _require_shipped(urls)
    compiled = _roots.get(urls, _MISSING)
    if compiled is _MISSING:
        processed = _process(_initial(), list(urls), override_protected=False, propagate=True)
        compiled = _compiled(processed, None)
        with _lock:
            if _count[0] < _MAX_CONTEXTS:
                _count[0] += 1
                _roots[urls] = compiled
    if compiled is None:
        raise Unsupported("pyld rejects these contexts, or they use what only pyld implements")
    return compiled


def _compiled(processed: Any, previous: CompiledContext | None) -> CompiledContext | None:
    """None for what the fast path does not implement: a base IRI, a default language or
    direction, or a vocabulary mapping that is not an absolute IRI."""
    if processed is None or {"@base", "@language", "@direction"} & processed.keys():
        return None
    vocab = processed.get("@vocab")
    if vocab is not None and not ABSOLUTE_IRI.match(vocab):
        return None
    return CompiledContext(processed, previous)


def _derive(
    parent: CompiledContext, local: Any, *, override_protected: bool, propagate: bool
) -> CompiledContext | None:
    processed = _process(
        parent.pyld,
        copy.deepcopy(local),
        override_protected=override_protected,
        propagate=propagate,
    )
    if processed is None:
        return None
    previous = processed.get("previousContext")
    if previous is None:
        return _compiled(processed, None)
    for candidate in (parent, parent.previous):
        if candidate is not None and candidate.pyld is previous:
            return _compiled(processed, candidate)
    return None  # a previous context we did not compile: leave the document to pyld


def _process(active: Any, local: Any, *, override_protected: bool, propagate: bool) -> Any:
    options = {
        "documentLoader": _loader,
        "contextResolver": ContextResolver({}, _loader),
        "base": None,
        "processingMode": "json-ld-1.1",
    }
    try:
        return jsonld.JsonLdProcessor()._process_context(
            active, local, options, override_protected=override_protected, propagate=propagate
        )
    except Exception:  # pyld's verdict on a bad context is pyld's to report, on the fallback
        return None


def _initial() -> Any:
    return jsonld.JsonLdProcessor()._get_initial_context({"processingMode": "json-ld-1.1"})
