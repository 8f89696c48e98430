"""The durable record of work: written with the LMS's change, done once evaluated, retried with
backoff, swept when left behind, and never a reason for the LMS's request to fail."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from openedx_microcreds import pending, runner, tasks
from openedx_microcreds.models import Award, Evaluation, PendingEvaluation
from sandbox import scenario
from tests.celery_support import REFUSE_AT_ONCE, publishing_to

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens here: connecting to it is refused at once.
REFUSING_BROKER = "amqp://guest:guest@127.0.0.1:1//"


def passing(learner):
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)


def rows(**filters):
    return list(PendingEvaluation.objects.filter(**filters))


def test_the_work_is_recorded_in_the_lms_transaction_and_rolls_back_with_it(catalogue, learner):
    passing(learner)
    with transaction.atomic():
        for _ in range(5):  # a recompute flood: one row
            scenario.send_passing_status(learner, scenario.DATA_COURSE)
        [row] = rows(user_id=learner.id)
        assert (row.state, row.kind, row.scope) == ("pending", "evaluate", scenario.DATA_COURSE)
        transaction.set_rollback(True)  # the LMS's grade change is undone: so is ours
    assert rows() == []
    assert not Award.objects.exists()

    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    [row] = rows(user_id=learner.id, scope=scenario.DATA_COURSE)
    assert row.state == "done" and row.finished_at is not None
    # The award recorded the re-evaluation of the pathway stacked on it, which ran too.
    [follow_up] = rows(user_id=learner.id, scope="credential:data-analyst")
    assert follow_up.state == "done"
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_a_broker_that_refuses_the_wake_up_fails_nothing_and_loses_nothing(
    catalogue, learner, settings
):
    passing(learner)
    settings.DEBUG = True  # openedx-events then sends without send_robust: errors would escape
    with publishing_to(REFUSING_BROKER, **REFUSE_AT_ONCE), transaction.atomic():
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
        # The LMS's transaction committed and the request went on; the wake-up was refused.
    [row] = rows(user_id=learner.id)
    assert row.state == "pending"
    assert not Award.objects.exists()

    settings.MICROCREDS_PENDING_STALE_SECONDS = 0
    assert tasks.sweep() == 1  # the periodic sweep (eager tasks here: it runs the work)
    row.refresh_from_db()
    assert row.state == "done"
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_the_stacking_follow_up_is_recorded_with_the_award(catalogue, learner):
    passing(learner)
    scenario.grade_visualizer(learner, exam=0.9, percent=0.9)
    with publishing_to(REFUSING_BROKER, **REFUSE_AT_ONCE):
        # Awarding runs here, but no wake-up reaches a worker: what is recorded is all there is.
        key = pending.request(
            scenario_trigger(learner, scenario.DATA_COURSE), pending.Kind.EVALUATE
        )
        assert runner.run(key).outcome == runner.DONE
    follow_up = PendingEvaluation.objects.get(user_id=learner.id, scope="credential:data-analyst")
    assert follow_up.state == "pending"
    assert follow_up.trigger["awarded_slug"] == "data-analyst"


def scenario_trigger(learner, course_key):
    from openedx_microcreds.triggers import Trigger

    return Trigger("test.event", learner.id, course_key, "event-1")


def test_a_request_that_arrives_during_the_evaluation_keeps_the_row_pending(
    catalogue, learner, monkeypatch
):
    """The task marks the row done only if no newer request came in while it evaluated."""
    from openedx_microcreds import awarding

    passing(learner)
    key = pending.request(scenario_trigger(learner, scenario.DATA_COURSE))
    evaluate = awarding.process_trigger

    def evaluate_while_an_event_arrives(trigger, **kwargs):
        result = evaluate(trigger, **kwargs)
        pending.request(scenario_trigger(learner, scenario.DATA_COURSE))  # committed meanwhile
        return result

    monkeypatch.setattr(runner, "process_trigger", evaluate_while_an_event_arrives)
    assert runner.run(key).outcome == runner.SUPERSEDED
    assert PendingEvaluation.objects.get(user_id=learner.id, scope=key.scope).state == "pending"
    monkeypatch.setattr(runner, "process_trigger", evaluate)
    assert runner.run(key).outcome == runner.DONE


def test_a_failing_grade_read_is_retried_with_backoff_and_recorded_once(
    catalogue, learner, fake_platform
):
    from openedx_microcreds.platform import PlatformError

    passing(learner)
    fake_platform.fail_next_grade_read(PlatformError("grades service down"))
    before = timezone.now()
    scenario.send_passing_status(learner, scenario.DATA_COURSE)

    row = PendingEvaluation.objects.get(user_id=learner.id, scope=scenario.DATA_COURSE)
    assert (row.state, row.attempts) == ("pending", 1)
    assert "grades service down" in row.last_error
    # First backoff: 30 s +-20 %.
    assert before + timedelta(seconds=23) < row.due_at < timezone.now() + timedelta(seconds=37)
    [failed] = Evaluation.objects.filter(user_id=learner.id, outcome="failed")
    assert row.failed_evaluations == [failed.pk]

    assert runner.run(pending.PendingKey(learner.id, "evaluate", row.scope)).outcome == "done"
    failed.refresh_from_db()  # the failure record is updated in place: one row, two attempts
    assert (failed.outcome, failed.attempts) == ("awarded", 2)
    assert Evaluation.objects.filter(user_id=learner.id, definition=failed.definition).count() == 1
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_work_that_keeps_failing_gives_up_and_retry_failed_brings_it_back(
    catalogue, learner, fake_platform, settings
):
    from django.core.management import call_command

    from openedx_microcreds.platform import PlatformError

    settings.MICROCREDS_PENDING_MAX_ATTEMPTS = 2
    passing(learner)
    fake_platform.fail_next_grade_read(PlatformError("grades service down"), times=2)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    key = pending.PendingKey(learner.id, "evaluate", scenario.DATA_COURSE)
    assert runner.run(key).outcome == runner.GAVE_UP
    assert PendingEvaluation.objects.get(user_id=learner.id).state == "failed"

    assert runner.run(key).outcome == runner.NOTHING_TO_DO  # a late wake-up changes nothing

    out = _call(call_command, "microcreds_evaluate", "--retry-failed", "--no-progress")
    assert "Ran 1 pending evaluation(s) left behind: 1 done." in out
    assert "remain" not in out, out  # nothing failed remains (the count was a stale cache)
    row = PendingEvaluation.objects.get(user_id=learner.id, scope=scenario.DATA_COURSE)
    assert row.state == "done"
    assert Award.objects.filter(user_id=learner.id).count() == 1


def _call(call_command, *args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_sweep_requeues_only_what_is_overdue(catalogue, learner, settings):
    settings.MICROCREDS_PENDING_STALE_SECONDS = 300
    with publishing_to(REFUSING_BROKER, **REFUSE_AT_ONCE):
        key = pending.request(scenario_trigger(learner, scenario.DATA_COURSE))
    assert pending.overdue() == []  # due now: its wake-up may still be on its way
    later = timezone.now() + timedelta(seconds=301)
    assert pending.overdue(later) == [key]
    assert pending.overdue(later) == []  # re-queued: due again one stale period from now


@contextmanager
def database_refusing_our_write(learner):
    """The database refuses the plugin's upsert until the yielded ``release()`` is called:
    SQLite in read-only mode (the query_only pragma); on MariaDB another transaction holds
    the row and the lock wait times out."""
    if connection.vendor == "sqlite":

        def release():
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        try:
            yield release
        finally:
            release()
        return
    import pymysql

    pending.request(scenario_trigger(learner, scenario.DATA_COURSE))  # the row to lock
    params = connection.get_connection_params()
    other = pymysql.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params.get("password", ""),
        database=params["database"],
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT id FROM openedx_microcreds_pendingevaluation WHERE user_id = %s FOR UPDATE",
                [learner.id],
            )
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
        yield other.rollback
    finally:
        other.rollback()
        other.close()


def test_a_receiver_never_raises_even_when_the_database_refuses_its_write(
    catalogue, learner, settings, caplog
):
    """With DEBUG on, openedx-events lets receiver errors escape into the LMS's grading code."""
    settings.DEBUG = True
    passing(learner)
    with database_refusing_our_write(learner) as release, transaction.atomic():
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
        # The LMS's transaction is intact: it goes on and commits.
        assert not Award.objects.exists()
        release()
    assert "could not record" in caplog.text
    # The trigger that could not be recorded in the LMS was sent to a worker, which recorded it.
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_ids_are_validated_strictly_and_bad_events_recorded_without_personal_data(
    catalogue, learner, fake_platform
):
    passing(learner)  # the learner meets the rule: no near-miss of their id may award them
    for bad in ("abc", [learner.id], learner.id + 0.7, True, 0, -3, f"{learner.id} "):
        scenario.send_persistent_grade_raw(user_id=bad, course_key=scenario.DATA_COURSE)
    assert not Award.objects.exists()
    failed = Evaluation.objects.filter(outcome="failed", user=None).order_by("pk")
    errors = [e.error for e in failed]
    assert len(errors) == 7, errors
    assert "grade.user_id must be an integer user id, got 'abc'" in errors[0]
    assert "got a list of 1 item(s)" in errors[1]
    assert f"got {learner.id + 0.7}" in errors[2]
    assert "got a boolean" in errors[3]
    assert "positive" in errors[4] and "positive" in errors[5]

    scenario.send_certificate_raw(learner, course_key=None, status="downloadable")
    record = Evaluation.objects.filter(outcome="failed").latest("pk")
    assert "certificate.course.course_key is missing" in record.error
    stored = str(record.explanation) + record.event_user_id
    for personal in ("ada@example.edu", "Ada Lovelace", "'ada'"):
        assert personal not in stored, stored
    assert record.explanation["event"]["user"]["id"] == str(learner.id)
    assert record.explanation["event"]["user"]["pii"] == "(personal data, not kept)"


def test_certificate_statuses_decide_what_a_revocation_event_does(catalogue, learner):
    from openedx_microcreds.models import CredentialDefinition

    CredentialDefinition.objects.filter(slug="data-analyst").update(
        revoke_on_certificate_revoked=True
    )
    passing(learner)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    award = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")

    # Identity verification lapsed: the platform revokes the certificate; learning stands.
    scenario.send_certificate_revoked(learner, scenario.DATA_COURSE, status="unverified")
    award.refresh_from_db()
    assert award.state == "active"

    scenario.send_certificate_revoked(learner, scenario.DATA_COURSE, status="notpassing")
    award.refresh_from_db()
    assert award.state == "revoked"
    assert "certificate" in award.revocation_reason


def test_event_bus_copies_of_events_produced_here_are_ignored(catalogue, learner, settings):
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    passing(learner)
    settings.EVENT_BUS_PRODUCER_CONFIG = {
        COURSE_PASSING_STATUS_UPDATED.event_type: {
            "learning-course-passing-status": {
                "event_key_field": "course_passing_status.course.course_key",
                "enabled": True,
            }
        }
    }
    scenario.send_passing_status(learner, scenario.DATA_COURSE, from_event_bus=True)
    assert rows() == []  # the LMS that produced it handled it in-process already

    settings.MICROCREDS_IGNORE_EVENT_BUS_COPIES = False
    scenario.send_passing_status(learner, scenario.DATA_COURSE, from_event_bus=True)
    assert Award.objects.filter(user_id=learner.id).count() == 1

    # Produced elsewhere (no producer config here): the bus copy is the only copy.
    del settings.MICROCREDS_IGNORE_EVENT_BUS_COPIES
    settings.EVENT_BUS_PRODUCER_CONFIG = {}
    Award.objects.all().delete()
    PendingEvaluation.objects.all().delete()
    scenario.send_passing_status(learner, scenario.DATA_COURSE, from_event_bus=True)
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_operators_see_work_that_gave_up_and_run_it_again_from_the_admin(
    catalogue, learner, fake_platform, settings, admin_client
):
    from django.urls import reverse

    from openedx_microcreds.platform import PlatformError

    settings.MICROCREDS_PENDING_MAX_ATTEMPTS = 1
    passing(learner)
    fake_platform.fail_next_grade_read(PlatformError("grades service down"))
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    row = PendingEvaluation.objects.get(user_id=learner.id, scope=scenario.DATA_COURSE)
    assert row.state == "failed"

    changelist = reverse("admin:openedx_microcreds_pendingevaluation_changelist")
    page = admin_client.get(changelist, {"state__exact": "failed"}).content.decode()
    assert scenario.DATA_COURSE in page and "grades service down" in page
    response = admin_client.post(
        changelist, {"action": "run_again", "_selected_action": [row.pk]}, follow=True
    )
    assert "1 piece of work queued again." in response.content.decode()
    row.refresh_from_db()
    assert row.state == "done"  # eager tasks: it ran at once
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_the_admin_keeps_pending_work_read_only(catalogue, learner, admin_client):
    from django.urls import reverse

    key = pending.request(scenario_trigger(learner, scenario.DATA_COURSE))
    row = PendingEvaluation.objects.get(user_id=key.user_id)
    change = reverse("admin:openedx_microcreds_pendingevaluation_change", args=[row.pk])
    admin_client.post(change, {"state": "done", "scope": "x"})
    row.refresh_from_db()
    assert (row.state, row.scope) == ("pending", scenario.DATA_COURSE)
    add = admin_client.get(reverse("admin:openedx_microcreds_pendingevaluation_add"))
    assert add.status_code == 403


def test_a_batch_reads_its_learners_once_and_keeps_newer_requests_pending(
    catalogue, fake_platform, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openedx_microcreds import awarding

    learners = [fake_platform.add_user(f"batch{n}", f"b{n}@example.edu", "B") for n in range(12)]
    for learner in learners:
        passing(learner)
    with publishing_to(REFUSING_BROKER, **REFUSE_AT_ONCE):
        keys = [
            pending.request(scenario_trigger(learner, scenario.DATA_COURSE)) for learner in learners
        ]
    late = learners[3]
    evaluate = awarding.process_trigger

    def a_request_arrives_for_one_learner(trigger, **kwargs):
        result = evaluate(trigger, **kwargs)
        if trigger.user_id == late.id:
            pending.request(scenario_trigger(late, scenario.DATA_COURSE))
        return result

    monkeypatch.setattr(runner, "process_trigger", a_request_arrives_for_one_learner)
    with (
        publishing_to(REFUSING_BROKER, **REFUSE_AT_ONCE),
        CaptureQueriesContext(connection) as queries,
    ):
        results = runner.run_many(keys)
    user_reads = [
        q for q in queries if 'FROM "auth_user"' in q["sql"] or "FROM `auth_user`" in q["sql"]
    ]
    assert len(user_reads) == 1, [q["sql"] for q in user_reads]
    outcomes = {key.user_id: result.outcome for key, result in results.items()}
    assert outcomes.pop(late.id) == runner.SUPERSEDED
    assert set(outcomes.values()) == {runner.DONE}
    assert Award.objects.filter(definition__slug="data-analyst").count() == 12
    assert (
        PendingEvaluation.objects.get(user_id=late.id, scope=scenario.DATA_COURSE).state
        == "pending"
    )
