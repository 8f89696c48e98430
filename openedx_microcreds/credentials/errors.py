"""Errors raised by the signing core. Each says what is wrong and, where it can, where."""


class CredentialError(ValueError):
    """Base class: bad input to the signing core (a key, a document, a status list)."""


class KeyFormatError(CredentialError):
    """A key or multibase string is not in the expected format."""


class DocumentLoaderError(CredentialError):
    """A JSON-LD document was requested that we do not ship; we never fetch over the network."""


class StrictModeError(CredentialError):
    """The document would be rejected by a safe-mode verifier, so we refuse to sign it.

    ``problems`` lists ``(path, message)`` pairs; ``path`` is JSON-path-like (``$.a.b[0]``).
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        lines = [f"{path}: {message}" for path, message in problems]
        super().__init__("credential refused by strict mode:\n  " + "\n  ".join(lines))


class ProofError(CredentialError):
    """A proof cannot be created or is malformed."""


class StatusListError(CredentialError):
    """A status list is malformed, full, or an index is out of range."""
