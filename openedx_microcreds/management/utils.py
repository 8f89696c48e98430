"""Helpers shared by the ``microcreds_*`` management commands: finding what the operator named,
reading JSON files with useful errors, progress bars and plain-text tables."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from ..models import CredentialDefinition, Issuer
from ..platform import PlatformAdapter


def add_progress_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="Do not show a progress bar (it is shown only when stderr is a terminal).",
    )


def progress(iterable: Iterable[Any], *, options: dict[str, Any], **kwargs: Any) -> Any:
    """``iterable`` wrapped in a tqdm bar on stderr, unless disabled or stderr is no terminal."""
    from tqdm import tqdm

    enabled = not options.get("no_progress") and _is_tty(sys.stderr)
    kwargs.setdefault("unit", "learner")
    return tqdm(iterable, disable=not enabled, file=sys.stderr, dynamic_ncols=True, **kwargs)


def _is_tty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; refuses (CommandError) when nobody can answer."""
    if not _is_tty(sys.stdin):
        raise CommandError("confirmation needed, but stdin is not a terminal: pass --yes")
    answer = input(f"{question} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def find_issuer(value: str) -> Issuer:
    """The issuer with this id or name (exact, then case-insensitive)."""
    value = value.strip()
    if value.isdigit():
        issuer = Issuer.objects.filter(pk=int(value)).first()
        if issuer is not None:
            return issuer
    matches = list(Issuer.objects.filter(name=value)) or list(
        Issuer.objects.filter(name__iexact=value)
    )
    if not matches:
        known = ", ".join(f"{i.pk}: {i.name}" for i in Issuer.objects.all()[:20]) or "none"
        raise CommandError(f"no issuer with id or name {value!r} (issuers: {known})")
    if len(matches) > 1:
        ids = ", ".join(str(issuer.pk) for issuer in matches)
        raise CommandError(f"several issuers are named {value!r} (ids {ids}); give the id")
    return matches[0]


def find_definition(slug: str) -> CredentialDefinition:
    definition = CredentialDefinition.objects.select_related("issuer").filter(slug=slug).first()
    if definition is None:
        raise CommandError(f"no credential definition with slug {slug!r}")
    return definition


def require_course(platform: PlatformAdapter, course_key: str) -> str:
    """The course key as given, once the platform confirms the course exists."""
    from ..models import validate_course_key

    try:
        validate_course_key(course_key)
    except Exception:  # noqa: BLE001 - a ValidationError; its text is not for a terminal
        raise CommandError(f"{course_key!r} is not a course key") from None
    if not platform.course_exists(course_key):
        raise CommandError(f"unknown course {course_key}")
    return course_key


# A definitions file holds many rules; each is then held to the rule engine's own bounds. These
# only keep the parser itself safe (Python's JSON parser recurses once per level).
JSON_FILE_MAX_SIZE = 50_000_000
JSON_FILE_MAX_DEPTH = 200


def read_json_file(
    path: str, *, max_size: int = JSON_FILE_MAX_SIZE, max_depth: int = JSON_FILE_MAX_DEPTH
) -> Any:
    """Parsed JSON from ``path`` ("-": stdin), with the line and column of a syntax error; a
    file too large or nested too deeply is refused, with where, before it is parsed."""
    from ..rules import limits

    if path == "-":
        text = sys.stdin.read(max_size + 1)
    else:
        try:
            with Path(path).open(encoding="utf-8") as source:
                text = source.read(max_size + 1)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read: {exc}") from None
    too_big = limits.text_problem(text, max_size=max_size, max_depth=max_depth)
    if too_big is not None:
        where, message = too_big
        raise CommandError(f"{path}: {where}: {message}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def open_for_writing(path: str, *, newline: str | None = None) -> Any:
    """A text file opened for writing, with a CommandError instead of an OSError."""
    target = Path(path)
    if not target.parent.is_dir():
        raise CommandError(f"{path}: directory {target.parent} does not exist")
    try:
        return target.open("w", encoding="utf-8", newline=newline)
    except OSError as exc:
        raise CommandError(f"{path}: cannot write: {exc}") from None


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Rows in left-aligned columns; the last column is not padded."""
    table = [[str(cell) for cell in headers], *([str(cell) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    lines = []
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


# --- evaluation outcomes, for tables and CSV files ------------------------------------------


def explanation_from_dict(data: dict[str, Any]) -> Any:
    """Rebuild a :class:`~openedx_microcreds.rules.Explanation` from its ``to_dict()`` form."""
    from ..rules import BlockOutcome, Explanation

    return Explanation(
        clause_id=str(data.get("clause_id", "")),
        type=str(data.get("type", "")),
        passed=bool(data.get("passed")),
        summary=str(data.get("summary", "")),
        actual=data.get("actual"),
        required=data.get("required"),
        children=tuple(explanation_from_dict(child) for child in data.get("children") or ()),
        blocks=tuple(
            BlockOutcome(
                block=block.get("block", ""),
                course=block.get("course"),
                weight=block.get("weight", 1.0),
                earned=block.get("earned"),
                possible=block.get("possible"),
                missing=block.get("missing"),
            )
            for block in data.get("blocks") or ()
        ),
    )


def explanation_tree(evaluation: Any) -> dict[str, Any] | None:
    """The rule's explanation recorded on an Evaluation (None when the rule was not run)."""
    return (evaluation.explanation or {}).get("explanation") or None


def explanation_text(evaluation: Any) -> str:
    """The full explanation, one clause a line, for people (empty when the rule was not run)."""
    tree = explanation_tree(evaluation)
    return explanation_from_dict(tree).render_text(ascii_marks=True) if tree else ""
