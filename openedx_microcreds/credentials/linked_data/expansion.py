"""JSON-LD expansion of documents whose ``@context`` is a list of shipped context URLs.

This is pyld's expansion algorithm (``JsonLdProcessor._expand`` and its helpers, pyld 3.x), step for
step, over compiled term tables instead of pyld's active contexts. It covers what credentials use:
node objects, ``@id``/``@type`` and their aliases, type- and property-scoped contexts, nested
``@context`` lists of shipped URLs (embedded credentials),
``@set``/``@list``/``@graph`` containers, ``@id``/``@vocab``/datatype coercion and ``@vocab``.
Anything else (an inline ``@context``, value objects and other keywords, language maps,
reverse properties, ``@json``, a term or context feature it does not know) raises Unsupported
before any result is returned, and the caller asks plain pyld instead. The property tests in
tests/credentials/test_linked_data.py hold it equal to pyld, output and dropped terms alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pyld import jsonld
from pyld.iri_resolver import resolve

from .contexts import (
    ABSOLUTE_IRI,
    KEYWORD_LIKE,
    KEYWORDS,
    CompiledContext,
    Unsupported,
    root_context,
)

_RELATIVE: Any = object()  # an IRI expansion that reached base resolution
_MISSING: Any = object()


@dataclass(frozen=True)
class Expansion:
    """An expanded document as pyld gives it, with what pyld reports while expanding.

    ``dropped``: each property pyld's ``on_property_dropped`` receives, in order.
    ``base_dependent``: an id or type was a relative IRI, so expanding with the other base
    (None or "") gives another result.
    """

    expanded: list
    dropped: list
    base_dependent: bool


def expand(document: Any, base: str | None = None) -> Expansion:
    """Expand ``document`` as ``pyld.expand`` does with option ``base``: None (no base, as
    strict mode asks) or "" (the document's own base when it has none, as pyld canonicalizes:
    relative IRIs then resolve against pyld's default base)."""
    if base not in (None, ""):
        raise Unsupported("a base IRI")
    if not isinstance(document, dict) or "@context" not in document:
        raise Unsupported("not a JSON-LD object with a @context")
    contexts = document["@context"]
    urls = tuple(contexts) if isinstance(contexts, list) else (contexts,)
    expander = _Expander(base)
    node = expander.node_body(root_context(urls), None, document, inside_list=False)
    return Expansion([] if node is None else [node], expander.dropped, expander.base_dependent)


class _Expander:
    __slots__ = ("dropped", "base_dependent", "base")

    def __init__(self, base: str | None) -> None:
        self.dropped: list = []
        self.base_dependent = False
        self.base = base

    # ------------------------------------------------------------------ elements (pyld _expand)

    def element(self, ctx: CompiledContext, prop: str, element: Any, inside_list: bool) -> Any:
        if element is None:
            return None
        if isinstance(element, list):
            term = ctx.terms.get(prop)
            if term is not None and not term.plain:
                raise Unsupported(f"term {prop!r}")
            inside_list = inside_list or (term is not None and "@list" in term.container)
            out: list = []
            for item in element:
                item = self.element(ctx, prop, item, inside_list)
                if inside_list and isinstance(item, list):
                    item = {"@list": item}
                if item is None:
                    continue
                if isinstance(item, list):
                    out.extend(item)
                else:
                    out.append(item)
            return out
        if isinstance(element, dict):
            return self.node(ctx, prop, element, inside_list)
        return self.value(ctx, prop, element)

    def node(self, ctx: CompiledContext, prop: str, element: dict, inside_list: bool) -> Any:
        if prop in ctx.aliases:
            raise Unsupported("keyword alias as a property")
        term = ctx.terms.get(prop)
        scoped = term if term is not None and term.has_scoped else None
        embedded = element.get("@context", _MISSING)
        # A type-scoped context stays for value objects and node references only.
        if ctx.previous is not None:
            revert = True
            if len(element) <= 2 and embedded is _MISSING:
                for key in sorted(element):
                    expanded = self.key(ctx, key)
                    if expanded == "@value":
                        raise Unsupported("value object")
                    if expanded == "@id" and len(element) == 1:
                        revert = False
                        break
            if revert:
                ctx = ctx.previous
        if scoped is not None:
            ctx = ctx.property_scoped(scoped)
        if embedded is not _MISSING:  # a node's own @context, e.g. an embedded credential's
            ctx = ctx.embedded(tuple(embedded) if isinstance(embedded, list) else (embedded,))
        return self.node_body(ctx, prop, element, inside_list)

    def node_body(
        self, ctx: CompiledContext, prop: str | None, element: dict, inside_list: bool
    ) -> Any:
        keys = sorted(element)  # pyld walks keys in sorted order; so do we (dropped order too)
        # Type-scoped contexts, looked up in the context before any of them applies.
        type_scoped = ctx
        type_key = None
        for key in keys:
            if key not in ctx.type_keys:  # (only those keys expand to @type)
                continue
            type_key = type_key or key
            value = element[key]
            names = value if isinstance(value, list) else [value]
            for name in sorted(t for t in names if isinstance(t, str)):
                term = type_scoped.terms.get(name)
                if term is not None and term.has_scoped and term.scoped is not False:
                    ctx = ctx.type_scoped(term)
        if type_key is not None:
            first = element[type_key]
            if first and isinstance(first, list):
                first = first[0]
            if isinstance(first, str) and self.key(ctx, first) == "@json":
                raise Unsupported("@json node")

        out: dict = {}
        properties = ctx.properties
        for key in keys:
            if key == "@context":
                continue
            value = element[key]
            expanded = properties.get(key)
            if expanded is None:
                expanded = self.key(ctx, key)
                if expanded is None or not (expanded in KEYWORDS or ABSOLUTE_IRI.match(expanded)):
                    self.dropped.append(expanded)
                    continue
            if expanded in KEYWORDS:
                if expanded == "@id":
                    if "@id" in out or not isinstance(value, str):
                        raise Unsupported("@id")
                    out["@id"] = self.iri(ctx, value, vocab=False)
                elif expanded == "@type":
                    if isinstance(value, str):
                        value = [value]
                    elif not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                        raise Unsupported("@type value")
                    types = [self.iri(type_scoped, name, vocab=True) for name in value]
                    if any(name.startswith("_:") for name in types):
                        raise Unsupported("blank node type")  # pyld relabels those first
                    if types:
                        out.setdefault("@type", []).extend(types)
                else:
                    raise Unsupported(f"keyword {expanded}")
                continue
            term = ctx.terms.get(key)
            term_ctx = ctx
            container: frozenset = frozenset()
            if term is not None:
                if not term.plain:
                    raise Unsupported(f"term {key!r}")
                if term.has_scoped:
                    term_ctx = ctx.property_scoped(term)
                    redefined = term_ctx.terms.get(key)
                    if redefined is not None and not redefined.plain:
                        raise Unsupported(f"term {key!r}")
                container = term.container
            item = self.element(term_ctx, key, value, inside_list=False)
            if item is None:
                continue
            if "@list" in container and not (isinstance(item, dict) and "@list" in item):
                item = {"@list": item if isinstance(item, list) else [item]}
            if "@graph" in container:
                item = [{"@graph": [v]} for v in (item if isinstance(item, list) else [item])]
            values = out.setdefault(expanded, [])
            if isinstance(item, list):
                values.extend(item)
            else:
                values.append(item)

        # pyld drops free-floating nodes: an empty one, or one with only an id, at the top.
        if not inside_list and prop is None and (not out or (len(out) == 1 and "@id" in out)):
            return None
        return out

    # ------------------------------------------------------------------ values (pyld _expand_value)

    def value(self, ctx: CompiledContext, prop: str, value: Any) -> Any:
        if prop in ctx.aliases:
            raise Unsupported("value of a keyword alias")
        term = ctx.terms.get(prop)
        coercion = None
        if term is not None:
            if not term.plain:
                raise Unsupported(f"term {prop!r}")
            coercion = term.coercion
        if isinstance(value, str):
            if coercion == "@id":
                return {"@id": self.iri(ctx, value, vocab=False)}
            if coercion == "@vocab":
                return {"@id": self.iri(ctx, value, vocab=True)}
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise Unsupported("NaN or infinity")
        elif not isinstance(value, bool | int):
            raise Unsupported(f"a {type(value).__name__} value")
        if coercion is not None and coercion not in ("@id", "@vocab", "@none"):
            return {"@type": coercion, "@value": value}
        return {"@value": value}

    # ------------------------------------------------------------------ IRIs (pyld _expand_iri)

    def key(self, ctx: CompiledContext, value: str | None) -> str | None:
        """A property or keyword, expanded as pyld does with vocab and no base."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise Unsupported("non-string key")
        if value in KEYWORDS:
            return value
        if KEYWORD_LIKE.match(value):
            return None
        iris = ctx.iris
        if value in iris:
            return iris[value]
        expanded = _compact_or_absolute(ctx, value, vocab=True)
        return value if expanded is _RELATIVE else expanded

    def iri(self, ctx: CompiledContext, value: str, *, vocab: bool) -> str:
        """An id, type or coerced value: pyld resolves these against a base when it has one."""
        if value in KEYWORDS or KEYWORD_LIKE.match(value):
            raise Unsupported("keyword as an IRI")
        if vocab and value in ctx.iris:
            expanded = ctx.iris[value]
            if expanded is None or expanded in KEYWORDS:
                raise Unsupported("null or keyword term as an IRI")
            return expanded
        expanded = _compact_or_absolute(ctx, value, vocab=vocab)
        if expanded is _RELATIVE:
            self.base_dependent = True
            if self.base is None:
                return value
            try:  # pyld's own resolution, against pyld's default base
                return resolve(value, jsonld.DEFAULT_BASE_IRI)
            except ValueError:
                raise Unsupported("an IRI pyld cannot resolve") from None
        return expanded


def _compact_or_absolute(ctx: CompiledContext, value: str, *, vocab: bool) -> Any:
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        term = ctx.terms.get(prefix)
        if term is not None and term.is_prefix:
            return term.iri + suffix
        if ABSOLUTE_IRI.match(value):
            return value
    if vocab and ctx.vocab is not None:
        return ctx.vocab + value
    return _RELATIVE
