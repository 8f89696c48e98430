"""The LMS and Studio sandboxes load the plugin only through its entry points, as the platform."""

import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver, reverse
from edx_django_utils.plugins import get_plugin_apps

from openedx_microcreds.apps import MicrocredsConfig
from sandbox.settings import base as sandbox_base

from .helpers import probe, sandbox_env

APP_CONFIG_PATH = "openedx_microcreds.apps.MicrocredsConfig"


def test_sandbox_does_not_list_the_plugin_itself():
    assert not any("openedx_microcreds" in app for app in sandbox_base.INSTALLED_APPS)


class TestLms:
    """The test process runs the sandbox LMS (pyproject: sandbox.settings.lms)."""

    def test_entry_point_found_and_app_installed(self):
        assert APP_CONFIG_PATH in get_plugin_apps("lms.djangoapp")
        assert APP_CONFIG_PATH in settings.INSTALLED_APPS
        config = apps.get_app_config("openedx_microcreds")
        assert isinstance(config, MicrocredsConfig)
        assert config.default_auto_field == "django.db.models.BigAutoField"

    def test_plugin_settings_applied_without_overwriting_the_project(self):
        assert settings.MICROCREDS_ENABLED is True
        assert settings.MICROCREDS_DEFAULT_CRYPTOSUITE == "eddsa-rdfc-2022"
        assert settings.MICROCREDS_CELERY_QUEUE is None
        # Set by the sandbox before the plugin settings ran; common/production kept it.
        assert settings.MICROCREDS_PLATFORM_BACKEND == "sandbox.fake_platform.FakePlatform"
        # The devstack settings type ran too.
        assert settings.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK is True

    def test_urls_mounted_under_microcreds_and_the_api_under_api_microcreds(self):

        assert reverse("openedx_microcreds:credential", args=["x"]) == "/microcreds/credentials/x/"
        assert reverse("openedx_microcreds:status_list", args=["x"]) == "/microcreds/status/x"
        assert reverse("openedx_microcreds:api:v1:rule-schema") == "/api/microcreds/v1/rule-schema/"
        # Nothing of the plugin answers outside these prefixes but the wallets' well-known URLs.
        prefix, resolver = get_resolver().namespace_dict["openedx_microcreds"]
        assert prefix == ""
        assert {str(p.pattern) for p in resolver.url_patterns} == {
            "microcreds/",
            "api/microcreds/",
            ".well-known/openid-credential-issuer/microcreds/oid4vci",
            ".well-known/oauth-authorization-server/microcreds/oid4vci",
        }

    def test_receivers_connected(self):
        assert "openedx_microcreds.receivers" in sys.modules
        receivers = MicrocredsConfig.plugin_app["signals_config"]["lms.djangoapp"]["receivers"]
        for receiver in receivers:
            from django.utils.module_loading import import_string

            signal = import_string(receiver["signal_path"])
            uid = receiver.get(
                "dispatch_uid", f"openedx_microcreds.receivers.{receiver['receiver_func_name']}"
            )
            connected = {lookup[0] for lookup, *_ in signal.receivers}
            assert uid in connected, f"{receiver['receiver_func_name']} is not connected"


@pytest.mark.parametrize(
    ("settings_module", "project", "settings_type_flag"),
    [
        ("sandbox.settings.cms", "cms.djangoapp", True),
        ("sandbox.settings.lms_test", "lms.djangoapp", True),
        ("sandbox.settings.cms_test", "cms.djangoapp", True),
    ],
)
def test_other_projects_load_the_plugin(tmp_path, settings_module, project, settings_type_flag):
    report = probe(settings_module, sandbox_env(tmp_path / "db.sqlite3"))
    assert report["project"] == project
    assert APP_CONFIG_PATH in report["plugin_apps"]
    assert APP_CONFIG_PATH in report["installed_apps"]
    assert report["app_label_loaded"]
    assert report["settings"]["MICROCREDS_DEFAULT_CRYPTOSUITE"] == "eddsa-rdfc-2022"
    assert report["settings"]["MICROCREDS_ALLOW_SECRET_KEY_FALLBACK"] is settings_type_flag
    assert report["status_list_path"] == "/microcreds/status/x"
    # Studio mounts the pages and documents; the REST API and the wallets' well-known URLs
    # are the LMS's (the issuer's).
    expected = "microcreds/" if project == "cms.djangoapp" else ""
    assert report["namespaces"]["openedx_microcreds"] == expected
    # Receivers are an LMS matter: Studio never imports them.
    assert report["receivers_module_imported"] is (project == "lms.djangoapp")


def test_plugin_app_shape():
    plugin_app = MicrocredsConfig.plugin_app
    for project in ("lms.djangoapp", "cms.djangoapp"):
        assert plugin_app["url_config"][project]["namespace"] == "openedx_microcreds"
        types = plugin_app["settings_config"][project]
        assert {"common", "production", "test"} <= set(types)
        for config in types.values():
            module = __import__(f"openedx_microcreds.{config['relative_path']}", fromlist=["x"])
            assert callable(module.plugin_settings)
    assert "cms.djangoapp" not in plugin_app["signals_config"]
