"""
Exactly-once issuing under real concurrency on MariaDB.

Twenty separate processes, each with its own database connection, are released by a barrier
to evaluate at the same moment, as Celery workers do when the LMS floods duplicate grade
events. The database's unique constraint must leave exactly one credential per learner and
definition, and the status list must count only the entries actually used.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

from openedx_microcreds.models import Award, Evaluation, StatusList
from openedx_microcreds.triggers import Trigger
from sandbox import scenario

from .race import race
from .support import dump, verify_award

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 20


def _trigger(learner) -> dict:
    return Trigger(
        event_type=COURSE_PASSING_STATUS_UPDATED.event_type,
        user_id=learner.id,
        course_key=scenario.DATA_COURSE,
        event_id=str(uuid.uuid4()),  # duplicate events: same facts, each its own event id
    ).to_dict()


def _analyst_evaluations(reports: list[dict]) -> list[dict]:
    crashed = [report for report in reports if "crash" in report]
    assert not crashed, dump(crashed)
    return [
        evaluation
        for report in reports
        for evaluation in report["evaluations"]
        if evaluation["slug"] == "data-analyst"
    ]


def test_twenty_processes_racing_on_one_learner_issue_one_credential(world):
    learner = world.add_passing_learner("ada")

    reports = race(world.env(), [_trigger(learner) for _ in range(WORKERS)])

    evaluations = _analyst_evaluations(reports)
    assert len(evaluations) == WORKERS, dump(reports)
    outcomes = Counter(evaluation["outcome"] for evaluation in evaluations)
    assert outcomes == {"awarded": 1, "already_held": WORKERS - 1}, dump(reports)
    # Losers that got as far as the insert (not stopped by the early "already held" check)
    # prove that the race was real and that the constraint, not luck, settled it.
    lost_at_insert = [e for e in evaluations if e["outcome"] == "already_held" and e["saved"]]
    assert lost_at_insert, f"no process reached the insert concurrently: {dump(reports)}"

    award = Award.objects.get(user_id=learner.id)  # exactly one award, of any definition
    assert award.definition.slug == "data-analyst"
    assert {e["award"] for e in evaluations if e["outcome"] == "awarded"} == {str(award.uuid)}
    assert Evaluation.objects.filter(definition__slug="data-analyst", outcome="failed").count() == 0
    stored = Counter(
        Evaluation.objects.filter(user_id=learner.id, definition__slug="data-analyst").values_list(
            "outcome", flat=True
        )
    )
    assert stored == {"awarded": 1, "already_held": len(lost_at_insert)}

    status_list = StatusList.objects.get(issuer=world.issuer)  # one list, one entry used
    assert status_list.allocated == 1
    assert award.status_list == status_list and award.status_index is not None
    entry = award.credential["credentialStatus"]
    assert int(entry["statusListIndex"]) == award.status_index
    report = verify_award(award)
    assert report.ok, report.to_dict()


def test_twenty_learners_awarded_at_once_get_distinct_status_entries(world):
    learners = [world.add_passing_learner(f"learner{n:02d}") for n in range(WORKERS)]

    reports = race(world.env(), [_trigger(learner) for learner in learners])

    evaluations = _analyst_evaluations(reports)
    assert Counter(e["outcome"] for e in evaluations) == {"awarded": WORKERS}, dump(reports)
    awards = list(Award.objects.filter(definition__slug="data-analyst").select_related())
    assert sorted(award.user_id for award in awards) == sorted(learner.id for learner in learners)
    status_list = StatusList.objects.get(issuer=world.issuer)
    assert status_list.allocated == WORKERS
    indexes = [award.status_index for award in awards]
    assert None not in indexes and len(set(indexes)) == WORKERS
    assert len({award.credential_id for award in awards}) == WORKERS
    for award in awards:
        assert award.status_list == status_list
        assert int(award.credential["credentialStatus"]["statusListIndex"]) == award.status_index
        report = verify_award(award)
        assert report.ok, (award.user_id, report.to_dict())
