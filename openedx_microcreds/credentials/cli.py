"""``microcreds``: generate keys, sign and verify credentials offline.

Exit codes: 0 success (for verify: every check passed), 1 verification failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .errors import CredentialError
from .json_input import MAX_JSON_BYTES, load_json
from .keys import Ed25519Key
from .proofs import SUPPORTED, sign
from .verify import verify_credential

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """Reported as one line on stderr with exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (BadInput, CredentialError) as exc:
        message = str(exc).replace("\n", " ")
        print(f"microcreds {args.command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="microcreds", description="Sign and verify Open Badges 3.0 credentials offline."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    keygen = commands.add_parser("keygen", help="generate an Ed25519 key (Multikey, did:key)")
    keygen.add_argument("--seed-hex", help="32-byte seed as 64 hex digits (deterministic key)")
    keygen.set_defaults(handler=_keygen)

    signer = commands.add_parser("sign", help="add a Data Integrity proof to a credential")
    signer.add_argument("file", help="unsigned credential JSON, or - for standard input")
    signer.add_argument("--key", required=True, help="secretKeyMultibase (z3u2...)")
    signer.add_argument("--cryptosuite", default="eddsa-rdfc-2022", choices=SUPPORTED)
    signer.add_argument("--verification-method", help="defaults to the key's did:key")
    signer.add_argument("--created", help="proof creation time (XSD dateTime); defaults to now")
    signer.set_defaults(handler=_sign)

    verifier = commands.add_parser("verify", help="check a signed credential")
    verifier.add_argument("file", help="signed credential JSON, or - for standard input")
    verifier.add_argument("--status-list", action="append", default=[], metavar="URL=FILE")
    verifier.add_argument("--did-document", action="append", default=[], metavar="DID=FILE")
    verifier.add_argument("--key-document", action="append", default=[], metavar="URL=FILE")
    verifier.add_argument("--json", action="store_true", help="print the report as JSON")
    verifier.set_defaults(handler=_verify)
    return parser


def _keygen(args: argparse.Namespace) -> int:
    if args.seed_hex is not None:
        try:
            seed = bytes.fromhex(args.seed_hex)
        except ValueError:
            raise BadInput("--seed-hex must be 64 hexadecimal digits") from None
        key = Ed25519Key.from_seed(seed)
    else:
        key = Ed25519Key.generate()
    print(
        json.dumps(
            {
                "publicKeyMultibase": key.public_multibase,
                "secretKeyMultibase": key.secret_multibase,
                "did": key.did_key,
                "verificationMethod": key.verification_method_id,
            },
            indent=2,
        )
    )
    return EXIT_OK


def _sign(args: argparse.Namespace) -> int:
    document = _read_json(args.file, "credential")
    if not isinstance(document, dict):
        raise BadInput(f"{args.file}: a credential must be a JSON object")
    key = Ed25519Key.from_secret_multibase(args.key)
    signed = sign(
        document,
        key,
        cryptosuite=args.cryptosuite,
        verification_method=args.verification_method,
        created=args.created,
    )
    print(json.dumps(signed, indent=2, ensure_ascii=False))
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    credential = _read_json(args.file, "credential")
    report = verify_credential(
        credential,
        did_documents=_pairs(args.did_document, "--did-document"),
        key_documents=_pairs(args.key_document, "--key-document"),
        status_lists=_pairs(args.status_list, "--status-list"),
    )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for check in report.checks:
            mark = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[check.status]
            print(f"{mark}  {check.name:<10} {check.detail}")
        print("verified" if report.ok else "NOT verified")
    return EXIT_OK if report.ok else EXIT_FAILED


def _pairs(values: list[str], option: str) -> dict[str, Any]:
    pairs = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise BadInput(f"{option} takes NAME=FILE, got {value!r}")
        pairs[name] = _read_json(path, option)
    return pairs


def _read_json(path: str, what: str) -> Any:
    """The JSON in ``path`` (``-``: standard input), bounded in size and depth before parsing."""
    name = "standard input" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"cannot read {what} {path}: {exc.strerror}") from None
    return load_json(data, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
