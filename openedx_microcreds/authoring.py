"""Authoring credential definitions: check them (the rule engine, every field a credential copies,
and against the course itself), create, edit with optimistic concurrency, activate, archive and
duplicate them. Used through :mod:`openedx_microcreds.api`.

Edits name the state of the definition they were made on (``edit_tag``: its version and
revision, "3.7"); an edit made on an older state is refused (StaleEdit), never merged. The check
and the write are one conditional UPDATE, so two authors saving at the same moment cannot both
win, on any database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from . import definition_fields, rules
from .models import CredentialDefinition, Issuer, SigningKey
from .platform import CourseNotFoundError, CourseOutline, PlatformAdapter, get_platform
from .problems import (
    ERROR,
    WARNING,
    Conflict,
    EditTagRequired,
    InvalidInput,
    NotFound,
    Problem,
    StaleEdit,
    errors_only,
)
from .rules.codes import problem_code
from .rules.keys import resolve_block_course
from .rules.model import (
    AssignmentAverage,
    BlockScore,
    ClauseBase,
    CompetencyClause,
    CourseGrade,
    CoursePassed,
    HoldsCredential,
    WeightedAverage,
)

State = CredentialDefinition.State
#: Fields an edit may change (all editable ones; the REST API keeps the course fixed).
EDITABLE = definition_fields.NAMES


# --- checking -------------------------------------------------------------------------------


def rule_problems(
    rule: Any,
    *,
    course_key: str | None,
    slug: str | None = None,
    platform: PlatformAdapter | None = None,
) -> list[Problem]:
    """Every problem of ``rule`` for a definition of ``course_key`` (None: a pathway), paths
    inside the rule ("$.of[1].min"): the rule engine's, then the course's own (blocks that are
    not in it, assignment types it does not grade, credentials that do not exist, stacking
    that would go round in a circle back to ``slug``, the definition being edited)."""
    try:
        parsed = rules.parse_rule(rule, require_explicit_course=not course_key)
    except rules.RuleValidationError as exc:
        return [Problem(p.path, problem_code(p.message), p.message) for p in exc.problems]
    return _CourseChecks(platform or get_platform(), course_key, slug).run(parsed)


def _clauses_with_paths(clause: Any, path: str = "$") -> Iterator[tuple[Any, str]]:
    yield clause, path
    for index, child in enumerate(getattr(clause, "of", None) or ()):
        yield from _clauses_with_paths(child, f"{path}.of[{index}]")


class _CourseChecks:
    def __init__(self, platform: PlatformAdapter, course_key: str | None, slug: str | None):
        self.platform = platform
        self.course_key = course_key
        self.slug = slug
        # What the other definitions stack on, read once however many clauses ask.
        self._stacking: dict[str, set[str]] | None = None
        self.outlines: dict[str, CourseOutline | None] = {}
        self.problems: list[Problem] = []

    def outline(self, course_key: str) -> CourseOutline | None:
        if course_key not in self.outlines:
            try:
                self.outlines[course_key] = self.platform.course_outline(course_key)
            except CourseNotFoundError:
                self.outlines[course_key] = None
        return self.outlines[course_key]

    def add(self, path: str, code: str, message: str, severity: str = ERROR) -> None:
        self.problems.append(Problem(path, code, message, severity))

    def run(self, rule: rules.Rule) -> list[Problem]:
        for clause, path in _clauses_with_paths(rule.root):
            match clause:
                case CoursePassed() | CourseGrade():
                    self.course(clause, path)
                case AssignmentAverage():
                    self.assignment_type(clause, path)
                case BlockScore():
                    self.blocks(clause, [(f"{path}.block", clause.block)])
                case WeightedAverage() | CompetencyClause():
                    entries = [
                        (f"{path}.blocks[{i}].block", entry.block)
                        for i, entry in enumerate(clause.blocks)
                    ]
                    self.blocks(clause, entries)
                case HoldsCredential():
                    self.credential(clause, path)
        return self.problems

    def course(self, clause: ClauseBase, path: str) -> CourseOutline | None:
        course = getattr(clause, "course", None) or self.course_key
        if course is None:
            return None
        outline = self.outline(course)
        if outline is None:
            where = f"{path}.course" if getattr(clause, "course", None) else path
            self.add(where, "unknown_course", f"course {course} does not exist")
        return outline

    def assignment_type(self, clause: AssignmentAverage, path: str) -> None:
        outline = self.course(clause, path)
        if outline is not None and clause.assignment_type not in outline.assignment_types:
            known = ", ".join(outline.assignment_types) or "none"
            self.add(
                f"{path}.assignment_type",
                "unknown_assignment_type",
                f"{clause.assignment_type!r} is not an assignment type of {outline.course_key} "
                f"(its types: {known})",
            )

    def blocks(self, clause: Any, entries: list[tuple[str, str]]) -> None:
        found: dict[str, str] = {}  # usage key -> its path, for overlap checks
        for block_path, block in entries:
            course = resolve_block_course(clause.course, block, self.course_key)
            if course is None:
                continue  # the parser asked for a course already
            outline = self.outline(course)
            if outline is None:
                self.add(block_path, "unknown_course", f"course {course} does not exist")
                continue
            known = outline.find(block)
            if known is None:
                self.add(
                    block_path,
                    "unknown_block",
                    f"{block} is not a section, subsection or unit of {outline.course_key}",
                )
                continue
            if not known.graded:
                self.add(
                    block_path,
                    "block_not_graded",
                    f"{known.display_name} is not graded: learners' scores on it do not count "
                    "towards their grade",
                    WARNING,
                )
            found[block] = block_path
        # Weights: a block inside another listed block counts twice in the average.
        for block, block_path in found.items():
            course = resolve_block_course(clause.course, block, self.course_key)
            outline = self.outline(course) if course else None
            parent = outline.find(block).parent if outline else None
            while parent is not None and outline is not None:
                if parent in found:
                    self.add(
                        block_path,
                        "overlapping_blocks",
                        f"is inside {parent}, listed too ({found[parent]}): its score would "
                        "count twice",
                        WARNING,
                    )
                    break
                holder = outline.find(parent)
                parent = holder.parent if holder else None

    def credential(self, clause: HoldsCredential, path: str) -> None:
        slug = clause.credential
        target = CredentialDefinition.objects.filter(slug=slug).only("state").first()
        where = f"{path}.credential"
        if target is None and slug != self.slug:
            self.add(where, "unknown_credential", f"no credential has the slug {slug!r}")
            return
        if target is not None and target.state == State.ARCHIVED:
            self.add(
                where, "archived_credential", f"{slug} is archived: no one earns it now", WARNING
            )
        cycle = None
        if self.slug:
            if self._stacking is None:
                self._stacking = _stacking_graph(self.slug)
            cycle = _cycle_through(self.slug, slug, self._stacking)
        if cycle:
            self.add(
                where,
                "stacking_cycle",
                "stacking goes round in a circle: " + " -> ".join(cycle),
            )


def _stacking_graph(slug: str) -> dict[str, set[str]]:
    """What each other definition (not archived) requires holding, by slug."""
    graph: dict[str, set[str]] = {}
    for other in CredentialDefinition.objects.exclude(state=State.ARCHIVED).exclude(slug=slug):
        try:
            parsed = rules.parse_rule(other.rule, require_explicit_course=other.is_pathway)
        except rules.RuleValidationError:
            continue
        graph[other.slug] = rules.required_credentials(parsed)
    return graph


def _cycle_through(slug: str, first: str, graph: dict[str, set[str]]) -> list[str] | None:
    """The credentials from ``slug`` through ``first`` back to ``slug``, if the stacking of the
    other definitions (``graph``) leads back; None otherwise."""
    path = [slug, first]
    seen = {first}
    stack = [(first, iter(sorted(graph.get(first, ()))))]
    while stack:
        node, children = stack[-1]
        if node == slug:
            return path
        child = next(children, None)
        if child is None:
            stack.pop()
            path.pop()
            continue
        if child == slug:
            return [*path, slug]
        if child not in seen:
            seen.add(child)
            path.append(child)
            stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def definition_problems(
    definition: CredentialDefinition, *, platform: PlatformAdapter | None = None
) -> list[Problem]:
    """Every problem of a definition about to be saved, paths into it ("$.name",
    "$.rule.of[1].min"): the model's checks, then the course's checks of its rule."""
    problems: list[Problem] = []
    try:
        exclude = [] if definition.issuer_id else ["issuer"]
        definition.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        for field, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    problems.append(_field_problem(field, message, error.code))
    if definition.issuer_id is None:
        problems.append(
            Problem("$.issuer", "required", "is required: the issuer of the credential")
        )
    if not any(p.path.startswith("$.rule") for p in problems) and definition.rule:
        problems.extend(
            Problem(_inside("rule", p.path), p.code, p.message, p.severity)
            for p in rule_problems(
                definition.rule,
                course_key=definition.course_key,
                slug=definition.slug,
                platform=platform,
            )
        )
    return problems


_INNER_PATH = re.compile(r"(\$\S*): (.*)", re.DOTALL)


def _field_problem(field: str, message: str, code: str | None) -> Problem:
    """A model error as a problem. The rule's and alignments' messages start with their path
    inside the field ("$.of[1].min: must be ...")."""
    inner = _INNER_PATH.fullmatch(message) if field in ("rule", "alignments") else None
    if inner is not None:
        return Problem(_inside(field, inner[1]), problem_code(inner[2]), inner[2])
    if code in (None, "invalid_content"):
        code = problem_code(message) if field in ("rule", "alignments") else "invalid"
    return Problem(f"$.{field}", code, message)


def _inside(field: str, path: str) -> str:
    return f"$.{field}{path[1:]}" if path.startswith("$") else f"$.{field}"


# --- writing --------------------------------------------------------------------------------


def check_keys(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise InvalidInput(
            [
                Problem(
                    f"$.{key}", "unknown_key", f"is not a field you can set ({', '.join(allowed)})"
                )
                for key in unknown
            ]
        )


def apply_fields(definition: CredentialDefinition, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name == "issuer":
            definition.issuer = _issuer(value)
        else:
            setattr(definition, name, value)
    if not definition.course_key:
        definition.course_key = None


def _issuer(value: Any) -> Issuer:
    issuer = None
    if isinstance(value, Issuer):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        issuer = Issuer.objects.filter(pk=value).first()
    elif isinstance(value, str):
        matches = list(Issuer.objects.filter(name=value)[:2])
        issuer = matches[0] if len(matches) == 1 else None
    if issuer is None:
        raise InvalidInput([Problem("$.issuer", "unknown_issuer", f"no issuer {value!r}")])
    return issuer


def _default_issuer() -> Issuer | None:
    """The issuer when the site has only one (authors need not know it)."""
    issuers = list(Issuer.objects.order_by("pk")[:2])
    return issuers[0] if len(issuers) == 1 else None


def free_slug(name: str) -> str:
    base = (slugify(name) or "credential")[:90].strip("-") or "credential"
    slug, number = base, 1
    while CredentialDefinition.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _save_checked(definition: CredentialDefinition) -> list[Problem]:
    problems = definition_problems(definition)
    if errors_only(problems):
        raise InvalidInput(problems)
    definition.save()
    return problems


def new_definition(data: Mapping[str, Any]) -> CredentialDefinition:
    """An unsaved draft from ``data``, with the issuer and the slug ``create`` would give it."""
    check_keys(data, EDITABLE)
    definition = CredentialDefinition(state=State.DRAFT)
    apply_fields(definition, {key: value for key, value in data.items() if key != "state"})
    if definition.issuer_id is None:
        definition.issuer = _default_issuer()
    if not data.get("slug"):
        definition.slug = free_slug(str(data.get("name") or ""))
    return definition


def create(data: Mapping[str, Any]) -> tuple[CredentialDefinition, list[Problem]]:
    """A new definition (a draft unless ``state`` says otherwise) from ``data``: editable
    fields by name, ``issuer`` by id or name (the site's only issuer when left out), ``slug``
    made from the name when left out. Returns it with any warnings."""
    definition = new_definition(data)
    with transaction.atomic():
        problems = _save_checked(definition)
        state = data.get("state", State.DRAFT)
        if state != State.DRAFT:
            problems = change_state(definition, state, expected_tag=definition.edit_tag)[1]
    return definition, problems


def parse_tag(tag: str | None) -> tuple[int, int]:
    """``"3.7"`` (quotes and a weak-tag prefix allowed) as (version, revision)."""
    if tag is None or not str(tag).strip():
        raise EditTagRequired(
            "name the state of the definition this edit was made on (its edit tag, the ETag "
            "of the definition: If-Match)"
        )
    text = str(tag).strip().removeprefix("W/").strip('"')
    match = re.fullmatch(r"(\d+)\.(\d+)", text)
    if match is None:
        raise InvalidInput([Problem("$", "invalid_tag", f'{tag!r} is not an edit tag like "3.7"')])
    return int(match[1]), int(match[2])


@transaction.atomic
def _claim(definition_pk: int, expected_tag: str | None) -> CredentialDefinition:
    """Lock the definition for this edit if it is still in the state the edit names."""
    version, revision = parse_tag(expected_tag)
    # One conditional UPDATE (that changes nothing) checks and locks: whoever comes second
    # waits for the first one's commit, then finds the revision moved on.
    claimed = CredentialDefinition.objects.filter(
        pk=definition_pk, version=version, revision=revision
    ).update(revision=revision)
    current = CredentialDefinition.objects.select_related("issuer").filter(pk=definition_pk).first()
    if current is None:
        raise NotFound("the definition no longer exists")
    if not claimed:
        raise StaleEdit(
            f"the definition changed since (it is at {current.edit_tag}, the edit was made on "
            f"{version}.{revision}): load it again and redo the edit",
            current_tag=current.edit_tag,
        )
    return current


def update(
    definition: CredentialDefinition, changes: Mapping[str, Any], *, expected_tag: str | None
) -> tuple[CredentialDefinition, list[Problem]]:
    """Apply ``changes`` (editable fields by name) if the definition is still in the state
    ``expected_tag`` names; all or nothing. A change of ``state`` goes through
    :func:`change_state` (activation is checked)."""
    check_keys(changes, EDITABLE)
    with transaction.atomic():
        current = _claim(definition.pk, expected_tag)
        state = changes.get("state")
        apply_fields(current, {key: value for key, value in changes.items() if key != "state"})
        problems = _save_checked(current)
        if state is not None and state != current.state:
            current, problems = change_state(current, state, expected_tag=current.edit_tag)
    return current, problems


def change_state(
    definition: CredentialDefinition, state: str, *, expected_tag: str | None
) -> tuple[CredentialDefinition, list[Problem]]:
    """Move the definition to ``state``. Activating checks that it can award: a rule, no
    error anywhere, and an issuer with an active signing key. Archiving stops new awards and
    leaves existing credentials valid."""
    if state not in State.values:
        raise InvalidInput(
            [Problem("$.state", "invalid_choice", f"must be one of {', '.join(State.values)}")]
        )
    with transaction.atomic():
        current = _claim(definition.pk, expected_tag)
        problems: list[Problem] = []
        if state == State.ACTIVE:
            problems = definition_problems(current)
            if not current.rule:
                problems.append(Problem("$.rule", "required", "an active credential needs a rule"))
            has_key = SigningKey.objects.filter(
                issuer_id=current.issuer_id, state=SigningKey.State.ACTIVE
            ).exists()
            if not has_key:
                problems.append(
                    Problem(
                        "$.issuer",
                        "no_signing_key",
                        f"{current.issuer} has no active signing key: nothing could be issued",
                    )
                )
            if errors_only(problems):
                raise InvalidInput(problems)
        current.state = state
        current.save(update_fields=["state", "modified"])
    return current, problems


def duplicate(
    definition: CredentialDefinition,
    *,
    course_key: str | None = None,
    slug: str | None = None,
    name: str | None = None,
) -> tuple[CredentialDefinition, list[Problem]]:
    """A draft copy of ``definition``. Into another course run (``course_key``), the rule's
    block and course keys of the original's course are moved to the new run (a course re-run
    keeps its block ids)."""
    data = {
        field: getattr(definition, field)
        for field in EDITABLE
        if field not in ("slug", "state", "issuer")
    }
    data["issuer"] = definition.issuer
    data["name"] = name or definition.name
    data["slug"] = slug or free_slug(data["name"])
    if course_key is not None and course_key != definition.course_key:
        if definition.course_key:
            data["rule"] = _moved(definition.rule, definition.course_key, course_key)
        data["course_key"] = course_key
    if CredentialDefinition.objects.filter(slug=data["slug"]).exists():
        raise Conflict(f"a credential with the slug {data['slug']!r} exists", code="slug_taken")
    return create(data)


def _moved(value: Any, old: str, new: str) -> Any:
    """``value`` (a rule document) with keys of course run ``old`` moved to ``new``."""
    from opaque_keys import InvalidKeyError
    from opaque_keys.edx.keys import CourseKey, UsageKey

    new_key = CourseKey.from_string(new)
    if isinstance(value, dict):
        return {key: _moved(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_moved(item, old, new) for item in value]
    if value == old:
        return new
    if isinstance(value, str) and value.startswith(("block-v1:", "ccx-block-v1:")):
        try:
            usage_key = UsageKey.from_string(value)
        except InvalidKeyError:
            return value
        if str(usage_key.course_key) == old:
            return str(usage_key.map_into_course(new_key))
    return value


def find(identifier: str, *, course_key: str | None = None) -> CredentialDefinition:
    """A definition by slug (or uuid), within ``course_key`` when given."""
    import uuid

    query = CredentialDefinition.objects.select_related("issuer")
    if course_key is not None:
        query = query.filter(course_key=course_key)
    found = query.filter(slug=identifier).first()
    if found is None:
        try:
            found = query.filter(uuid=uuid.UUID(str(identifier))).first()
        except ValueError:
            found = None
    if found is None:
        where = f" in {course_key}" if course_key else ""
        raise NotFound(f"no credential definition with slug {identifier!r}{where}")
    return found
