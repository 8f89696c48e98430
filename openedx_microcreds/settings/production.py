"""
Production settings (settings type ``production``).

The platform calls :func:`plugin_settings` near the end of ``lms/envs/production.py``, after it
has read the operator's YAML. Two rules:

* a value the operator gave wins. Current releases have already copied the YAML into the settings
  module; older ones only expose it as ``settings.ENV_TOKENS``, so a ``MICROCREDS_*`` key found
  there is applied (it is the operator's own value, not ours);
* anything still undefined gets the common default. Nothing that is already set is replaced.
"""

from __future__ import annotations

import copy
from typing import Any

from .common import DEFAULTS, add_beat_entries, set_default


def plugin_settings(settings: Any) -> None:
    """Apply the operator's ``MICROCREDS_*`` values from ENV_TOKENS, then fill in defaults."""
    env_tokens = getattr(settings, "ENV_TOKENS", None) or {}
    for name, value in DEFAULTS.items():
        if name in env_tokens:
            setattr(settings, name, copy.deepcopy(env_tokens[name]))
        else:
            set_default(settings, name, value)
    # After the operator's YAML, which may have replaced the whole schedule.
    add_beat_entries(settings)
