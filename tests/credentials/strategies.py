"""Hypothesis strategies for Open Badges 3.0 documents: the sample credential with random changes.

Known terms of each level's class (read from the shipped OB 3.0 and VC 2.0 contexts), unknown
terms, known and unknown types, relative and absolute ids, good and malformed dateTimes, extra
@context entries, nested objects, unicode, numbers, booleans, nulls and lists, at random depths;
and single-value changes of every term the shipped contexts type as ``@id`` or ``@vocab``
(whose meaning depends on the context: issue 7 point 1), including inside an endorsement's proof.
Shared by the property tests here and the cross-language ones in tests/interop.
"""

from __future__ import annotations

import json
import string
from datetime import datetime

from hypothesis import strategies as st

from openedx_microcreds.credentials.loader import OB_V3, VC_V2, shipped_contexts

from .sample import endorsed_credential, sample_credential, sample_key

KEY = sample_key()

# ----------------------------------------------------------------- terms from the contexts

OB = shipped_contexts()[OB_V3]["@context"]
VC = shipped_contexts()[VC_V2]["@context"]
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _terms(context: dict) -> dict[str, object]:
    """Term -> definition, without keywords, ``id``/``type`` and class names."""
    return {
        term: definition
        for term, definition in context.items()
        if not term.startswith("@") and term not in ("id", "type") and not term[:1].isupper()
    }


# Terms every node sees: the top-level (non type-scoped) terms of both contexts.
GLOBAL_TERMS = {**_terms(VC), **_terms(OB)}
# Class -> the terms its type-scoped context adds.
CLASS_TERMS = {
    name: _terms(definition["@context"])
    for context in (VC, OB)
    for name, definition in context.items()
    if name[:1].isupper() and isinstance(definition, dict) and "@context" in definition
}
KNOWN_TYPES = sorted(
    {name for context in (VC, OB) for name in context if name[:1].isupper()}
    - {"VerifiableCredential"}  # a second VerifiableCredential node would be a different test
)
# Credential-level terms whose value a verifier dereferences (a status list) or that sign()
# replaces (proof): what happens to them is not a property of the document alone.
NOT_GENERATED = {"proof", "credentialStatus"}

# Where the sample credential's nodes are, and the class whose terms apply there.
LEVELS: dict[tuple, str | None] = {
    (): "VerifiableCredential",
    ("issuer",): "Profile",
    ("credentialSubject",): "AchievementSubject",
    ("credentialSubject", "identifier", 0): "IdentityObject",
    ("credentialSubject", "achievement"): "Achievement",
    ("credentialSubject", "achievement", "criteria"): None,
    ("credentialSubject", "achievement", "alignment", 0): "Alignment",
    ("credentialSubject", "achievement", "resultDescription", 0): "ResultDescription",
    ("credentialSubject", "result", 0): "Result",
    ("evidence", 0): "Evidence",
    # present when the document starts from endorsed_credential()
    ("credentialSubject", "achievement", "endorsement", 0): "VerifiableCredential",
    ("credentialSubject", "achievement", "endorsement", 0, "credentialSubject"): (
        "EndorsementSubject"
    ),
    ("credentialSubject", "achievement", "endorsement", 0, "proof"): "DataIntegrityProof",
}


def level_terms(cls: str | None) -> dict[str, object]:
    terms = {**GLOBAL_TERMS, **CLASS_TERMS.get(cls or "", {})}
    return {term: d for term, d in terms.items() if term not in NOT_GENERATED}


def coercion(definition: object) -> str | None:
    return definition.get("@type") if isinstance(definition, dict) else None


def typed_terms(cls: str | None) -> list[str]:
    """The terms at a level whose value is an IRI: typed ``@id`` or ``@vocab``."""
    terms = {**GLOBAL_TERMS, **CLASS_TERMS.get(cls or "", {})}
    return sorted(
        term
        for term, d in terms.items()
        if coercion(d) in ("@id", "@vocab") and term not in NOT_GENERATED
    )


# ----------------------------------------------------------------- values

UNKNOWN_TERMS = [
    "colour",
    "level2",
    "x",
    "Name",
    "ünïcødé",
    "has space",
    "@foo",
    "",
    "_:property",
    "ex:prop",
    "https://example.org/vocab#absoluteProperty",
]
ABSOLUTE_IRIS = [
    "https://example.org/thing",
    "https://example.org/a/b?c=d#e",
    "urn:uuid:0b5e4c2a-1f0d-4e8b-9c2d-3a4b5c6d7e8f",
    "did:example:123",
    KEY.did_key,
    "mailto:ada@example.edu",
    "ex:thing",
    "https://例え.jp/パス",
]
RELATIVE_IRIS = ["relative/path", "#fragment", "../up", "page?q=1", "//example.org/x", "x", ""]
ODD_IRIS = [
    "http://",
    "urn:a b",
    "https://exa mple.org/",
    "did:example:1#key 1",
    "_:b0",
    "a:",
    "https://example.org/{id}",
    "https://example.org/a|b",
]
GOOD_DATETIMES = [
    "2026-01-15T12:00:00Z",
    "2026-01-15T12:00:00.5Z",
    "2026-01-15T12:00:00+02:00",
    "1999-12-31T23:59:59-05:00",
    "2026-01-15T12:00:00.123456789Z",
]
BAD_DATETIMES = [
    "2026-01-15",
    "2026-01-15T12:00:00",
    "2026-01-15 12:00:00Z",
    "2026-01-15t12:00:00z",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-01-15T24:00:00Z",
    "2026-01-15T12:00Z",
    "15/01/2026",
    "yesterday",
    "",
]
SPECIAL_TEXTS = [
    "",
    " ",
    "\u0000",
    "\x7f",
    "\u2028",
    "é",
    "e\u0301",
    "🎓",
    "עברית",
    '"q"\\',
    "\t\n",
]
TYPE_NAMES = st.one_of(
    st.sampled_from(KNOWN_TYPES),
    st.sampled_from(["FooBadge", "achievement", "Unknown Type", "ceasn:Competency"]),
    st.sampled_from(ABSOLUTE_IRIS[:3]),
)

texts = st.one_of(st.text(max_size=16), st.sampled_from(SPECIAL_TEXTS))
iris = st.one_of(
    st.sampled_from(ABSOLUTE_IRIS),
    st.builds(
        "https://example.org/{}".format,
        st.text(alphabet=string.ascii_letters + string.digits + "-._~/%", max_size=10),
    ),
    st.sampled_from(RELATIVE_IRIS),
    st.sampled_from(ODD_IRIS),
)


def _format(moment: datetime, fraction: str, zone: str) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone


datetimes = st.one_of(
    st.builds(
        _format,
        st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
        st.sampled_from(["", ".5", ".123"]),
        st.sampled_from(["Z", "+00:00", "-05:00", "+14:00"]),
    ),
    st.sampled_from(GOOD_DATETIMES),
    st.sampled_from(BAD_DATETIMES),
)
numbers = st.one_of(
    st.integers(-1000, 1000),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1.0, 0.5, 1e-7, 2**-24, 1e21, 10**21, 2**53 + 1]),
)
scalars = st.one_of(
    texts, iris, datetimes, numbers, st.booleans(), st.none(), st.sampled_from(["true", "42"])
)
# Arbitrary JSON for @json literals.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, texts),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def term_names(draw, terms: dict[str, object]) -> str:
    if terms and draw(st.integers(0, 3)):
        return draw(st.sampled_from(sorted(terms)))
    return draw(st.sampled_from(UNKNOWN_TERMS))


@st.composite
def nodes(draw, depth: int, outer: dict | None = None) -> dict:
    """A nested object: maybe a type (known, unknown or an IRI), an id, and a few terms; some
    of them, at times, terms of the enclosing node's class (type-scoped contexts do not reach
    nested nodes, so those are undefined there), often with just an id beside them."""
    node: dict = {}
    cls = None
    if draw(st.booleans()):
        type_name = draw(TYPE_NAMES)
        cls = type_name
        node["type"] = draw(st.sampled_from([type_name, [type_name]]))
    if draw(st.integers(0, 3)) == 0:
        node["id"] = draw(iris)
    terms = level_terms(cls)
    if outer and draw(st.integers(0, 2)) == 0:
        terms = {**terms, **outer}
    for _ in range(draw(st.integers(0, 3))):
        term = draw(term_names(terms))
        node[term] = draw(values_for(terms.get(term), depth + 1, terms))
    return node


@st.composite
def values_for(draw, definition: object, depth: int = 1, outer: dict | None = None):
    """A value for a term: usually one that suits its coercion, sometimes anything. ``outer``:
    the terms of the node the value sits in."""
    kind = coercion(definition)
    if kind == "@json":
        return draw(json_values)
    if draw(st.integers(0, 3)):
        if kind in (XSD_DATETIME, "xsd:dateTime"):
            return draw(datetimes)
        if kind == "@id":
            return draw(iris | nodes(depth, outer)) if depth < 3 else draw(iris)
    options = [scalars, scalars, scalars]
    if depth < 3:
        options.append(nodes(depth, outer))
        options.append(st.lists(scalars | nodes(depth, outer), min_size=1, max_size=3))
    return draw(st.one_of(options))


EXTRA_CONTEXTS = [
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://www.w3.org/ns/credentials/undefined-terms/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://w3id.org/security/data-integrity/v2",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://example.org/not-shipped/context.json",
    {"colour": "https://example.org/vocab#colour"},
    {"name": "https://example.org/vocab#name"},  # redefines a protected term
    {"@vocab": "https://example.org/vocab#"},
]

# Values for terms typed @id or @vocab: what they mean depends on the terms, prefixes and
# vocabulary in scope where they appear.
typed_values = st.one_of(
    st.sampled_from(
        [
            "assertionMethod",
            "authentication",
            "capabilityInvocation",
            "keyAgreement",
            "Achievement",
            "Profile",
            "name",
            "id",
            "type",
            "madeUpPurpose",
            "foo",
            "Foo Bar",
            "",
            "ex:foo",
            "xsd:string",
            "cred:issuer",
            "sec:proof",
            "_:b1",
            "#frag",
        ]
    ),
    st.sampled_from(ABSOLUTE_IRIS),
    st.text(alphabet=string.ascii_letters + ":#/_", max_size=8),
)

# Mutation kinds, repeated to weight them.
MUTATIONS = ["known"] * 6 + [
    "unknown",
    "type",
    "type",
    "id",
    "replace",
    "replace",
    "delete",
    "typed",
    "typed",
    "stray",
]


def _node_at(document: dict, path: tuple):
    node = document
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node if isinstance(node, dict) else None


@st.composite
def documents(draw) -> dict:
    if draw(st.integers(0, 5)) == 0:
        document = endorsed_credential(draw(typed_values))
    else:
        document = sample_credential()
    if draw(st.integers(0, 7)) == 0:
        document["@context"] = [*document["@context"], draw(st.sampled_from(EXTRA_CONTEXTS))]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(LEVELS)))
        node = _node_at(document, path)
        if node is None:  # an earlier mutation replaced or removed it
            continue
        terms = level_terms(LEVELS[path])
        kind = draw(st.sampled_from(MUTATIONS))
        if kind == "known":
            term = draw(st.sampled_from(sorted(terms)))
            node[term] = draw(values_for(terms[term], 1, terms))
        elif kind == "unknown":
            node[draw(st.sampled_from(UNKNOWN_TERMS))] = draw(values_for(None))
        elif kind == "type":
            types = node.get("type", [])
            types = types if isinstance(types, list) else [types]
            # Sometimes a term of the node's class as a type: its meaning changes once the
            # class's type-scoped context applies, and types expand before it does.
            extra = TYPE_NAMES | st.sampled_from(sorted(terms)) if terms else TYPE_NAMES
            node["type"] = [*types, draw(extra)]
        elif kind == "id":
            node["id"] = draw(iris)
        elif kind == "replace" and node:
            term = draw(st.sampled_from(sorted(k for k in node if k != "@context") or ["id"]))
            node[term] = draw(values_for(terms.get(term), 1, terms))
        elif kind == "delete" and node:
            del node[draw(st.sampled_from(sorted(node)))]
        elif kind == "stray" and CLASS_TERMS.get(LEVELS[path] or ""):
            # A nested node using a term of the enclosing class: defined there, not in the
            # nested node (type-scoped contexts do not propagate), unless it is only an id.
            own = CLASS_TERMS[LEVELS[path]]
            stray = draw(st.sampled_from(sorted(own)))
            nested = {stray: draw(values_for(own[stray], 2))}
            if draw(st.booleans()):
                nested["id"] = draw(iris)
            node[draw(st.sampled_from(sorted(terms)))] = nested
        elif kind == "typed":
            node[draw(st.sampled_from(typed_terms(LEVELS[path])))] = draw(
                typed_values | st.lists(typed_values, min_size=1, max_size=2)
            )
    return document


@st.composite
def single_value_changes(draw) -> tuple[dict, dict]:
    """A document and the same document with one value changed: a typed term's value, most often.

    This is the pair that exposed the shape cache: same keys, same types, same value classes.
    Half of the time the document is one strict mode signs as it is (the sample credential, or
    it with an endorsement), so that the change is the only thing that can make a difference.
    """
    if draw(st.booleans()):
        document = draw(documents())
    elif draw(st.booleans()):
        document = endorsed_credential("assertionMethod")
    else:
        document = sample_credential()
    changed = json.loads(json.dumps(document))
    leaves = [path for path in _leaf_paths(changed) if path and path[-1] != "@context"]
    typed = [path for path in leaves if _is_typed_leaf(path)]
    path = draw(st.sampled_from(typed if typed and draw(st.booleans()) else leaves))
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = draw(typed_values | scalars)
    return document, changed


def _leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaf_paths(value, (*path, index))
    else:
        yield path


def _is_typed_leaf(path: tuple) -> bool:
    keys = [step for step in path if isinstance(step, str)]
    return bool(keys) and any(keys[-1] in typed_terms(cls) for cls in {None, *CLASS_TERMS})


# ----------------------------------------------------------------- every typed term, everywhere

TYPED_VALUES = ["assertionMethod", "madeUpPurpose", "ex:thing", "https://example.org/x", "_:b0"]


def typed_term_sites() -> list[tuple[str, tuple, str]]:
    """(context URL, scope, term) for every term any shipped context types as ``@id`` or
    ``@vocab``, at any depth of type-scoped (a class) or property-scoped contexts."""
    sites = []
    for url, document in sorted(shipped_contexts().items()):
        sites.extend(_typed_sites(url, document.get("@context"), ()))
    return sites


def _typed_sites(url: str, context, scope: tuple):
    if isinstance(context, list):
        for entry in context:
            yield from _typed_sites(url, entry, scope)
        return
    if not isinstance(context, dict):
        return
    for term, definition in context.items():
        if not isinstance(definition, dict):
            continue
        if definition.get("@type") in ("@id", "@vocab"):
            yield url, scope, term
        if isinstance(definition.get("@context"), dict | list):
            kind = "type" if term[:1].isupper() else "property"
            yield from _typed_sites(url, definition["@context"], (*scope, (kind, term)))


def document_at_site(url: str, scope: tuple, term: str, value) -> dict:
    """A document under ``url`` (after the VC 2.0 context unless it is a 1.x-only context) with
    ``term`` set to ``value`` where its definition applies."""
    contexts = [url] if url in (VC_V2, "https://www.w3.org/2018/credentials/v1") else [VC_V2, url]
    if url.endswith("/credentials/v1"):
        contexts = [url]
    document: dict = {"@context": contexts, "id": "urn:uuid:00000000-0000-4000-8000-000000000001"}
    node = document
    for kind, name in scope:
        if kind == "type":
            node["type"] = name
        else:
            node[name] = {}
            node = node[name]
    node[term] = value
    return document
