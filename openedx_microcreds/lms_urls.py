"""The LMS's URLs of the plugin (``plugin_app`` in apps.py mounts this module at the root, with
the namespace ``openedx_microcreds``): the pages and documents under ``/microcreds/`` (urls.py,
whose paths issued credentials carry) and the REST API under ``/api/microcreds/``."""

from django.urls import include, path

from . import urls

urlpatterns = [
    path("microcreds/", include(urls.urlpatterns)),
    path("api/microcreds/", include(("openedx_microcreds.rest_api.urls", "api"), namespace="api")),
]
