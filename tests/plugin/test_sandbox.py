"""The sandbox project itself: Celery mode, database selection, the manage.py front end."""

import json
import subprocess
import sys

from django.conf import settings

from .helpers import MANAGE, REPO, sandbox_env

SHOW = """
import json, django
django.setup()
from django.conf import settings
from sandbox.celery import app
db = settings.DATABASES["default"]
import sys
mysqldb = sys.modules.get("MySQLdb")
print(json.dumps({
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "engine": db["ENGINE"],
    "name": db["NAME"],
    "test_name": db.get("TEST", {}).get("NAME"),
    "charset": db.get("OPTIONS", {}).get("charset"),
    "mysqldb_version": list(mysqldb.version_info) if mysqldb else None,
}))
"""


def show(**env):
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=REPO,
        env=sandbox_env(**env, DJANGO_SETTINGS_MODULE="sandbox.settings.lms"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_celery_is_eager_by_default():
    from sandbox.celery import app

    assert settings.CELERY_ALWAYS_EAGER is True
    assert app.conf.task_always_eager is True
    report = show()
    assert report["eager"] is True
    assert report["broker"] == "memory://"


def test_celery_uses_a_broker_when_given():
    report = show(MICROCREDS_CELERY_BROKER="redis://127.0.0.1:6379/0")
    assert report["eager"] is False
    assert report["broker"] == "redis://127.0.0.1:6379/0"


def test_sqlite_by_default(tmp_path):
    report = show(sqlite_path=tmp_path / "x.sqlite3")
    assert report["engine"] == "django.db.backends.sqlite3"
    assert report["name"] == str(tmp_path / "x.sqlite3")


def test_mysql_through_pymysql():
    report = show(MICROCREDS_TEST_DB="mysql")
    assert report["engine"] == "django.db.backends.mysql"
    assert (report["name"], report["test_name"]) == ("microcreds", "test_microcreds")
    assert report["charset"] == "utf8mb4"
    assert report["mysqldb_version"][:3] >= [2, 2, 1]


def test_manage_requires_a_project():
    result = subprocess.run(
        [sys.executable, str(MANAGE), "check"],
        cwd=REPO,
        env=sandbox_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "lms|cms" in result.stderr
