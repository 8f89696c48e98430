"""The sandbox LMS as the platform's test settings load it: plugin settings common, test."""

from .base import *  # noqa: F403
from .base import load_plugins, platform_queues

SANDBOX_PROJECT = "lms.djangoapp"
CELERY_DEFAULT_QUEUE, CELERY_QUEUES = platform_queues("lms")
ROOT_URLCONF = "sandbox.urls_lms"

load_plugins(__name__, SANDBOX_PROJECT, ("common", "test"))
