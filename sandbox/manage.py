#!/usr/bin/env python
"""
Run a Django command in the sandbox LMS or Studio, like edx-platform's ``./manage.py lms ...``:

    python sandbox/manage.py lms migrate
    python sandbox/manage.py cms migrate
    python sandbox/manage.py lms runserver 8000
    python sandbox/manage.py cms runserver 8010
    python sandbox/manage.py lms --settings=sandbox.settings.lms_test check

The first argument picks the project; ``--settings`` overrides the settings module.
"""

import os
import sys
from pathlib import Path

PROJECTS = {"lms": "sandbox.settings.lms", "cms": "sandbox.settings.cms"}


def main(argv):
    if len(argv) < 2 or argv[1] not in PROJECTS:
        sys.stderr.write(f"usage: {argv[0]} {{lms|cms}} <command> [options]\n")
        return 2
    # Python put this script's directory first on sys.path, where sandbox/celery.py would hide
    # the celery package; the repository root belongs there instead.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(here.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PROJECTS[argv[1]])

    from django.core.management import execute_from_command_line

    execute_from_command_line([argv[0], *argv[2:]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
