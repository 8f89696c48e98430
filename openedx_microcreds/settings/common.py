"""
Settings every deployment of the plugin gets (settings type ``common``).

The platform calls :func:`plugin_settings` at the end of ``lms/envs/common.py`` and
``cms/envs/common.py``. Each value is set only when the project has not defined it yet, so a
project that declares a ``MICROCREDS_*`` value before loading plugins (the sandbox does) keeps it.

.. setting_name: MICROCREDS_ENABLED
.. setting_default: True
.. setting_description: Master switch for automatic awarding: when False, events are ignored.

.. setting_name: MICROCREDS_SECRET_KEYS
.. setting_default: []
.. setting_description: Keys that encrypt signing keys at rest. Each entry is a Fernet key
   (``Fernet.generate_key()``) or a long passphrase. The first entry encrypts; every entry
   decrypts, so a new key is rotated in by putting it first and keeping the old ones after it.

.. setting_name: MICROCREDS_ALLOW_SECRET_KEY_FALLBACK
.. setting_default: False
.. setting_description: When True and MICROCREDS_SECRET_KEYS is empty, derive the encryption key
   from Django's SECRET_KEY (with a warning). Turned on by the ``test`` and ``devstack`` settings.

.. setting_name: MICROCREDS_ISSUER_BASE_URL
.. setting_default: ""
.. setting_description: Public base URL used in issuer profiles, credential ids and status lists.
   Empty means LMS_ROOT_URL.

.. setting_name: MICROCREDS_PLATFORM_BACKEND
.. setting_default: "openedx_microcreds.platform.EdxPlatform"
.. setting_description: Dotted path of the platform adapter class (grades, users, roles).

.. setting_name: MICROCREDS_CELERY_QUEUE
.. setting_default: None
.. setting_description: Celery queue for the plugin's tasks; None uses the platform's default.

.. setting_name: MICROCREDS_RENEWAL_WINDOW_DAYS
.. setting_default: 30
.. setting_description: The periodic renewal job re-evaluates learners whose credentials expire
   within this many days, and renews those who still meet the rule.

.. setting_name: MICROCREDS_STATUS_LIST_MAX_AGE
.. setting_default: 300
.. setting_description: Cache-Control max-age (seconds) of served status list credentials.

.. setting_name: MICROCREDS_DEFAULT_CRYPTOSUITE
.. setting_default: "eddsa-rdfc-2022"
.. setting_description: Data Integrity cryptosuite used when a definition does not choose one.
"""

from __future__ import annotations

import copy
from typing import Any

#: Every plugin setting with its default. The single source of truth: the settings modules
#: apply these, and :func:`openedx_microcreds.settings.get_setting` falls back to them.
DEFAULTS: dict[str, Any] = {
    "MICROCREDS_ENABLED": True,
    "MICROCREDS_SECRET_KEYS": [],
    "MICROCREDS_ALLOW_SECRET_KEY_FALLBACK": False,
    "MICROCREDS_ISSUER_BASE_URL": "",
    "MICROCREDS_PLATFORM_BACKEND": "openedx_microcreds.platform.EdxPlatform",
    "MICROCREDS_CELERY_QUEUE": None,
    "MICROCREDS_DEFAULT_CRYPTOSUITE": "eddsa-rdfc-2022",
    "MICROCREDS_RENEWAL_WINDOW_DAYS": 30,
    "MICROCREDS_STATUS_LIST_MAX_AGE": 300,
}

#: The periodic renewal job, added to CELERY_BEAT_SCHEDULE unless the operator defined it.
BEAT_ENTRY = "openedx-microcreds-renew-expiring"
BEAT_SCHEDULE = {"task": "openedx_microcreds.renew_expiring", "schedule": 6 * 3600}


def set_default(settings: Any, name: str, value: Any) -> None:
    """Set ``settings.<name>`` to a private copy of ``value`` unless it is already defined."""
    if not hasattr(settings, name):
        setattr(settings, name, copy.deepcopy(value))


def plugin_settings(settings: Any) -> None:
    """Add the plugin's defaults to ``settings`` (a settings module), never replacing a value."""
    for name, value in DEFAULTS.items():
        set_default(settings, name, value)
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
    if schedule is None:
        settings.CELERY_BEAT_SCHEDULE = {}
        schedule = settings.CELERY_BEAT_SCHEDULE
    schedule.setdefault(BEAT_ENTRY, copy.deepcopy(BEAT_SCHEDULE))
