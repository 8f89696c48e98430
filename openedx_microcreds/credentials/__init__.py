"""The signing core: Open Badges 3.0 documents, Ed25519 keys, Data Integrity proofs, status lists
and verification. Plain Python: no Django, nothing else from this package.
"""

from .documents import (
    Achievement,
    Alignment,
    Evidence,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Recipient,
    Result,
    ResultDescription,
    StatusEntry,
)
from .errors import (
    CredentialError,
    DocumentLoaderError,
    KeyFormatError,
    ProofError,
    StatusListError,
    StrictModeError,
)
from .keys import (
    Ed25519Key,
    Ed25519PublicMultikey,
    did_key_document,
    did_web_document,
    did_web_from_url,
)
from .proofs import JCS, RDFC, sign, verify_proof
from .status_list import MIN_ENTRIES, StatusBits, random_free_index, status_list_credential
from .verify import VerificationReport, verify_credential

__all__ = [
    "JCS",
    "MIN_ENTRIES",
    "RDFC",
    "Achievement",
    "Alignment",
    "CredentialError",
    "DocumentLoaderError",
    "Ed25519Key",
    "Ed25519PublicMultikey",
    "Evidence",
    "IdentityObject",
    "Image",
    "KeyFormatError",
    "OpenBadgeCredential",
    "Profile",
    "ProofError",
    "Recipient",
    "Result",
    "ResultDescription",
    "StatusBits",
    "StatusEntry",
    "StatusListError",
    "StrictModeError",
    "VerificationReport",
    "did_key_document",
    "did_web_document",
    "did_web_from_url",
    "random_free_index",
    "sign",
    "status_list_credential",
    "verify_credential",
    "verify_proof",
]
