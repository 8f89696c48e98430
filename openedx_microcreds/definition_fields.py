"""The fields of a credential definition that people edit: the one list that the admin form, the
definitions file (``microcreds_rules`` import/export), the Python and REST APIs and the model's
change detection all read, so a new field cannot be forgotten in one of them.

Each field says whether it is *content*: copied into credentials or deciding who earns them. A
change of a content field gives the definition a new ``version`` (awards record the version they
were issued under); a change of any other editable field (the state, the slug) does not.
Everything else on the model (its id, uuid, version, revision and timestamps) the plugin
keeps itself.
"""

from __future__ import annotations

from dataclasses import dataclass

# Groups, in the order the admin shows them.
IDENTITY = "identity"
ACHIEVEMENT = "achievement"
RULE = "rule"


@dataclass(frozen=True)
class EditableField:
    name: str  # the model field
    group: str
    content: bool  # a change gives the definition a new version

    @property
    def attname(self) -> str:
        """The attribute that holds the stored value (the issuer's id for the issuer)."""
        return f"{self.name}_id" if self.name in FOREIGN_KEYS else self.name


FOREIGN_KEYS = frozenset({"issuer"})

#: In the order forms and files show them.
EDITABLE: tuple[EditableField, ...] = (
    EditableField("name", IDENTITY, content=True),
    EditableField("slug", IDENTITY, content=False),
    EditableField("issuer", IDENTITY, content=True),
    EditableField("course_key", IDENTITY, content=True),
    EditableField("state", IDENTITY, content=False),
    EditableField("achievement_type", ACHIEVEMENT, content=True),
    EditableField("description", ACHIEVEMENT, content=True),
    EditableField("criteria_narrative", ACHIEVEMENT, content=True),
    EditableField("image_url", ACHIEVEMENT, content=True),
    EditableField("validity_days", ACHIEVEMENT, content=True),
    EditableField("alignments", ACHIEVEMENT, content=True),
    EditableField("rule", RULE, content=True),
    EditableField("revoke_on_certificate_revoked", RULE, content=False),
)

#: Fields the plugin keeps itself; nobody edits them.
MANAGED: tuple[str, ...] = ("id", "uuid", "version", "revision", "created", "modified")

#: Model attributes whose change gives the definition a new version.
CONTENT_ATTNAMES: tuple[str, ...] = tuple(f.attname for f in EDITABLE if f.content)

#: Every editable field's name, in order.
NAMES: tuple[str, ...] = tuple(f.name for f in EDITABLE)


def in_group(group: str) -> tuple[str, ...]:
    return tuple(f.name for f in EDITABLE if f.group == group)
