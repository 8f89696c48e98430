"""Offline JSON-LD document loader over the contexts shipped with the package.

Verifiers must get the same contexts we signed with, and a signer that fetches contexts over
the network can be steered by whoever controls DNS. So we serve only shipped files and treat
any other URL as an error. Contexts are marked ``static`` so pyld keeps its processed form
between calls (the main cost of canonicalization otherwise).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from .errors import DocumentLoaderError

CONTEXTS_PACKAGE = "openedx_microcreds.credentials"
CONTEXTS_DIR = "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

DocumentLoader = Callable[[str, Mapping[str, Any] | None], dict]


def contexts_dir():
    """The folder (a Traversable) that holds the shipped contexts and index.json."""
    return resources.files(CONTEXTS_PACKAGE).joinpath(CONTEXTS_DIR)


@cache
def shipped_contexts() -> dict[str, dict]:
    """URL -> parsed JSON-LD context, read once from package data."""
    folder = contexts_dir()
    index = json.loads(folder.joinpath("index.json").read_text(encoding="utf-8"))
    return {
        url: json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        for url, name in index.items()
    }


def make_loader(extra: Mapping[str, dict] | None = None) -> DocumentLoader:
    """A pyld document loader serving the shipped contexts plus ``extra`` (URL -> document).

    ``extra`` is for documents a caller already holds (a DID document, a status list);
    they are not marked static because they change.
    """
    contexts = shipped_contexts()
    extra = dict(extra or {})

    def load(url: str, options: Mapping[str, Any] | None = None) -> dict:
        if url in contexts:
            # pyld may rewrite relative URLs inside a context it loads; hand out a copy.
            document, tag = copy.deepcopy(contexts[url]), "static"
        elif url in extra:
            document, tag = copy.deepcopy(extra[url]), None
        else:
            raise DocumentLoaderError(
                f"JSON-LD document {url!r} is not shipped with openedx-microcreds; "
                "documents are never fetched over the network"
            )
        return {"contextUrl": None, "documentUrl": url, "document": document, "tag": tag}

    # The fast JSON-LD path relies on this: shipped URLs always give the shipped files.
    load.serves_shipped_contexts = True  # type: ignore[attr-defined]
    return load


default_loader: DocumentLoader = make_loader()
