"""The sandbox Studio as the platform's test settings load it: plugin settings common, test."""

from .base import *  # noqa: F403
from .base import load_plugins

SANDBOX_PROJECT = "cms.djangoapp"
ROOT_URLCONF = "sandbox.urls_cms"

load_plugins(__name__, SANDBOX_PROJECT, ("common", "test"))
