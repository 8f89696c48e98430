"""
Settings shared by the sandbox LMS and Studio.

Like the platform, the project settings modules (``lms.py``, ``cms.py``) do not list the plugin:
:func:`load_plugins` asks edx-django-utils for the apps registered under the project's entry
point group and applies their settings modules, exactly as ``lms/envs/*.py`` do.

Environment:

* ``MICROCREDS_TEST_DB=mysql``: MariaDB/MySQL at ``MICROCREDS_MYSQL_HOST`` (127.0.0.1),
  ``MICROCREDS_MYSQL_PORT`` (3306), user ``MICROCREDS_MYSQL_USER`` (root), password
  ``MICROCREDS_MYSQL_PASSWORD`` (empty), database ``MICROCREDS_MYSQL_NAME`` (microcreds; the test
  database is ``test_`` + that). Otherwise SQLite at ``MICROCREDS_SQLITE_PATH``, by default
  the demo's database, ``demo-output/demo.sqlite3`` (``DEMO_OUTPUT`` moves demo-output), so
  that ``sandbox/manage.py`` commands run after ``make demo`` see what it created.
* ``MICROCREDS_SANDBOX_DEBUG=0``: DEBUG off (the served demo runs so).
* ``MICROCREDS_SANDBOX_CONN_MAX_AGE``: seconds a SQLite connection is kept between requests
  (Django's CONN_MAX_AGE; 0, the default, opens one per request).
* ``MICROCREDS_CELERY_BROKER``: a broker URL; tasks then run on a worker instead of eagerly.
* ``MICROCREDS_SANDBOX_HARNESS_DIR``: the built frontend harness the LMS's UI pages load
  (``sandbox/ui_shells.py``), by default ``frontend/harness-dist`` (``make ui`` builds it).
* E-mails to learners are written as files to ``demo-output/mail/`` (Django's file backend);
  ``MICROCREDS_SANDBOX_EMAIL_BACKEND`` picks another backend. Tests use pytest-django's locmem.
"""

import os
import sys
from pathlib import Path

from edx_django_utils.plugins import add_plugins, get_plugin_apps

SANDBOX_DIR = Path(__file__).resolve().parent.parent
DEMO_OUTPUT_DIR = Path(os.environ.get("DEMO_OUTPUT", SANDBOX_DIR.parent / "demo-output"))
DEFAULT_SQLITE_PATH = DEMO_OUTPUT_DIR / "demo.sqlite3"

# Development only; never deploy the sandbox.
SECRET_KEY = os.environ.get("MICROCREDS_SANDBOX_SECRET_KEY", "sandbox-only-insecure-secret-key")
DEBUG = os.environ.get("MICROCREDS_SANDBOX_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "waffle",  # the platform has it; edx-toggles (another plugin app) needs it
    "sandbox.apps.SandboxConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = True
STATIC_URL = "/static/"
# The sandbox's login page (sandbox/urls_lms.py), for staff and learners alike.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/admin/"
# The frontend harness's bundles (sandbox/ui_shells.py; `make ui` builds them).
SANDBOX_HARNESS_DIR = os.environ.get(
    "MICROCREDS_SANDBOX_HARNESS_DIR", str(SANDBOX_DIR.parent / "frontend" / "harness-dist")
)
STATIC_ROOT = os.environ.get("MICROCREDS_SANDBOX_STATIC_ROOT", str(SANDBOX_DIR / "static"))


def _databases():
    if os.environ.get("MICROCREDS_TEST_DB", "").lower() == "mysql":
        import pymysql

        # Django's MySQL backend imports MySQLdb (mysqlclient) and refuses versions older than
        # 2.2.1 (Django 5.2), reading ``MySQLdb.version_info``. PyMySQL stands in for it through
        # install_as_MySQLdb() but reports its own 1.x version there, so claim the mysqlclient
        # API level it emulates for the check to pass.
        pymysql.version_info = (2, 2, 1, "final", 0)
        pymysql.install_as_MySQLdb()
        name = os.environ.get("MICROCREDS_MYSQL_NAME", "microcreds")
        return {
            "default": {
                "ENGINE": "django.db.backends.mysql",
                "NAME": name,
                "USER": os.environ.get("MICROCREDS_MYSQL_USER", "root"),
                "PASSWORD": os.environ.get("MICROCREDS_MYSQL_PASSWORD", ""),
                "HOST": os.environ.get("MICROCREDS_MYSQL_HOST", "127.0.0.1"),
                "PORT": os.environ.get("MICROCREDS_MYSQL_PORT", "3306"),
                "OPTIONS": {"charset": "utf8mb4"},
                "TEST": {
                    "NAME": f"test_{name}",
                    "CHARSET": "utf8mb4",
                    "COLLATION": "utf8mb4_unicode_ci",
                },
            }
        }
    path = Path(os.environ.get("MICROCREDS_SQLITE_PATH", DEFAULT_SQLITE_PATH))
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "CONN_MAX_AGE": int(os.environ.get("MICROCREDS_SANDBOX_CONN_MAX_AGE") or 0),
        }
    }


DATABASES = _databases()

# Celery, configured as edx-platform configures it: its app reads the Django settings with
# ``config_from_object("django.conf:settings")`` and no namespace (lms/celery.py,
# openedx/core/lib/celery/__init__.py), so only the old-style names count: BROKER_URL,
# CELERY_ALWAYS_EAGER, CELERY_DEFAULT_QUEUE, CELERY_QUEUES, CELERYBEAT_SCHEDULE. A plugin
# setting written under a new-style name (CELERY_BEAT_SCHEDULE, ...) is ignored here as it is
# in the LMS. Eager unless a broker is given.
BROKER_URL = os.environ.get("MICROCREDS_CELERY_BROKER", "")
CELERY_ALWAYS_EAGER = not BROKER_URL
CELERY_EAGER_PROPAGATES_EXCEPTIONS = True
if not BROKER_URL:
    BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_IGNORE_RESULT = True


def platform_queues(variant: str) -> tuple[str, dict]:
    """The default queue and CELERY_QUEUES of the LMS ("lms") or Studio ("cms"), named as the
    platform names them (edx.<variant>.core.*); Studio also declares the LMS's default queue,
    its ALTERNATE_QUEUES, for tasks that must run where the grades are."""
    default = f"edx.{variant}.core.default"
    queues = {f"edx.{variant}.core.high": {}, default: {}}
    if variant == "cms":
        queues["edx.lms.core.default"] = {}
    return default, queues


# No mail server in the sandbox: each e-mail is a file in demo-output/mail/.
EMAIL_BACKEND = os.environ.get(
    "MICROCREDS_SANDBOX_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(DEMO_OUTPUT_DIR / "mail")
DEFAULT_FROM_EMAIL = "credentials@example.edu"

LMS_ROOT_URL = os.environ.get("MICROCREDS_SANDBOX_LMS_URL", "http://localhost:8000")
CMS_ROOT_URL = os.environ.get("MICROCREDS_SANDBOX_CMS_URL", "http://localhost:8010")


# JWTs as the LMS issues them, checked by edx-drf-extensions' JwtAuthentication (the REST API
# takes them as the platform's own APIs do): RS256 with the sandbox's own key pair, made once
# per demo-output (the LMS publishes its public keys in JWT_PUBLIC_SIGNING_JWK_SET the same way).
def _jwt_keys():
    import json

    path = DEMO_OUTPUT_DIR / "jwt-signing-key.json"
    if not path.exists():
        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = json.loads(RSAAlgorithm.to_jwk(key))
        private["kid"] = "sandbox"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(private))
        temporary.chmod(0o600)
        temporary.replace(path)  # another process may have written it first: either is fine
    private = json.loads(path.read_text())
    public = {k: v for k, v in private.items() if k in ("kty", "n", "e", "kid")}
    return json.dumps(private), json.dumps({"keys": [public]})


JWT_PRIVATE_SIGNING_JWK, JWT_PUBLIC_SIGNING_JWK_SET = _jwt_keys()
JWT_AUTH = {
    "JWT_ISSUERS": [
        {
            "ISSUER": f"{LMS_ROOT_URL}/oauth2",
            "AUDIENCE": "sandbox-lms",
            "SECRET_KEY": os.environ.get(
                "MICROCREDS_SANDBOX_JWT_SECRET", "sandbox-only-jwt-secret-not-for-production"
            ),
        }
    ],
    "JWT_ISSUER": f"{LMS_ROOT_URL}/oauth2",
    "JWT_AUDIENCE": "sandbox-lms",
    "JWT_SECRET_KEY": os.environ.get(
        "MICROCREDS_SANDBOX_JWT_SECRET", "sandbox-only-jwt-secret-not-for-production"
    ),
    "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_ALGORITHM": "RS256",
    "JWT_SIGNING_ALGORITHM": "RS256",
    "JWT_PRIVATE_SIGNING_JWK": JWT_PRIVATE_SIGNING_JWK,
    "JWT_PUBLIC_SIGNING_JWK_SET": JWT_PUBLIC_SIGNING_JWK_SET,
    "JWT_VERIFY_EXPIRATION": True,
}

# Operator choices, made before the plugin settings load: the plugin must keep them.
MICROCREDS_PLATFORM_BACKEND = "sandbox.fake_platform.FakePlatform"
# Backpacks (Open Badges 3.0 hosts): learners may type any address, and hosts on loopback over
# plain http are allowed, so that a test host started by hand on 127.0.0.1 can be connected.
# Sandbox only: never in production (MICROCREDS_OB3_ALLOW_LOOPBACK lets learners point the LMS
# at services on its own machine).
MICROCREDS_OB3_HOSTS = [
    {
        "name": "Loopback test backpack",
        "url": os.environ.get("MICROCREDS_SANDBOX_BACKPACK_URL", "http://127.0.0.1:8765"),
    }
]
MICROCREDS_OB3_ALLOW_ANY_HOST = True
MICROCREDS_OB3_ALLOW_LOOPBACK = True
# ...knowingly: its system check warning would otherwise open every command's output.
SILENCED_SYSTEM_CHECKS = ["openedx_microcreds.W011"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"openedx_microcreds": {"handlers": ["console"], "level": "INFO"}},
}


def load_plugins(module_name, project, settings_types):
    """Do what the platform's settings modules do for ``project`` ("lms.djangoapp" or
    "cms.djangoapp"): add the plugin apps to INSTALLED_APPS, then apply each settings type's
    plugin settings to the module ``module_name`` in order."""
    module = sys.modules[module_name]
    module.INSTALLED_APPS = [*module.INSTALLED_APPS, *get_plugin_apps(project)]
    for settings_type in settings_types:
        add_plugins(module_name, project, settings_type)
