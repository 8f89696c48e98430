"""Time-limited credentials: validUntil, renewal when the rule still holds, expiry otherwise."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openedx_microcreds.models import Award, Evaluation
from openedx_microcreds.renewal import expire_lapsed, renew_expiring
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def test_valid_until_follows_the_validity_period(award):
    assert award.valid_until is not None
    days = (award.valid_until - award.issued_at).days
    assert days == award.definition.validity_days == 730
    assert award.credential["validUntil"].startswith(str(award.valid_until.year))


def test_renewal_reissues_when_rule_still_holds(award, learner):
    later = award.valid_until - timedelta(days=10)
    summary = renew_expiring(window_days=30, now=later)
    assert len(summary.renewed) == 1 and not summary.failed
    award.refresh_from_db()
    assert award.state == "superseded"
    renewed = Award.objects.get(user_id=learner.id, definition__slug="data-analyst", state="active")
    assert renewed.credential_id != award.credential_id
    assert renewed.valid_until > award.valid_until
    assert Evaluation.objects.filter(award=renewed, event_type="microcreds.renewal").exists()


def test_no_renewal_when_rule_no_longer_holds_then_expiry(award, learner):
    scenario.grade_analyst(learner, capstone=0.5, analysis=(0.9, 0.9), percent=0.9)
    soon = award.valid_until - timedelta(days=5)
    summary = renew_expiring(window_days=30, now=soon)
    assert summary.not_renewed == [award] and not summary.renewed
    award.refresh_from_db()
    assert award.state == "active"
    lapsed = expire_lapsed(now=award.valid_until + timedelta(seconds=1))
    assert lapsed == [award]
    award.refresh_from_db()
    assert award.state == "expired"


def test_credentials_outside_the_window_are_left_alone(award):
    summary = renew_expiring(window_days=30, now=timezone.now())
    assert not summary.renewed and not summary.not_renewed and not summary.expired


def test_renewal_failure_is_reported_and_keeps_the_award(award, fake_platform):
    from openedx_microcreds.platform import PlatformError

    fake_platform.fail_next_grade_read(PlatformError("grades down"))
    summary = renew_expiring(window_days=30, now=award.valid_until - timedelta(days=1))
    assert len(summary.failed) == 1 and "grades down" in summary.failed[0][1]
    award.refresh_from_db()
    assert award.state == "active"


def test_beat_schedule_is_what_the_platforms_celery_app_reads():
    """edx-platform's Celery app reads Django settings with no namespace, so its beat reads
    CELERYBEAT_SCHEDULE; the sandbox's app is configured the same way (sandbox/celery.py)."""
    from openedx_microcreds.settings.common import BEAT_ENTRY, SWEEP_BEAT_ENTRY
    from sandbox.celery import app

    schedule = app.conf.beat_schedule
    assert schedule[BEAT_ENTRY]["task"] == "openedx_microcreds.renew_expiring"
    assert schedule[SWEEP_BEAT_ENTRY]["task"] == "openedx_microcreds.sweep_pending"
    assert schedule[SWEEP_BEAT_ENTRY]["schedule"] == 60


def test_beat_entries_keep_the_operators_own():
    from types import SimpleNamespace

    from openedx_microcreds.settings import common, production

    mine = {"task": "openedx_microcreds.renew_expiring", "schedule": 3600}
    project = SimpleNamespace(CELERYBEAT_SCHEDULE={common.BEAT_ENTRY: mine})
    common.plugin_settings(project)
    assert project.CELERYBEAT_SCHEDULE[common.BEAT_ENTRY] is mine
    assert common.SWEEP_BEAT_ENTRY in project.CELERYBEAT_SCHEDULE
    # The operator's YAML may replace the whole schedule after common settings ran.
    project.CELERYBEAT_SCHEDULE = {"theirs": {"task": "x", "schedule": 1}}
    production.plugin_settings(project)
    assert set(project.CELERYBEAT_SCHEDULE) == {
        "theirs",
        common.BEAT_ENTRY,
        common.SWEEP_BEAT_ENTRY,
    }
