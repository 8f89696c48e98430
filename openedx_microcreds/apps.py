"""
Django application configuration and Open edX plugin wiring.

The LMS and Studio find this AppConfig through the ``lms.djangoapp`` and ``cms.djangoapp`` entry
points (see setup.py) and read :attr:`MicrocredsConfig.plugin_app` to add the app, its settings,
its URLs and (LMS only) its event receivers. The keys are plain strings: edx-django-utils does not
export the platform's ``ProjectType``/``SettingsType`` enums.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks

LMS = "lms.djangoapp"
CMS = "cms.djangoapp"

_SETTINGS_CONFIG = {
    "common": {"relative_path": "settings.common"},
    "production": {"relative_path": "settings.production"},
    "test": {"relative_path": "settings.test"},
    "devstack": {"relative_path": "settings.devstack"},
}


class MicrocredsConfig(AppConfig):
    """The openedx-microcreds Django app."""

    name = "openedx_microcreds"
    label = "openedx_microcreds"
    verbose_name = "Micro-credentials"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "url_config": {
            # The LMS: the pages under /microcreds/, the REST API under /api/microcreds/, and the
            # well-known URLs OpenID4VCI wallets look for at the root (lms_urls.py mounts them;
            # one URL config per project is all the platform reads).
            LMS: {
                "namespace": "openedx_microcreds",
                "regex": r"^",
                "relative_path": "lms_urls",
            },
            # Studio: the pages and documents (MFEs call the REST API in the LMS).
            CMS: {
                "namespace": "openedx_microcreds",
                "regex": r"^microcreds/",
                "relative_path": "urls",
            },
        },
        "settings_config": {
            LMS: dict(_SETTINGS_CONFIG),
            CMS: dict(_SETTINGS_CONFIG),
        },
        "signals_config": {
            # Learner events are sent in the LMS process, so receivers are connected there only.
            # Each entry: {"receiver_func_name": ..., "signal_path": "openedx_events...."}.
            LMS: {
                "relative_path": "receivers",
                "receivers": [
                    {
                        "receiver_func_name": "on_course_passing_status_updated",
                        "signal_path": "openedx_events.learning.signals."
                        "COURSE_PASSING_STATUS_UPDATED",
                    },
                    {
                        "receiver_func_name": "on_ccx_course_passing_status_updated",
                        "signal_path": "openedx_events.learning.signals."
                        "CCX_COURSE_PASSING_STATUS_UPDATED",
                    },
                    {
                        "receiver_func_name": "on_persistent_grade_summary_changed",
                        "signal_path": "openedx_events.learning.signals."
                        "PERSISTENT_GRADE_SUMMARY_CHANGED",
                    },
                    {
                        "receiver_func_name": "on_certificate_created",
                        "signal_path": "openedx_events.learning.signals.CERTIFICATE_CREATED",
                    },
                    {
                        "receiver_func_name": "on_certificate_revoked",
                        "signal_path": "openedx_events.learning.signals.CERTIFICATE_REVOKED",
                    },
                ],
            },
        },
    }

    def ready(self) -> None:
        checks.register(check_settings, checks.Tags.security)
        # The task layer registers how follow-up work starts (see followups.py): in every
        # process, not only in Celery workers that discover it.
        from . import tasks  # noqa: F401


def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System checks for the plugin's settings (``manage.py check``, runserver, migrate)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    from . import secrets
    from .settings import get_setting

    messages: list[checks.CheckMessage] = []
    backend = get_setting("MICROCREDS_PLATFORM_BACKEND")
    try:
        import_string(backend)
    except ImportError as exc:
        messages.append(
            checks.Error(
                f"MICROCREDS_PLATFORM_BACKEND {backend!r} cannot be imported: {exc}",
                id="openedx_microcreds.E001",
            )
        )
    messages.extend(_base_url_problems())
    from .backpacks import checks as backpack_checks

    messages.extend(backpack_checks.problems())
    keys = get_setting("MICROCREDS_SECRET_KEYS")
    if not keys:
        if not get_setting("MICROCREDS_ALLOW_SECRET_KEY_FALLBACK"):
            messages.append(
                checks.Warning(
                    "MICROCREDS_SECRET_KEYS is empty: signing keys can be neither created nor "
                    "used, so no credential can be issued.",
                    hint="Set it to a list holding at least one key from "
                    "cryptography.fernet.Fernet.generate_key().",
                    id="openedx_microcreds.W002",
                )
            )
    else:
        try:
            secrets.configured_key_count()
        except ImproperlyConfigured as exc:
            messages.append(checks.Error(str(exc), id="openedx_microcreds.E003"))
    return messages


def _base_url_problems() -> list[checks.CheckMessage]:
    """Every credential, achievement, status list and DID URL starts with the issuer base URL,
    so one that verifiers would refuse spoils every credential issued: say so at start-up."""
    from django.conf import settings

    from .rules.urls import url_problem
    from .settings import get_setting

    configured = get_setting("MICROCREDS_ISSUER_BASE_URL")
    name = "MICROCREDS_ISSUER_BASE_URL" if configured else "LMS_ROOT_URL"
    value = configured or getattr(settings, "LMS_ROOT_URL", "")
    if not value:
        return [
            checks.Warning(
                "Neither MICROCREDS_ISSUER_BASE_URL nor LMS_ROOT_URL is set: credentials "
                "cannot be issued.",
                id="openedx_microcreds.W004",
            )
        ]
    problem = url_problem(str(value).rstrip("/"))
    if problem is None:
        return []
    return [
        checks.Error(
            f"{name} ({value!r}) starts every credential's URLs, and {problem}.",
            hint="Use the public https URL of the LMS, e.g. https://lms.example.com",
            id="openedx_microcreds.E005",
        )
    ]
