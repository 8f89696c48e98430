"""The RDF dataset of an expanded document, as pyld's toRDF builds it, in N-Quads terms.

pyld first flattens the expanded document into a node map (merging nodes that share an id and
dropping repeated values the way its ``compare_values`` does), then writes each node's triples,
skipping relative IRIs. We do the same for what the fast expansion produces (node objects, value
objects, lists, graph containers). Each quad is a tuple of N-Quads terms: ``<iri>``, a blank
node label ``_:b0``, or a literal ``"..."^^<datatype>``, and the graph (None for the default).
A blank node label is the only kind of term that starts with ``_:``.
"""

from __future__ import annotations

import re
from typing import Any

from .contexts import ABSOLUTE_IRI, KEYWORDS, Unsupported

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


class _Node:
    __slots__ = ("id", "properties", "seen")

    def __init__(self, node_id: str):
        self.id = node_id
        self.properties: dict[str, list] = {}
        self.seen: dict[str, set] = {}

    def add(self, prop: str, value: Any, key: Any) -> None:
        """Add a value unless an equal one is there (``key`` None: always add, as for lists)."""
        values = self.properties.setdefault(prop, [])
        if key is not None:
            seen = self.seen.setdefault(prop, set())
            if key in seen:
                return
            seen.add(key)
        values.append(value)


class _NodeMap:
    def __init__(self) -> None:
        self.graphs: dict[str, dict[str, _Node]] = {"@default": {}}
        self.blank_labels: dict[str, str] = {}
        self.counter = 0

    def blank(self, label: str | None) -> str:
        if label is not None and label in self.blank_labels:
            return self.blank_labels[label]
        fresh = f"_:b{self.counter}"
        self.counter += 1
        if label is not None:
            self.blank_labels[label] = fresh
        return fresh

    def visit(self, element: Any, graph: str, subject: _Node | None, prop: str | None, items):
        if isinstance(element, list):
            for item in element:
                self.visit(item, graph, subject, prop, items)
            return
        if "@value" in element:
            if items is not None:
                items.append(element)
            elif subject is not None:
                subject.add(prop, element, _value_key(element))
            return
        if "@list" in element:
            cells: list = []
            self.visit(element["@list"], graph, subject, prop, cells)
            if items is not None:
                items.append({"@list": cells})
            elif subject is not None:
                subject.add(prop, {"@list": cells}, None)
            return
        node_id = element.get("@id")
        if node_id is None or node_id.startswith("_:"):
            node_id = self.blank(node_id)
        nodes = self.graphs.setdefault(graph, {})
        node = nodes.get(node_id)
        if node is None:
            node = nodes[node_id] = _Node(node_id)
        if prop:
            reference = {"@id": node_id}
            if items is not None:
                items.append(reference)
            elif subject is not None:
                subject.add(prop, reference, ("@id", node_id))
        # pyld walks keys sorted; the order only changes which fresh blank node label a node
        # gets, never the canonical form, so the expansion's own order does.
        for key, objects in element.items():
            if key == "@id":
                continue
            if key == "@graph":
                self.graphs.setdefault(node_id, {})
                self.visit(objects, node_id, None, None, None)
                continue
            if key == "@type":
                node.properties.setdefault("@type", [])
                for name in objects:
                    node.add("@type", name, ("@type", name))
                continue
            node.properties.setdefault(key, [])
            for value in objects:
                self.visit(value, graph, node, key, None)


def _value_key(value: dict) -> tuple:
    # pyld's compare_values: same @type, @language and @index, and equal @value where a boolean
    # only equals a boolean (1 == 1.0 counts as equal, 1 == True does not).
    raw = value["@value"]
    return (isinstance(raw, bool), raw, value.get("@type"), value.get("@language"))


def quads(expanded: list) -> list[Quad]:
    """The dataset pyld's ``to_rdf`` gives for ``expanded``, as N-Quads terms."""
    node_map = _NodeMap()
    node_map.visit(expanded, "@default", None, None, None)
    out: list[Quad] = []
    for graph_name, nodes in node_map.graphs.items():
        if graph_name == "@default":
            graph = None
        elif ABSOLUTE_IRI.match(graph_name):
            graph = graph_name if graph_name.startswith("_:") else f"<{graph_name}>"
        else:
            continue  # pyld skips graphs named by a relative IRI
        for node_id, node in nodes.items():
            if not ABSOLUTE_IRI.match(node_id):
                continue
            subject = node_id if node_id.startswith("_:") else f"<{node_id}>"
            for prop, items in node.properties.items():
                if prop == "@type":
                    predicate = _TYPE
                elif prop in KEYWORDS or prop.startswith("_:") or not ABSOLUTE_IRI.match(prop):
                    continue  # pyld writes no blank-node or relative predicates
                else:
                    predicate = f"<{prop}>"
                for item in items:
                    term = _object(item, node_map, out, graph)
                    if term is not None:
                        out.append((subject, predicate, term, graph))
    return out


def _object(item: Any, node_map: _NodeMap, out: list[Quad], graph: str | None) -> str | None:
    if isinstance(item, str):  # a type
        return _resource(item)
    if "@value" in item:
        return _literal(item["@value"], item.get("@type"))
    if "@list" in item:
        return _list(item["@list"], node_map, out, graph)
    return _resource(item["@id"])


def _resource(iri: str) -> str | None:
    if iri.startswith("_:"):
        return iri
    return f"<{iri}>" if ABSOLUTE_IRI.match(iri) else None  # pyld skips relative IRIs


def _list(items: list, node_map: _NodeMap, out: list[Quad], graph: str | None) -> str:
    if not items:
        return _NIL
    head = subject = node_map.blank(None)
    for index, item in enumerate(items):
        term = _object(item, node_map, out, graph)
        if term is None:
            raise Unsupported("a list item that is a relative IRI")  # pyld fails on it
        following = _NIL if index == len(items) - 1 else node_map.blank(None)
        out.append((subject, _FIRST, term, graph))
        out.append((subject, _REST, following, graph))
        subject = following
    return head


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
