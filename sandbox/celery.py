"""
The sandbox's Celery app.

Eager (tasks run in-process, at ``delay()``) unless ``MICROCREDS_CELERY_BROKER`` names a broker
such as ``redis://127.0.0.1:6379/0``; then tasks go to that broker and need a worker:
``MICROCREDS_CELERY_BROKER=redis://127.0.0.1:6379/0 celery -A sandbox worker -l info``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings.lms")

app = Celery("sandbox")
# The CELERY_* Django settings (see sandbox/settings/base.py) configure the app.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
