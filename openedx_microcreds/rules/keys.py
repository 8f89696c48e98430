"""Loose shape checks for the identifiers a rule document refers to.

The rule engine must not depend on edx-opaque-keys (it is plain Python), so these
checks only catch the common authoring mistakes: pasting a course key where a usage
key belongs, a URL where a slug belongs, "80" where "0.8" belongs. The platform
remains the authority on whether a key actually exists.
"""

from __future__ import annotations

import re

SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")

# Characters opaque-keys allows in each part of a key.
_ID = r"[\w.~:-]+"

# course-v1:Org+Number+Run and ccx-v1:Org+Number+Run+ccx@7
_COURSE_KEY = re.compile(
    rf"(?P<prefix>course-v1|ccx-v1):(?P<org>{_ID})\+(?P<number>{_ID})\+(?P<run>{_ID})"
    r"(?P<ccx>\+ccx@[0-9]+)?"
)

# block-v1:Org+Number+Run+type@problem+block@abc (ccx-block-v1 adds +ccx@7 after the run,
# and draft-branch keys carry branch@ / version@ parts before type@).
_USAGE_KEY_V1 = re.compile(
    rf"(?P<prefix>block-v1|ccx-block-v1):(?P<org>{_ID})\+(?P<number>{_ID})\+(?P<run>{_ID})"
    rf"(?P<ccx>\+ccx@[0-9]+)?(?:\+(?:branch|version)@{_ID})*\+type@{_ID}\+block@{_ID}"
)

# Old Mongo-era keys: i4x://Org/Number/category/name[@revision]. They do not carry the run.
# Parts use the characters opaque-keys allows there (percent only as an escape): the key ends
# up in the evidence URL of every credential, so nothing a URL cannot hold.
_I4X_PART = r"(?:[\w.~:-]|%[0-9A-Fa-f]{2})+"
_USAGE_KEY_I4X = re.compile(rf"i4x://{_I4X_PART}/{_I4X_PART}/{_I4X_PART}/{_I4X_PART}(?:@{_ID})?")


def is_slug(value: str) -> bool:
    return SLUG_PATTERN.fullmatch(value) is not None


def is_course_key(value: str) -> bool:
    match = _COURSE_KEY.fullmatch(value)
    if match is None:
        return False
    # A ccx@ part only belongs to ccx-v1 keys, and ccx-v1 keys need one.
    return (match["prefix"] == "ccx-v1") == (match["ccx"] is not None)


def is_usage_key(value: str) -> bool:
    match = _USAGE_KEY_V1.fullmatch(value)
    if match is not None:
        return (match["prefix"] == "ccx-block-v1") == (match["ccx"] is not None)
    return _USAGE_KEY_I4X.fullmatch(value) is not None


def course_of_usage_key(usage_key: str) -> str | None:
    """The course a v1 usage key lives in, or None when the key does not say (i4x keys)."""
    match = _USAGE_KEY_V1.fullmatch(usage_key)
    if match is None:
        return None
    course = f"{match['org']}+{match['number']}+{match['run']}"
    if match["ccx"]:
        return f"ccx-v1:{course}{match['ccx']}"
    return f"course-v1:{course}"


def course_run(course_key: str) -> tuple[str, str, str] | None:
    """(org, number, run) of a course key, ignoring any CCX part, so a CCX matches its master."""
    match = _COURSE_KEY.fullmatch(course_key)
    if match is None:
        return None
    return (match["org"], match["number"], match["run"])


def same_course_run(course_a: str, course_b: str) -> bool:
    run_a = course_run(course_a)
    return run_a is not None and run_a == course_run(course_b)


def resolve_block_course(
    explicit_course: str | None, usage_key: str, default_course: str | None
) -> str | None:
    """Which course's grades hold this block's score.

    An explicit "course" on the clause wins. Otherwise a v1 usage key names its own
    course, which is more reliable than the definition's course when an author pastes a
    block from another course. The exception is a CCX definition whose master course
    owns the block: learners are graded in the CCX, so its key is the one to ask about.
    """
    if explicit_course is not None:
        return explicit_course
    embedded = course_of_usage_key(usage_key)
    if embedded is None:
        return default_course
    if default_course is not None and same_course_run(default_course, embedded):
        return default_course
    return embedded
