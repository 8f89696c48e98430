"""Definitions and issuers hold nothing that issuing would refuse: checked when saved.

The property: whatever the checks accept, a credential built from it signs in strict mode (what
verifiers accept). Before these checks, an image URL with a quote or an alignment with a
``javascript:`` target was stored, then every award failed (or signed the script link).
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_microcreds import field_checks
from openedx_microcreds.credentials import StrictModeError, sign
from openedx_microcreds.issuing import build_credential
from openedx_microcreds.models import Award, CredentialDefinition, Issuer
from openedx_microcreds.rules import Score, evaluate, parse_rule
from openedx_microcreds.signing import (
    active_signing_key,
    load_private_key,
    verification_method,
)
from sandbox import scenario
from tests.rules.fakes import FakeFacts

pytestmark = pytest.mark.django_db

GOOD_URL = "https://skills.example.org/python"


def definition_values(**overrides):
    values = {
        "slug": "python",
        "course_key": scenario.DATA_COURSE,
        "name": "Python",
        "state": CredentialDefinition.State.ACTIVE,
        "rule": {"type": "course_passed"},
    }
    values.update(overrides)
    return values


class TestSavingRefusesWhatIssuingWouldRefuse:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("image_url", 'https://img.example/a".png', "image_url"),
            ("image_url", "javascript:alert(1)", "image_url"),
            (
                "alignments",
                [{"targetName": "Evil", "targetUrl": "javascript:alert(1)"}],
                '$[0].targetUrl: must be an http(s) URL, got "javascript:alert(1)"',
            ),
            ("alignments", [{"targetName": "X", "targetUrl": "https://a.example/<b>"}], "$[0]"),
            ("name", "Py\x00thon", "name"),
            ("name", "   ", "must not be blank"),
            ("criteria_narrative", "ok\x1b[31m", "criteria_narrative"),
            ("criteria_narrative", "x" * 10_001, "must be at most 10000 characters"),
            (
                "rule",
                {
                    "type": "competency",
                    "id": "py",
                    "name": "Python",
                    "url": "javascript:alert(1)",
                    "min": 0.5,
                    "blocks": [{"block": scenario.CAPSTONE}],
                },
                '$.url: must be an http(s) URL, got "javascript:alert(1)"',
            ),
        ],
    )
    def test_definition(self, catalogue, field, value, message):
        definition = CredentialDefinition(issuer=catalogue, **definition_values(**{field: value}))
        with pytest.raises(ValidationError) as raised:
            definition.save()
        assert field in raised.value.message_dict
        assert any(message in text for text in raised.value.message_dict[field] + [field])
        assert not CredentialDefinition.objects.filter(slug="python").exists()
        with pytest.raises(ValidationError):
            definition.full_clean()

    def test_a_stored_definition_cannot_be_edited_into_one(self, catalogue):
        definition = CredentialDefinition.objects.get(slug="data-analyst")
        definition.alignments = [{"targetName": "Evil", "targetUrl": "javascript:alert(1)"}]
        with pytest.raises(ValidationError):
            definition.save(update_fields=["alignments"])
        definition.refresh_from_db()
        assert definition.alignments == []

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("url", "https://example.edu/<home>"),
            ("url", ""),
            ("image_url", 'https://img.example/"logo".png'),
            ("name", "Example\nUniversity"),
            ("did", "did:web:exa mple.org"),
            ("did", "did:example:123"),
        ],
    )
    def test_issuer(self, catalogue, field, value):
        setattr(catalogue, field, value)
        with pytest.raises(ValidationError) as raised:
            catalogue.save()
        assert list(raised.value.message_dict) == [field]

    def test_the_demo_did_web_with_a_port_is_fine(self, catalogue):
        catalogue.did = "did:web:127.0.0.1%3A8000:microcreds:issuer"
        catalogue.save()


# Values to try in every field that ends up in a credential: mostly fine ones (so that many
# candidates get as far as signing), and every kind of trouble (scripts, quotes, brackets,
# spaces, controls, bidi overrides, non-ASCII hosts, IPv6 literals, bad escapes).


def mostly(good, bad):
    """``good`` nine times in ten, ``bad`` otherwise."""
    return st.integers(0, 9).flatmap(lambda pick: bad if pick == 0 else good)


PLAIN_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(str.strip)
GOOD_URLS = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
    st.sampled_from(["https", "http", "HTTPS"]),
    st.sampled_from(["img.example", "a-b.example", "10.0.0.1", "xn--bcher-kva.example"]),
    st.sampled_from(["", ":8000"]),
    st.lists(st.sampled_from(list("az09-._~!$&'()*+,;=:@/?") + ["é", "日", "%20"])).map("".join),
)
BAD_URLS = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            'https://img.example/a".png',
            "https://img.example/<b>",
            "https://img.example/a b",
            "https://img.example/a\\b",
            "https://img.example/{x}",
            "https://bücher.example/",
            "https://[::1]/x",
            "https://img.example/\u202e",
            "https://img.example/%zz",
            "https://:80/",
            "ftp://img.example/x",
        ]
    ),
    st.builds(
        lambda host, rest: f"https://{host}/{rest}",
        st.sampled_from(["img.example", "x_y.example", "999.0.0.1"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    ),
)
URLS = mostly(GOOD_URLS, BAD_URLS)
TEXTS = mostly(
    PLAIN_TEXT,
    st.one_of(
        st.sampled_from(["  ", "tab\there", "a\nb", "x\x00y", "bell\x07", "\u2028"]),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    ),
)
DIDS = mostly(
    st.sampled_from(["", "did:web:lms.example.edu:microcreds:issuer", "did:web:10.0.0.1%3A80:x"]),
    st.sampled_from(["did:web:a b", "did:web:", "did:example:1", "did:web:x_y.example"]),
)


@st.composite
def alignments(draw):
    alignment = {"targetName": draw(TEXTS), "targetUrl": draw(URLS)}
    if draw(st.booleans()):
        alignment["targetType"] = draw(
            mostly(st.sampled_from(["CFItem", "ceasn:Competency", "ext:Skill"]), st.just("Skill"))
        )
    if draw(st.booleans()):
        alignment["targetCode"] = draw(TEXTS)
    return alignment


@st.composite
def candidates(draw):
    issuer = {
        "name": draw(TEXTS),
        "url": draw(URLS),
        "image_url": draw(st.one_of(st.just(""), URLS)),
        "description": draw(st.one_of(st.just(""), TEXTS)),
        "did": draw(DIDS),
    }
    competency = {
        "type": "competency",
        "id": "skill",
        "name": draw(TEXTS),
        "url": draw(URLS),
        "code": draw(TEXTS),
        "min": 0.5,
        "blocks": [{"block": scenario.CAPSTONE}],
    }
    definition = {
        "name": draw(TEXTS),
        "description": draw(st.one_of(st.just(""), TEXTS)),
        "criteria_narrative": draw(st.one_of(st.just(""), TEXTS)),
        "image_url": draw(st.one_of(st.just(""), URLS)),
        "alignments": draw(st.lists(alignments(), max_size=2)),
        "rule": {
            "type": "all",
            "of": [{"type": "course_passed", "label": draw(TEXTS)}, competency],
        },
    }
    return issuer, definition


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(candidate=candidates())
def test_whatever_the_checks_accept_signs_in_strict_mode(catalogue, learner, candidate):
    issuer_fields, definition_fields = candidate
    issuer = Issuer(pk=catalogue.pk, email="credentials@example.edu", **issuer_fields)
    definition = CredentialDefinition(
        issuer=issuer, **definition_values(**definition_fields), uuid=uuid.uuid4()
    )
    problems = {
        **field_checks.issuer_problems(issuer),
        **field_checks.definition_problems(definition),
    }
    urls = [issuer.url, issuer.image_url, definition.image_url]  # empty: no image
    urls += [a["targetUrl"] for a in definition.alignments] + [definition.rule["of"][1]["url"]]
    if any(url.lower().startswith(("javascript:", "data:")) for url in urls):
        assert problems  # never accepted, wherever it is
    if problems:
        return
    key = active_signing_key(catalogue)
    now = timezone.now()
    award = Award(uuid=uuid.uuid4(), issued_at=now, definition=definition, user_id=learner.id)
    rule = parse_rule(definition.rule)
    facts = FakeFacts(
        passed={scenario.DATA_COURSE: True},
        scores={(scenario.DATA_COURSE, scenario.CAPSTONE): Score(20.0, 25.0)},
    )
    explanation = evaluate(rule, facts, course_key=definition.course_key)
    document = build_credential(definition, learner, explanation, award, key, issuer)
    try:
        sign(
            document,
            load_private_key(key),
            verification_method=verification_method(issuer, key),
            created=now,
        )
    except StrictModeError as exc:
        pytest.fail(f"accepted on save, refused at issue time: {exc}\n{json.dumps(candidate)}")


# Evidence ids are built from the issuer's base URL and the course and usage keys a rule names:
# whatever key the rule engine accepts must make a URL verifiers accept.
ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8
)
KEY_PART = mostly(st.from_regex(r"[\w.~:-]{1,8}", fullmatch=True), ANY_TEXT)


@settings(max_examples=300, deadline=None)
@given(org=KEY_PART, number=KEY_PART, run=KEY_PART, kind=KEY_PART, name=KEY_PART, i4x=st.booleans())
def test_evidence_urls_from_accepted_keys_are_urls_verifiers_accept(
    org, number, run, kind, name, i4x
):
    from openedx_microcreds.issuing import _evidence
    from openedx_microcreds.rules import RuleValidationError
    from openedx_microcreds.rules.urls import url_problem

    course = f"course-v1:{org}+{number}+{run}"
    block = (
        f"i4x://{org}/{number}/{kind}/{name}"
        if i4x
        else f"block-v1:{org}+{number}+{run}+type@{kind}+block@{name}"
    )
    document = {"type": "block_score", "block": block, "min": 0.5, "course": course}
    try:
        rule = parse_rule(document)
    except RuleValidationError:
        return
    definition = CredentialDefinition(course_key=course)
    with override_settings(MICROCREDS_ISSUER_BASE_URL="https://lms.example.edu"):
        evidence = _evidence(definition, rule)
    assert evidence
    for item in evidence:
        assert url_problem(item.id) is None, (item.id, url_problem(item.id))
