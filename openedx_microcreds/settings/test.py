"""
Settings for test runs (settings type ``test``), applied after ``common``.

Tests may run without ``MICROCREDS_SECRET_KEYS``: the encryption key is then derived from
SECRET_KEY (with a warning). Nothing else is changed, so the project's own choices (for example
the sandbox's fake platform) stay in place.
"""

from __future__ import annotations

from typing import Any

from .common import plugin_settings as common_settings


def plugin_settings(settings: Any) -> None:
    """Make sure defaults exist and allow the SECRET_KEY-derived encryption key."""
    common_settings(settings)
    settings.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK = True
