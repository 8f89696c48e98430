"""Credential definitions as a JSON file ("rules as code"): export, validate, import.

The file is an object ``{"format": ..., "version": 1, "definitions": [...]}`` (a bare list of
definitions is accepted too). Each definition is keyed by its ``slug``; its issuer is named by
``issuer`` (the issuer's name). Importing validates every definition first, rules included, and
writes nothing unless all are valid. Fields a definition leaves out keep their current value
(or the model default for a new definition).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import definition_fields, rules
from ..models import CredentialDefinition, Issuer

FORMAT = "openedx-microcreds-definitions"
FORMAT_VERSION = 1

#: Model fields written to and read from the file as they are, in file order: every editable
#: field but the slug (the key) and the issuer (named by its name), which come first.
FIELDS = tuple(name for name in definition_fields.NAMES if name not in ("slug", "issuer"))
KEYS = ("slug", "issuer", *FIELDS)
REQUIRED_FOR_NEW = ("issuer", "name", "course_key", "rule")


def definition_to_dict(definition: CredentialDefinition) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": definition.slug, "issuer": definition.issuer.name}
    data.update((name, getattr(definition, name)) for name in FIELDS)
    return data


def export_definitions(course_key: str | None = None) -> dict[str, Any]:
    definitions = CredentialDefinition.objects.select_related("issuer").order_by("slug")
    if course_key is not None:
        definitions = definitions.filter(course_key=course_key)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "definitions": [definition_to_dict(definition) for definition in definitions],
    }


class ImportRefused(Exception):
    """The file has problems; nothing was written. ``problems``: "slug: path: message" lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Not errors: e.g. a rule requiring a credential that neither the file nor the site has.
    warnings: list[str] = field(default_factory=list)


def import_definitions(document: Any, *, dry_run: bool = False) -> ImportReport:
    """Create or update definitions by slug; all or nothing. Raises :class:`ImportRefused`."""
    entries = _entries(document)
    problems: list[str] = []
    report = ImportReport()
    planned: list[tuple[CredentialDefinition, bool]] = []  # (definition, is new)
    seen: set[str] = set()
    issuers = _IssuerLookup()
    for position, entry in enumerate(entries):
        definition, changed = _prepare(entry, position, seen, issuers, problems)
        if definition is None:
            continue
        if definition.pk is None:
            report.created.append(definition.slug)
            planned.append((definition, True))
        elif changed:
            report.updated.append(definition.slug)
            planned.append((definition, False))
        else:
            report.unchanged.append(definition.slug)
    if problems:
        raise ImportRefused(problems)
    report.warnings = _missing_requirements([d for d, _new in planned], seen)
    if not dry_run:
        with transaction.atomic():
            for definition, _new in planned:
                definition.save()
    return report


def _entries(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("definitions"), list):
        version = document.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise ImportRefused([f"$: version: {version!r} is not supported (expected 1)"])
        return document["definitions"]
    raise ImportRefused(['$: expected {"definitions": [...]} or a list of definitions'])


class _IssuerLookup:
    def __init__(self) -> None:
        self._cache: dict[str, list[Issuer]] = {}

    def get(self, name: str) -> list[Issuer]:
        if name not in self._cache:
            self._cache[name] = list(Issuer.objects.filter(name=name))
        return self._cache[name]


def _prepare(
    entry: Any,
    position: int,
    seen: set[str],
    issuers: _IssuerLookup,
    problems: list[str],
) -> tuple[CredentialDefinition | None, bool]:
    """The definition with ``entry`` applied (not saved) and whether anything changed; None
    when the entry has problems (added to ``problems``)."""
    label = f"definitions[{position}]"
    if not isinstance(entry, dict):
        problems.append(f"{label}: $: must be an object, got {type(entry).__name__}")
        return None, False
    slug = entry.get("slug")
    if not isinstance(slug, str) or not slug:
        problems.append(f"{label}: slug: is required (a non-empty string)")
        return None, False
    found: list[str] = []

    def problem(path: str, message: str) -> None:
        found.append(f"{slug}: {path}: {message}")

    if slug in seen:
        problem("slug", f"appears more than once in the file (again at {label})")
    seen.add(slug)
    for key in sorted(set(entry) - set(KEYS)):
        problem(key, f"unknown field (fields: {', '.join(KEYS)})")

    definition = CredentialDefinition.objects.filter(slug=slug).first()
    is_new = definition is None
    if is_new:
        definition = CredentialDefinition(slug=slug)
        for key in REQUIRED_FOR_NEW:
            if key not in entry:
                problem(key, "is required for a new definition")
    before = None if is_new else _values(definition)

    if "issuer" in entry:
        name = entry["issuer"]
        matches = issuers.get(name) if isinstance(name, str) else []
        if not isinstance(name, str):
            problem("issuer", "must be the issuer's name (a string)")
        elif not matches:
            problem("issuer", f"no issuer named {name!r}")
        elif len(matches) > 1:
            problem("issuer", f"several issuers are named {name!r}; rename one")
        else:
            definition.issuer = matches[0]
    for name in FIELDS:
        if name in entry:
            setattr(definition, name, entry[name])
    if definition.course_key == "":
        definition.course_key = None

    if not found:
        # The model checks every field: the rule through the rule engine, URLs, alignments,
        # texts (field_checks.py). Messages of JSON fields start with their path inside.
        try:
            exclude = [] if definition.issuer_id else ["issuer"]
            definition.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                for message in messages:
                    problem(field_name, message)
    if found:
        problems.extend(found)
        return None, False
    return definition, is_new or _values(definition) != before


def _values(definition: CredentialDefinition) -> dict[str, Any]:
    values = {name: getattr(definition, name) for name in FIELDS}
    values["issuer_id"] = definition.issuer_id
    return values


def _missing_requirements(definitions: list[CredentialDefinition], in_file: set[str]) -> list[str]:
    warnings = []
    for definition in definitions:
        if not definition.rule:
            continue
        required = rules.required_credentials(
            rules.parse_rule(definition.rule, require_explicit_course=definition.is_pathway)
        )
        for slug in sorted(required):
            if slug not in in_file and not CredentialDefinition.objects.filter(slug=slug).exists():
                warnings.append(
                    f"{definition.slug}: rule: requires credential {slug!r}, which does not exist"
                )
    return warnings
