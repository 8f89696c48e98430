"""
Settings for development stacks (settings type ``devstack``).

The platform's devstack settings import production's and then call this. Like ``test``, a
developer may run without ``MICROCREDS_SECRET_KEYS``: the encryption key is then derived from
SECRET_KEY, with a warning on first use.
"""

from __future__ import annotations

from typing import Any

from .common import plugin_settings as common_settings


def plugin_settings(settings: Any) -> None:
    """Make sure defaults exist and allow the SECRET_KEY-derived encryption key."""
    common_settings(settings)
    settings.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK = True
