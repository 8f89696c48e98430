"""RDFC-1.0 canonical N-Quads of a dataset whose blank nodes each have a unique first-degree hash.

That is the common case (every blank node of a credential differs from the others in its own
quads), where RDFC-1.0 issues the canonical labels ``_:c14n0, _:c14n1, ...`` in the order of
those hashes and needs nothing more. When two blank nodes share a hash, the Hash N-Degree Quads
algorithm would have to tell them apart: we raise Unsupported and the caller canonicalizes with
pyld, which implements all of RDFC-1.0.

Like pyld, a quad counts once for each position (subject, object, graph) where a blank node
occurs in it, so a node's self-loop hashes as pyld hashes it.
"""

from __future__ import annotations

import hashlib

from .contexts import Unsupported
from .rdf import Quad, serialize


def canonical_nquads(quads: list[Quad]) -> str:
    """The canonical N-Quads document of ``quads``; Unsupported when hashes are not unique."""
    quads_of: dict[str, list[Quad]] = {}
    for quad in quads:
        subject, _, term, graph = quad
        if subject.startswith("_:"):
            quads_of.setdefault(subject, []).append(quad)
        if term.startswith("_:"):
            quads_of.setdefault(term, []).append(quad)
        if graph is not None and graph.startswith("_:"):
            quads_of.setdefault(graph, []).append(quad)
    hashes = {node: _first_degree_hash(node, related) for node, related in quads_of.items()}
    if len(set(hashes.values())) != len(hashes):
        raise Unsupported("blank nodes with the same first-degree hash")
    labels = {node: f"_:c14n{i}" for i, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
    return "".join(sorted(serialize(_relabel(quad, labels)) for quad in quads))


def _first_degree_hash(node: str, related: list[Quad]) -> str:
    # Hash First Degree Quads: the node itself is _:a, every other blank node _:z.
    def mark(term: str | None) -> str | None:
        if term is None or not term.startswith("_:"):
            return term
        return "_:a" if term == node else "_:z"

    lines = sorted(
        serialize((mark(subject), predicate, mark(term), mark(graph)))
        for subject, predicate, term, graph in related
    )
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def _relabel(quad: Quad, labels: dict[str, str]) -> Quad:
    subject, predicate, term, graph = quad
    return (
        labels.get(subject, subject),
        predicate,
        labels[term] if term.startswith("_:") else term,
        labels.get(graph, graph) if graph is not None else None,
    )
