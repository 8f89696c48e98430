"""Sandbox LMS URLs: a login page, the admin, the CSRF token API of frontends, every plugin's
URLs, as the LMS mounts them, and the pages standing in for the MFEs (sandbox/ui_shells.py)."""

from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from edx_django_utils.plugins import get_plugin_url_patterns

from . import ui_shells

# The LMS has its own login page; the sandbox's takes any user (the admin's own takes staff only).
login = LoginView.as_view(
    template_name="admin/login.html",
    extra_context={"site_header": "Sandbox LMS", "site_title": "Sandbox LMS", "title": "Log in"},
)

urlpatterns = [
    path("login/", login, name="login"),
    path("admin/", admin.site.urls),
    *get_plugin_url_patterns("lms.djangoapp"),
    *ui_shells.urlpatterns,
]

try:  # /csrf/api/v1/token, as lms/urls.py includes it (edx-drf-extensions' csrf app)
    import csrf.urls  # noqa: F401
except ImportError:  # pragma: no cover - edx-drf-extensions is a test requirement
    pass
else:
    urlpatterns.append(path("", include("csrf.urls")))
