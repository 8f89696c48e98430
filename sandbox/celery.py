"""
The sandbox's Celery app, configured exactly as edx-platform configures its own
(openedx/core/lib/celery/__init__.py): ``config_from_object("django.conf:settings")`` with no
namespace, so the old-style setting names apply (BROKER_URL, CELERY_ALWAYS_EAGER,
CELERYBEAT_SCHEDULE, ...), and the task protocol the platform pins.

Eager (tasks run in-process, at ``delay()``) unless ``MICROCREDS_CELERY_BROKER`` names a broker
such as ``redis://127.0.0.1:6379/0``; then tasks go to that broker and need a worker:
``MICROCREDS_CELERY_BROKER=redis://127.0.0.1:6379/0 celery -A sandbox worker -l info``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings.lms")

app = Celery("proj")
app.conf.task_protocol = 1
app.config_from_object("django.conf:settings")
app.autodiscover_tasks()
