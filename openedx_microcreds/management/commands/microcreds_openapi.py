"""Write the OpenAPI document of REST API v1 as the code generates it (or check the committed
one against it).

    manage.py lms microcreds_openapi openedx_microcreds/rest_api/v1/openapi.yaml
    manage.py lms microcreds_openapi --check openedx_microcreds/rest_api/v1/openapi.yaml
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Generate (or --check) the OpenAPI document of the REST API v1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="'-': stdout.")
        parser.add_argument("--check", action="store_true", help="Fail when FILE differs.")

    def handle(self, *args: Any, **options: Any) -> None:
        from ...rest_api.v1.schema import generate

        text = generate()
        path = options["file"]
        if options["check"]:
            if path == "-" or not Path(path).is_file() or Path(path).read_text("utf-8") != text:
                raise CommandError(f"{path} is not what the code generates: regenerate it")
            self.stdout.write(f"{path} is up to date.")
        elif path == "-":
            self.stdout.write(text, ending="")
        else:
            Path(path).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {path}.")
