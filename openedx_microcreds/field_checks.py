"""What issuers and credential definitions may hold in the fields credentials copy.

issuing.py copies these fields into every credential it signs: the issuer's name, URL, image and
description, the definition's name, description, criteria, image and alignments, and (through
the rule) competency names and URLs and clause labels. Strict mode refuses a credential with a
URL a verifier would not accept or a control character in a text, at issue time, for every
learner. So each field is checked here, when it is saved, with the rule engine's helpers: the
same "path: message" errors as rules (``$[0].targetUrl: must be an http(s) URL, got "..."``).

Plain functions over the model instances (no database access), used by the models' ``clean()``
and ``save()``, hence by the admin and ``microcreds_rules import`` too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .rules import RuleValidationError, parse_rule
from .rules.errors import key_path, show
from .rules.fields import FieldReader, Problems
from .rules.limits import value_problem
from .rules.urls import url_problem

# The criteria narrative is rendered on public pages; longer ones are shown as plain text.
NARRATIVE_MAX_LENGTH = 10_000

#: Keys of an alignment object (what issuing.py copies into the credential).
ALIGNMENT_KEYS = ("targetName", "targetUrl", "targetCode", "targetFramework", "targetType")
#: Open Badges 3.0 AlignmentTargetType values; extensions start with "ext:".
ALIGNMENT_TARGET_TYPES = (
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
)
_EXTENSION = re.compile(r"ext:[A-Za-z0-9][A-Za-z0-9._-]*")
_DID = re.compile(r"did:(?P<method>web|key):(?P<id>[A-Za-z0-9._%-]+(?::[A-Za-z0-9._%-]+)*)")

Errors = dict[str, list[str]]


def issuer_problems(issuer: Any) -> Errors:
    """Problems of an Issuer's fields, by field name."""
    errors: Errors = {}
    _name(errors, "name", issuer.name)
    _text(errors, "description", issuer.description)
    _url(errors, "url", issuer.url, required=True)
    _url(errors, "image_url", issuer.image_url)
    if issuer.did:
        _add(errors, "did", did_problem(issuer.did))
    return errors


def definition_problems(definition: Any) -> Errors:
    """Problems of a CredentialDefinition's fields, by field name; the rule's and the
    alignments' messages start with their path inside the field."""
    errors: Errors = {}
    _name(errors, "name", definition.name)
    _text(errors, "description", definition.description)
    _text(errors, "criteria_narrative", definition.criteria_narrative)
    if len(definition.criteria_narrative or "") > NARRATIVE_MAX_LENGTH:
        _add(
            errors,
            "criteria_narrative",
            f"must be at most {NARRATIVE_MAX_LENGTH} characters, got "
            f"{len(definition.criteria_narrative)}",
        )
    _url(errors, "image_url", definition.image_url)
    for path, message in alignment_problems(definition.alignments):
        _add(errors, "alignments", f"{path}: {message}")
    for path, message in rule_problems(definition):
        _add(errors, "rule", f"{path}: {message}")
    return errors


def rule_problems(definition: Any) -> Problems:
    """The rule engine's problems with the rule. The empty rule of a draft is still being
    written; every other rule must be valid (a pathway's clauses must name their courses)."""
    rule = definition.rule
    if rule in (None, {}) and definition.state == "draft":
        return []
    if not isinstance(rule, dict):
        return [("$", f"must be a JSON object describing a rule clause, got {show(rule)}")]
    try:
        parse_rule(rule, require_explicit_course=not definition.course_key)
    except RuleValidationError as exc:
        return [(problem.path, problem.message) for problem in exc.problems]
    return []


def alignment_problems(value: Any) -> Problems:
    """Problems of a definition's ``alignments``: a list of OB 3.0 Alignment objects."""
    too_big = value_problem(value)
    if too_big is not None:
        return [too_big]
    if not isinstance(value, list):
        return [("$", f"must be a list of alignment objects, got {show(value)}")]
    problems: Problems = []
    for index, alignment in enumerate(value):
        path = f"$[{index}]"
        if not isinstance(alignment, dict):
            shape = '{"targetName": ..., "targetUrl": ...}'
            problems.append((path, f"must be an object like {shape}, got {show(alignment)}"))
            continue
        fields = FieldReader(problems, alignment, path, "an alignment")
        fields.reject_unknown_keys(ALIGNMENT_KEYS)
        fields.text("targetName", required=True)
        fields.url("targetUrl", expected="an http(s) URL of what the credential aligns to")
        fields.text("targetCode")
        fields.text("targetFramework")
        target_type = alignment.get("targetType")
        if (
            target_type is not None
            and target_type not in ALIGNMENT_TARGET_TYPES
            and not (isinstance(target_type, str) and _EXTENSION.fullmatch(target_type))
        ):
            problems.append(
                (
                    key_path(path, "targetType"),
                    f"must be one of {', '.join(ALIGNMENT_TARGET_TYPES)} or 'ext:' and a name, "
                    f"got {show(target_type)}",
                )
            )
    return problems


def did_problem(did: str) -> str | None:
    """An issuer's DID is its id in every credential: did:web (its document URL must be a
    URL verifiers accept) or did:key."""
    match = _DID.fullmatch(did)
    if match is None:
        return f"must be a did:web or did:key identifier, got {show(did)}"
    if match["method"] == "web":
        host, *path = match["id"].split(":")
        url = "https://" + host.replace("%3A", ":") + "/" + "/".join(path)
        problem = url_problem(url)
        if problem is not None:
            return f"must name a web address verifiers can fetch ({problem.split(', got')[0]})"
    return None


def text_problem(value: Any, *, one_line: bool) -> str | None:
    """Texts in credentials may not hold control characters (strict mode refuses them);
    names are one line."""
    if not isinstance(value, str):
        return f"must be text, got {show(value)}"
    allowed = "" if one_line else "\t\n\r"
    for char in value:
        # Cs: a lone surrogate, which no UTF-8 document can hold.
        if char not in allowed and unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            what = "one line of text" if one_line else "text"
            return f"must be {what} without control characters, got {show(value)}"
    return None


def _add(errors: Errors, field: str, message: str | None) -> None:
    if message:
        errors.setdefault(field, []).append(message)


def _name(errors: Errors, field: str, value: Any) -> None:
    """Names are required in credentials: one line, not only spaces."""
    if isinstance(value, str) and value and not value.strip():
        _add(errors, field, f"must not be blank, got {show(value)}")
    elif value:
        _add(errors, field, text_problem(value, one_line=True))


def _text(errors: Errors, field: str, value: Any) -> None:
    if value:
        _add(errors, field, text_problem(value, one_line=False))


def _url(errors: Errors, field: str, value: Any, *, required: bool = False) -> None:
    if value or required:
        _add(errors, field, url_problem(value))
