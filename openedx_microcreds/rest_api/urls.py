"""``/api/microcreds/``: the versions of the REST API."""

from django.urls import include, path

urlpatterns = [
    path("v1/", include(("openedx_microcreds.rest_api.v1.urls", "v1"), namespace="v1")),
]
