"""
The plugin's settings.

``common``, ``production``, ``test`` and ``devstack`` each expose ``plugin_settings(settings)``,
called by edx-django-utils' ``add_plugins``. Code that reads a setting at run time uses
:func:`get_setting`, which falls back to the documented default when the project never loaded the
plugin settings (for example a project that lists the app in INSTALLED_APPS by hand).
"""

from __future__ import annotations

import copy
from typing import Any


def get_setting(name: str) -> Any:
    """Return the value of the plugin setting ``name`` (a ``MICROCREDS_*`` name)."""
    from django.conf import settings

    from .common import DEFAULTS

    if name not in DEFAULTS:
        raise KeyError(f"{name} is not a setting of openedx-microcreds")
    if hasattr(settings, name):
        return getattr(settings, name)
    return copy.deepcopy(DEFAULTS[name])


def issuer_base_url() -> str:
    """The public base URL of the issuer, without a trailing slash.

    MICROCREDS_ISSUER_BASE_URL when set, else the LMS root URL. Read at call time, because the
    platform settles LMS_ROOT_URL only after the plugin's common settings have run.
    """
    from django.conf import settings

    url = get_setting("MICROCREDS_ISSUER_BASE_URL") or getattr(settings, "LMS_ROOT_URL", "")
    if not url:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set MICROCREDS_ISSUER_BASE_URL (or LMS_ROOT_URL).")
    return str(url).rstrip("/")
