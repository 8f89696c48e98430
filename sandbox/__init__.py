"""
A small Django project that loads openedx-microcreds exactly as the LMS and Studio do: through the
plugin entry points and edx-django-utils' plugin functions. Used by the tests and the demo.
edx-platform itself is played by ``fake_platform.FakePlatform`` over the sandbox's own tables
(``models.py``), shared by every process that uses the sandbox's database.

The Celery app is imported here so that ``shared_task`` binds to it.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
