"""The plugin's settings modules: defaults, and production never overriding the operator."""

import types

import pytest
from django.test import override_settings

from openedx_microcreds.settings import common, devstack, get_setting, issuer_base_url, production
from openedx_microcreds.settings import test as test_settings
from openedx_microcreds.settings.common import DEFAULTS


def settings_module(**values):
    module = types.ModuleType("fake_settings")
    for name, value in values.items():
        setattr(module, name, value)
    return module


def test_common_fills_in_every_default():
    module = settings_module()
    common.plugin_settings(module)
    for name, value in DEFAULTS.items():
        assert getattr(module, name) == value
    assert module.MICROCREDS_PLATFORM_BACKEND == "openedx_microcreds.platform.EdxPlatform"
    assert module.MICROCREDS_DEFAULT_CRYPTOSUITE == "eddsa-rdfc-2022"
    assert module.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK is False


def test_defaults_are_private_copies():
    first, second = settings_module(), settings_module()
    common.plugin_settings(first)
    common.plugin_settings(second)
    first.MICROCREDS_SECRET_KEYS.append("x" * 40)
    assert second.MICROCREDS_SECRET_KEYS == []
    assert DEFAULTS["MICROCREDS_SECRET_KEYS"] == []


def test_common_keeps_values_the_project_set():
    module = settings_module(MICROCREDS_ENABLED=False, MICROCREDS_CELERY_QUEUE="edx.lms.core.high")
    common.plugin_settings(module)
    assert module.MICROCREDS_ENABLED is False
    assert module.MICROCREDS_CELERY_QUEUE == "edx.lms.core.high"


def test_production_never_overwrites_operator_values():
    operator = {
        "MICROCREDS_ENABLED": False,
        "MICROCREDS_SECRET_KEYS": ["k" * 44],
        "MICROCREDS_ISSUER_BASE_URL": "https://badges.example.org",
        "MICROCREDS_PLATFORM_BACKEND": "my.platform.Adapter",
        "MICROCREDS_CELERY_QUEUE": "edx.lms.core.default",
        "MICROCREDS_DEFAULT_CRYPTOSUITE": "eddsa-jcs-2022",
        "MICROCREDS_ALLOW_SECRET_KEY_FALLBACK": False,
    }
    module = settings_module(**operator)
    production.plugin_settings(module)
    for name, value in operator.items():
        assert getattr(module, name) == value


def test_production_applies_env_tokens_and_fills_the_rest():
    """Older releases expose the operator's YAML only as ENV_TOKENS."""
    module = settings_module(
        ENV_TOKENS={
            "MICROCREDS_ISSUER_BASE_URL": "https://lms.example.org",
            "MICROCREDS_SECRET_KEYS": ["a-long-passphrase-from-the-yaml-file-0123456789"],
            "UNRELATED": 1,
        }
    )
    common.plugin_settings(module)  # common runs first in the platform
    production.plugin_settings(module)
    assert module.MICROCREDS_ISSUER_BASE_URL == "https://lms.example.org"
    assert module.MICROCREDS_SECRET_KEYS == ["a-long-passphrase-from-the-yaml-file-0123456789"]
    assert module.MICROCREDS_DEFAULT_CRYPTOSUITE == "eddsa-rdfc-2022"
    assert not hasattr(module, "UNRELATED")
    # A private copy: editing settings does not edit the YAML dict.
    module.MICROCREDS_SECRET_KEYS.append("other")
    assert len(module.ENV_TOKENS["MICROCREDS_SECRET_KEYS"]) == 1


def test_production_without_common_or_env_tokens():
    module = settings_module(ENV_TOKENS=None)
    production.plugin_settings(module)
    assert module.MICROCREDS_ENABLED is True
    assert module.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK is False


@pytest.mark.parametrize("dev_module", [test_settings, devstack])
def test_test_and_devstack_allow_secret_key_fallback(dev_module):
    module = settings_module(MICROCREDS_PLATFORM_BACKEND="x.Y")
    common.plugin_settings(module)
    dev_module.plugin_settings(module)
    assert module.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK is True
    assert module.MICROCREDS_PLATFORM_BACKEND == "x.Y"


def test_get_setting_falls_back_to_default(settings):
    del settings.MICROCREDS_DEFAULT_CRYPTOSUITE
    assert get_setting("MICROCREDS_DEFAULT_CRYPTOSUITE") == "eddsa-rdfc-2022"
    with pytest.raises(KeyError):
        get_setting("MICROCREDS_NO_SUCH_THING")


def test_issuer_base_url():
    with override_settings(MICROCREDS_ISSUER_BASE_URL="https://badges.example.org/"):
        assert issuer_base_url() == "https://badges.example.org"
    with override_settings(MICROCREDS_ISSUER_BASE_URL="", LMS_ROOT_URL="https://lms.example.org"):
        assert issuer_base_url() == "https://lms.example.org"


def test_a_base_url_verifiers_would_refuse_is_an_error_at_start_up(settings):
    from openedx_microcreds.apps import check_settings

    settings.MICROCREDS_ISSUER_BASE_URL = "https://lms.example.edu"
    assert not [m for m in check_settings() if m.id == "openedx_microcreds.E005"]
    for bad in ("lms.example.edu", "https://lms example.edu", "javascript:alert(1)"):
        settings.MICROCREDS_ISSUER_BASE_URL = bad
        [error] = [m for m in check_settings() if m.id == "openedx_microcreds.E005"]
        assert "MICROCREDS_ISSUER_BASE_URL" in error.msg and repr(bad) in error.msg
    settings.MICROCREDS_ISSUER_BASE_URL = ""
    settings.LMS_ROOT_URL = "ftp://lms.example.edu"
    [error] = [m for m in check_settings() if m.id == "openedx_microcreds.E005"]
    assert error.msg.startswith("LMS_ROOT_URL")
