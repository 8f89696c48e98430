"""openedx-microcreds: verifiable Open Badges 3.0 micro-credentials for Open edX."""

__version__ = "0.1.0"
