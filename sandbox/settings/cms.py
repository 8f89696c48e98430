"""The sandbox Studio, set up like a devstack: plugin settings common, production, devstack."""

from .base import *  # noqa: F403
from .base import load_plugins, platform_queues

SANDBOX_PROJECT = "cms.djangoapp"
CELERY_DEFAULT_QUEUE, CELERY_QUEUES = platform_queues("cms")
ROOT_URLCONF = "sandbox.urls_cms"

load_plugins(__name__, SANDBOX_PROJECT, ("common", "production", "devstack"))
