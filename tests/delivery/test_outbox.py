"""The outbox: a message per award event and channel, written with the award change, sent once,
retried with backoff, given back when its worker dies, and never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from openedx_microcreds import tasks
from openedx_microcreds.delivery import outbox
from openedx_microcreds.delivery.channels import PermanentDeliveryError, RetryableDeliveryError
from openedx_microcreds.models import Award, OutboxMessage
from sandbox import scenario
from tests.celery_support import REFUSE_AT_ONCE, publishing_to

from .recording import PATH, RecordingChannel

pytestmark = pytest.mark.django_db(transaction=True)
REFUSING_BROKER = "amqp://guest:guest@127.0.0.1:1//"


@pytest.fixture(autouse=True)
def recording(settings):
    settings.MICROCREDS_DELIVERY_CHANNELS = [PATH]
    RecordingChannel.reset()
    yield RecordingChannel
    RecordingChannel.reset()


def award_for(learner) -> Award:
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    return Award.objects.active().get(user_id=learner.id, definition__slug="data-analyst")


def award_with_no_worker(learner) -> Award:
    """The award is made here, but no wake-up reaches a worker (the broker refuses them)."""
    from openedx_microcreds import pending, runner

    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    with publishing_to(REFUSING_BROKER, **REFUSE_AT_ONCE):
        runner.run(pending.request(trigger(learner)))
    return Award.objects.active().get(user_id=learner.id, definition__slug="data-analyst")


def messages(**filters):
    return list(OutboxMessage.objects.filter(**filters).order_by("channel"))


def test_an_award_writes_its_messages_with_it_and_each_is_sent_once(catalogue, learner):
    award = award_for(learner)
    rows = messages(award=award)
    assert [(m.event, m.channel, m.state, m.attempts) for m in rows] == [
        ("issued", "recording:a", "sent", 1),
        ("issued", "recording:b", "sent", 1),
    ]
    assert sorted(RecordingChannel.sent) == [
        (award.pk, "issued", "recording:a"),
        (award.pk, "issued", "recording:b"),
    ]
    for row in rows:  # a task that runs again finds nothing to claim
        assert outbox.deliver(row.pk).outcome == outbox.NOTHING_TO_DO
    assert len(RecordingChannel.sent) == 2


def test_no_message_without_the_award(catalogue, learner):
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    with publishing_to(REFUSING_BROKER, **REFUSE_AT_ONCE), transaction.atomic():
        from openedx_microcreds import pending, runner

        runner.run(pending.request(trigger(learner)))
        assert OutboxMessage.objects.count() == 2  # written with the award...
        transaction.set_rollback(True)
    assert OutboxMessage.objects.count() == 0  # ...and gone with it


def trigger(learner):
    from openedx_microcreds.triggers import Trigger

    return Trigger("test.event", learner.id, scenario.DATA_COURSE, "event-1")


def test_revocation_renewal_and_expiry_each_send_their_message(catalogue, learner):
    from openedx_microcreds.renewal import expire_lapsed, renew_expiring
    from openedx_microcreds.revocation import revoke

    award = award_for(learner)
    revoke(award, reason="plagiarism")
    assert {(m.event, m.state) for m in messages(award=award)} == {
        ("issued", "sent"),
        ("revoked", "sent"),
    }

    second = award_for(learner)  # earned again after the revocation
    Award.objects.filter(pk=second.pk).update(valid_until=timezone.now() + timedelta(days=2))
    [renewed] = renew_expiring(window_days=30).renewed
    new = Award.objects.active().get(user_id=learner.id, definition__slug="data-analyst")
    assert new.pk != second.pk
    assert {(m.event, m.state) for m in messages(award=new)} == {("renewed", "sent")}

    current = Award.objects.active().get(user_id=learner.id, definition__slug="data-analyst")
    Award.objects.filter(pk=current.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    [lapsed] = expire_lapsed()
    assert {(m.event, m.state) for m in messages(award=lapsed)} >= {("expired", "sent")}


def test_a_second_task_during_the_send_sends_nothing(catalogue, learner, recording):
    inner = []
    recording.during_send = lambda message: inner.append(outbox.deliver(message.pk).outcome)
    award_for(learner)
    assert inner == [outbox.NOTHING_TO_DO, outbox.NOTHING_TO_DO]
    assert len(recording.sent) == 2


def test_a_failure_is_retried_with_backoff_then_sent(catalogue, learner, recording):
    recording.failures.append(RetryableDeliveryError("host answered 503"))
    award = award_for(learner)
    failed = next(m for m in messages(award=award) if m.state != "sent")
    assert (failed.state, failed.attempts) == ("pending", 1)
    assert "host answered 503" in failed.last_error
    delay = (failed.due_at - timezone.now()).total_seconds()
    assert 20 < delay < 37  # 30 s +-20 %
    assert outbox.deliver(failed.pk).outcome == outbox.NOTHING_TO_DO  # not due yet
    later = failed.due_at + timedelta(seconds=1)
    assert outbox.deliver(failed.pk, now=later).outcome == outbox.SENT
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == ("sent", 2, "")


def test_a_permanent_failure_or_the_horizon_gives_up(catalogue, learner, recording, settings):
    recording.failures.append(PermanentDeliveryError("host refused the credential (400)"))
    award = award_for(learner)
    [failed] = [m for m in messages(award=award) if m.state == "failed"]
    assert failed.last_error == "host refused the credential (400)"

    settings.MICROCREDS_OUTBOX_RETRY_HORIZON_SECONDS = 10  # shorter than the first backoff
    recording.failures.append(ConnectionError("connection refused"))
    assert outbox.retry([failed.pk]) == [failed.pk]
    assert outbox.deliver(failed.pk).outcome == outbox.FAILED
    failed.refresh_from_db()
    assert "connection refused" in failed.last_error and "still failing" in failed.last_error


def test_a_claim_whose_worker_died_is_given_back_and_sent(catalogue, learner, recording):
    award = award_with_no_worker(learner)
    [first, second] = messages(award=award)
    long_ago = timezone.now() - timedelta(hours=1)
    OutboxMessage.objects.filter(pk=first.pk).update(
        state="sending", claimed_at=long_ago, attempts=1
    )
    OutboxMessage.objects.filter(pk=second.pk).update(due_at=long_ago)
    assert sorted(outbox.overdue()) == sorted([first.pk, second.pk])
    assert tasks.sweep() == 0  # both were woken above and are due again later
    for row in (first, second):
        assert outbox.deliver(row.pk).outcome == outbox.SENT
    assert len(recording.sent) == 2


def test_the_sweep_sends_what_a_refusing_broker_left_behind(catalogue, learner, settings):
    award_with_no_worker(learner)
    assert {m.state for m in messages()} == {"pending"}
    settings.MICROCREDS_PENDING_STALE_SECONDS = 0
    tasks.sweep()
    assert {m.state for m in messages()} == {"sent"}


def test_no_channel_no_message(catalogue, learner, settings):
    settings.MICROCREDS_DELIVERY_CHANNELS = []
    award_for(learner)
    assert OutboxMessage.objects.count() == 0


def test_recording_an_event_again_keeps_the_rows_that_exist(catalogue, learner):
    """Recording an event whose rows exist keeps them as they are (a message sent is not sent
    again); only a missing channel's row is added, and only it is sent."""
    award = award_for(learner)
    with transaction.atomic():
        assert outbox.record(award, "issued") == 2  # both channels want one; both rows exist
    assert [(m.state, m.attempts) for m in messages(award=award)] == [("sent", 1), ("sent", 1)]
    OutboxMessage.objects.filter(award=award, channel="recording:b").delete()
    RecordingChannel.sent.clear()
    with transaction.atomic():
        outbox.record(award, "issued")
    assert RecordingChannel.sent == [(award.pk, "issued", "recording:b")]
    assert [(m.channel, m.state, m.attempts) for m in messages(award=award)] == [
        ("recording:a", "sent", 1),
        ("recording:b", "sent", 1),
    ]
