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

        from django.db.backends.signals import connection_created

        connection_created.connect(_tune_sqlite, dispatch_uid="sandbox-sqlite-wal")


def _tune_sqlite(sender, connection, **kwargs) -> None:
    # WAL with synchronous=NORMAL: one fsync per checkpoint instead of per commit, still safe
    # against application crashes. The usual setting for SQLite under a web application.
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] != ":memory:":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
