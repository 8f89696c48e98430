"""The RDF dataset of an expanded document, as pyld's toRDF builds it, in N-Quads terms.

pyld first flattens the expanded document into a node map, merging nodes that share an id and
keeping one of each repeated value the way its ``compare_values`` counts them (lists excepted),
then writes every node's triples, skipping relative IRIs. The triples that gives are the triples
of the expanded tree itself, each (graph, subject, predicate, value) kept once under that same
notion of "repeated", every list kept, which is what we write here directly for what the fast
expansion produces (node objects, value objects, lists, graph containers).

Each quad is a tuple of N-Quads terms: ``<iri>``, a blank node label ``_:b0``, or a literal
``"..."^^<datatype>``, and the graph (None for the default). A blank node label is the only
kind of term that starts with ``_:``.
"""

from __future__ import annotations

import re
from typing import Any

from .contexts import ABSOLUTE_IRI, Unsupported

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER, XSD_STRING = (
    f"{XSD}boolean",
    f"{XSD}double",
    f"{XSD}integer",
    f"{XSD}string",
)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE, _FIRST, _REST, _NIL = f"<{RDF}type>", f"<{RDF}first>", f"<{RDF}rest>", f"<{RDF}nil>"
_DOUBLE_EXPONENT = re.compile(r"(\d)0*E\+?(-)?0*(\d)")

Quad = tuple[str, str, str, str | None]


def quads(expanded: list) -> list[Quad]:
    """The dataset pyld's ``to_rdf`` gives for ``expanded``, as N-Quads terms."""
    writer = _Writer()
    for node in expanded:
        writer.node(node, None)
    return writer.out


class _Writer:
    def __init__(self) -> None:
        self.out: list[Quad] = []
        self.seen: set[tuple] = set()  # (graph, subject, predicate, value key) written
        self.blank_labels: dict[str, str] = {}
        self.counter = 0

    def blank(self, label: str | None = None) -> str:
        if label is not None and label in self.blank_labels:
            return self.blank_labels[label]
        fresh = f"_:b{self.counter}"
        self.counter += 1
        if label is not None:
            self.blank_labels[label] = fresh
        return fresh

    def node(self, node: dict, graph: str | None) -> str:
        """Write a node object's triples; return its subject term (possibly a relative IRI)."""
        node_id = node.get("@id")
        if node_id is None or node_id.startswith("_:"):
            subject = self.blank(node_id)
        else:
            subject = f"<{node_id}>"
        # pyld writes no triple about a node whose id is a relative IRI
        usable = node_id is None or bool(ABSOLUTE_IRI.match(node_id))
        for key, values in node.items():
            if key == "@id":
                continue
            if key == "@graph":  # a graph container's graph: named by this blank node
                for inner in values:
                    if "@list" in inner:
                        raise Unsupported("a list directly in a graph")
                    if "@value" not in inner:  # (pyld drops a value with no subject)
                        self.node(inner, subject)
                continue
            if key == "@type":
                for name in values:
                    term = _resource(name)
                    if usable and term is not None:
                        self.add(graph, subject, _TYPE, term, ("@type", name))
                continue
            predicate = None
            if not key.startswith("_:") and ABSOLUTE_IRI.match(key):
                predicate = f"<{key}>"  # (pyld writes no blank-node or relative predicates)
            for value in values:
                term, identity = self.value(value, graph)
                if usable and predicate is not None and term is not None:
                    self.add(graph, subject, predicate, term, identity)
        return subject

    def value(self, value: dict, graph: str | None) -> tuple[str | None, Any]:
        """A property value's term, and what makes it "the same value" to pyld (None: never)."""
        if "@value" in value:
            raw, datatype = value["@value"], value.get("@type")
            return _literal(raw, datatype), (isinstance(raw, bool), raw, datatype)
        if "@list" in value:
            return self.list(value["@list"], graph), None
        if "@graph" in value or len(value) > 1 or "@id" not in value:
            subject = self.node(value, graph)  # an embedded node: written where it is
            return _resource(subject[1:-1]) if subject[0] == "<" else subject, ("@id", subject)
        node_id = value["@id"]  # a reference only
        term = self.blank(node_id) if node_id.startswith("_:") else _resource(node_id)
        return term, ("@id", term if node_id.startswith("_:") else f"<{node_id}>")

    def add(self, graph, subject, predicate, term, identity) -> None:
        if identity is not None:
            key = (graph, subject, predicate, identity)
            if key in self.seen:
                return
            self.seen.add(key)
        self.out.append((subject, predicate, term, graph))

    def list(self, items: list, graph: str | None) -> str:
        if not items:
            return _NIL
        head = subject = self.blank()
        for index, item in enumerate(items):
            term, _ = self.value(item, graph)
            if term is None:
                raise Unsupported("a list item that is a relative IRI")  # pyld fails on it
            following = _NIL if index == len(items) - 1 else self.blank()
            self.out.append((subject, _FIRST, term, graph))
            self.out.append((subject, _REST, following, graph))
            subject = following
        return head


def _resource(iri: str) -> str | None:
    if iri.startswith("_:"):
        return iri
    return f"<{iri}>" if ABSOLUTE_IRI.match(iri) else None  # pyld skips relative IRIs


def _literal(value: Any, datatype: str | None) -> str:
    # pyld's _object_to_rdf, branch for branch.
    if isinstance(value, bool):
        text, datatype = ("true" if value else "false"), datatype or XSD_BOOLEAN
    elif isinstance(value, float) and not value.is_integer():
        text, datatype = _double(value), datatype or XSD_DOUBLE
    elif datatype == XSD_DOUBLE:
        try:
            text = _double(float(value))
        except (TypeError, ValueError):
            text = value
    elif isinstance(value, int | float) and abs(value) >= 1e21:
        text, datatype = _double(value), datatype or XSD_DOUBLE
    elif isinstance(value, int | float):
        text, datatype = str(int(value)), datatype or XSD_INTEGER
    else:
        text, datatype = value, datatype or XSD_STRING
    quoted = '"' + _escape(text) + '"'
    return quoted if datatype == XSD_STRING else f"{quoted}^^<{datatype}>"


def _double(value: float) -> str:
    return _DOUBLE_EXPONENT.sub(r"\1E\2\3", f"{value:1.15E}")


def _escape(text: str) -> str:
    # pyld's N-Quads escaping (it leaves other control characters raw; strict mode refuses them).
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


def serialize(quad: Quad) -> str:
    subject, predicate, term, graph = quad
    if graph is None:
        return f"{subject} {predicate} {term} .\n"
    return f"{subject} {predicate} {term} {graph} .\n"
