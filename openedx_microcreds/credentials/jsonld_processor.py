"""A pyld processor that remembers processed type-scoped contexts between calls.

pyld applies a type-scoped context (OB 3.0 defines one per class: Achievement, Profile, ...) to a
fresh clone of the active context, and the clone never carries the id pyld's own cache is keyed
on, so every credential re-processes every scoped context: most of the time spent signing.
Processing a context is a pure function of (active context, local context, flags), and the
active contexts here are frozen objects pyld keeps in its static cache, so we memoize on their
identity. Canonicalization itself (expansion of the document, toRDF, RDFC-1.0) is untouched.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from pyld import jsonld

_MAX_ENTRIES = 2048


class _ProcessedContexts:
    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, tuple[Any, Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, active_ctx: Any, local_ctx: Any) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            # Compare identities too: an id() can be reused once its object is gone, but we
            # hold references to both objects, so a match on identity is a true match.
            if entry is None or entry[0] is not active_ctx or entry[1] is not local_ctx:
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def put(self, key: tuple, active_ctx: Any, local_ctx: Any, result: Any) -> None:
        with self._lock:
            self._entries[key] = (active_ctx, local_ctx, result)
            if len(self._entries) > _MAX_ENTRIES:
                self._entries.popitem(last=False)


_processed = _ProcessedContexts()

# IRI expansion under a frozen active context: (id(context), value, base, vocab) ->
# (context, result). Expansion calls this a few hundred times per credential with the same
# handful of terms; outside context processing it depends on nothing else.
_iris: dict[tuple, tuple[Any, Any]] = {}
_MAX_IRIS = 20_000


class CachingJsonLdProcessor(jsonld.JsonLdProcessor):
    def _process_context(
        self,
        active_ctx,
        local_ctx,
        options,
        override_protected=False,
        propagate=True,
        validate_scoped=True,
        cycles=None,
    ):
        # Only contexts pyld froze are immutable and shared across calls; plain dicts and the
        # document's own @context list change from call to call, so leave those to pyld.
        cacheable = (
            cycles is None
            and isinstance(active_ctx, jsonld.frozendict)
            and isinstance(local_ctx, jsonld.frozendict | dict)
        )
        if not cacheable:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        key = (
            id(active_ctx),
            id(local_ctx),
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            options.get("processingMode"),
            id(options.get("documentLoader")),
        )
        result = _processed.get(key, active_ctx, local_ctx)
        if result is None:
            result = super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped
            )
            _processed.put(key, active_ctx, local_ctx, result)
        return result

    def _expand_iri(self, active_ctx, value, base=None, vocab=False, local_ctx=None, defined=None):
        if (
            local_ctx is not None
            or defined is not None
            or not isinstance(active_ctx, jsonld.frozendict)
        ):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        if not isinstance(base, str | None):  # base may be True/False: keep it in the key too
            base = ("flag", base)
        key = (id(active_ctx), value, base, vocab)
        hit = _iris.get(key)
        if hit is not None and hit[0] is active_ctx:
            return hit[1]
        result = super()._expand_iri(
            active_ctx, value, base if not isinstance(base, tuple) else base[1], vocab
        )
        if len(_iris) >= _MAX_IRIS:
            _iris.clear()
        _iris[key] = (active_ctx, result)
        return result
