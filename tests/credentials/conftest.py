import json
from pathlib import Path

import pytest

VECTORS = Path(__file__).parent / "vectors" / "w3c-vc-di-eddsa"


def load_vector(relative: str):
    path = VECTORS / relative
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else text


@pytest.fixture
def vector_key():
    from openedx_microcreds.credentials import Ed25519Key

    return Ed25519Key.from_secret_multibase(load_vector("keyPair.json")["privateKeyMultibase"])
