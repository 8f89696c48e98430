"""Public views: credential pages (HTML or JSON), achievements, status lists, DID documents.

Thin by design: each view looks up a row, calls a service (verification, status list signing,
DID documents) and lays out the answer. No login anywhere; nothing personal about the learner.
"""

from .documents import issuer_did, site_issuer_did, status_list
from .public import achievement, credential

__all__ = ["achievement", "credential", "issuer_did", "site_issuer_did", "status_list"]
