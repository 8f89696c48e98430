"""
URLs of the plugin, mounted by the platform under ``/microcreds/`` with the namespace
``openedx_microcreds`` (see ``plugin_app`` in apps.py), in the LMS and in Studio.

Views are added here as they are written (public credential pages, wallet endpoints, API v1).
"""

app_name = "openedx_microcreds"

urlpatterns: list = []
