"""System checks of the backpack settings (``manage.py check``, runserver, migrate)."""

from __future__ import annotations

from django.core import checks

from ..settings import get_setting
from . import hosts


def problems() -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    try:
        hosts.offered()
    except hosts.HostSettingError as exc:
        found.append(
            checks.Error(
                str(exc),
                hint='Example: [{"name": "Our backpack", "url": "https://backpack.example.org"}]',
                id="openedx_microcreds.E010",
            )
        )
    if get_setting("MICROCREDS_OB3_ALLOW_LOOPBACK"):
        found.append(
            checks.Warning(
                "MICROCREDS_OB3_ALLOW_LOOPBACK is on: learners' backpack addresses may point at "
                "services on this machine, over plain http.",
                hint="For tests and the sandbox only; turn it off in production.",
                id="openedx_microcreds.W011",
            )
        )
    return found
