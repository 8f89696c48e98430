"""The sandbox's own app: connects plugin receivers at start-up, as the platform does."""

from django.apps import AppConfig
from django.conf import settings


class SandboxConfig(AppConfig):
    name = "sandbox"
    label = "sandbox"
    verbose_name = "Sandbox"

    def ready(self) -> None:
        # The platform calls this from its own "plugins" app once all apps are loaded.
        from edx_django_utils.plugins import connect_plugin_receivers

        connect_plugin_receivers(settings.SANDBOX_PROJECT)
