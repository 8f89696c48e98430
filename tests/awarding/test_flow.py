"""From a real openedx-events signal to a stored, signed, verifiable credential."""

import pytest
from django.db import transaction

from openedx_microcreds.credentials import verify_credential
from openedx_microcreds.models import Award, Evaluation
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def test_passing_learner_gets_a_signed_credential(catalogue, learner, captured_badges):
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)

    award = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
    credential = award.credential
    assert verify_credential(credential).ok is False  # status list not supplied: see below
    report = verify_credential(credential, status_lists=_lists(award))
    assert report.ok, report.to_dict()
    subject = credential["credentialSubject"]
    assert subject["achievement"]["alignment"][0]["targetName"] == "Data analysis"
    results = {r["resultDescription"].rsplit("#", 1)[1]: r for r in subject["result"]}
    assert results["result-capstone"]["value"] == "92.0"
    assert results["result-data-analysis"]["status"] == "Completed"
    assert "ada@example.edu" not in award.credential_json
    assert credential["validUntil"] > credential["validFrom"]
    evaluation = Evaluation.objects.get(user_id=learner.id, definition__slug="data-analyst")
    assert evaluation.outcome == "awarded" and evaluation.award == award
    assert evaluation.explanation["explanation"]["passed"] is True
    assert [(kind, badge.template.origin) for kind, badge in captured_badges] == [
        ("org.openedx.learning.badge.awarded.v1", "openedx_microcreds")
    ]


def test_missed_capstone_is_explained_and_not_awarded(catalogue, learner):
    scenario.grade_analyst(learner, capstone=0.72, analysis=(0.8, 0.9), percent=0.8)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    assert not Award.objects.filter(user_id=learner.id).exists()
    evaluation = Evaluation.objects.get(user_id=learner.id, definition__slug="data-analyst")
    assert evaluation.outcome == "not_met"
    capstone = next(
        child
        for child in evaluation.explanation["explanation"]["children"]
        if child["clause_id"] == "capstone"
    )
    assert capstone["passed"] is False
    assert "72" in capstone["summary"] and "80" in capstone["summary"]


def test_duplicate_events_give_one_credential(catalogue, learner):
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    for _ in range(5):
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
        scenario.send_persistent_grade(learner, scenario.DATA_COURSE, 0.9)
    assert Award.objects.filter(user_id=learner.id, definition__slug="data-analyst").count() == 1


def test_pathway_awarded_when_components_are_held(catalogue, learner, captured_badges):
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    assert not Award.objects.filter(definition__slug="data-pathway").exists()
    scenario.grade_visualizer(learner, exam=0.85, percent=0.8)
    scenario.send_certificate_created(learner, scenario.VIZ_COURSE)
    slugs = set(Award.objects.filter(user_id=learner.id).values_list("definition__slug", flat=True))
    assert slugs == {"data-analyst", "data-visualizer", "data-pathway"}
    assert len(captured_badges) == 3


def test_events_are_deferred_until_the_lms_transaction_commits(catalogue, learner):
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    with transaction.atomic():
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
        assert not Award.objects.exists()  # nothing ran inside the LMS's transaction
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_grade_lookup_failure_is_recorded_and_retryable(catalogue, learner, fake_platform):
    from openedx_microcreds.awarding import retry_failed
    from openedx_microcreds.platform import PlatformError

    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    fake_platform.fail_next_grade_read(PlatformError("grades service timed out"))
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    failed = Evaluation.objects.get(outcome="failed")
    assert "grades service timed out" in failed.error
    assert not Award.objects.exists()
    [retried] = retry_failed([failed])
    assert retried.pk == failed.pk and retried.outcome == "awarded" and retried.attempts == 2
    assert Award.objects.filter(user_id=learner.id).count() == 1


def test_no_active_key_fails_cleanly(catalogue, learner):
    from openedx_microcreds.models import SigningKey

    SigningKey.objects.get().retire()
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    failed = Evaluation.objects.get(outcome="failed")
    assert "no active signing key" in failed.error
    assert not Award.objects.exists()
    from openedx_microcreds.models import StatusList

    assert all(status.allocated == 0 for status in StatusList.objects.all())


def test_unknown_user_and_malformed_ccx_are_recorded(catalogue, learner):
    from openedx_microcreds.platform import PlatformUser

    ghost = PlatformUser(id=99999, username="ghost", email="g@x.org", full_name="", is_active=True)
    scenario.send_passing_status(ghost, scenario.DATA_COURSE)
    unknown = Evaluation.objects.get(event_user_id="99999")
    assert unknown.outcome == "failed" and "no user with id 99999" in unknown.error

    scenario.send_ccx_passing_status(learner, "ccx-v1:DemoX+Data101+2026+ccx@3", None)
    malformed = Evaluation.objects.get(error__contains="master_course_key")
    assert malformed.outcome == "failed" and malformed.event_user_id == str(learner.id)


def _lists(award):
    from openedx_microcreds.credentials import StatusBits, sign, status_list_credential
    from openedx_microcreds.signing import load_private_key
    from openedx_microcreds.status import status_list_url

    key = load_private_key(award.signing_key)
    document = status_list_credential(
        list_url=status_list_url(award.status_list),
        issuer=award.credential["issuer"]["id"],
        bits=StatusBits(),
        valid_from=award.issued_at,
    )
    return {status_list_url(award.status_list): sign(document, key)}


def test_coalescing_only_with_a_cache_the_worker_shares(settings, catalogue):
    from openedx_microcreds import tasks

    app = tasks.evaluate_learner.app
    eager = app.conf.task_always_eager
    try:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        app.conf.task_always_eager = True
        assert tasks.coalescing_is_safe()  # the task runs here and clears the mark itself
        app.conf.task_always_eager = False
        assert not tasks.coalescing_is_safe()  # a worker could never clear this process's mark
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/9",
            }
        }
        assert tasks.coalescing_is_safe()
    finally:
        app.conf.task_always_eager = eager


def test_retry_keeps_a_malformed_event_failed_and_goes_on(catalogue, learner, fake_platform):
    """A malformed event cannot be evaluated again; retrying says so instead of crashing, and
    the other failures in the same run are still retried."""
    from openedx_microcreds.awarding import retry_failed
    from openedx_microcreds.platform import PlatformError

    scenario.send_ccx_passing_status(learner, "ccx-v1:DemoX+Data101+2026+ccx@3", None)
    malformed = Evaluation.objects.get(outcome="failed")
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    fake_platform.fail_next_grade_read(PlatformError("grades down"))
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    grade_failure = Evaluation.objects.get(outcome="failed", error__contains="grades down")

    outcomes = {e.pk: e for e in retry_failed([malformed, grade_failure])}
    assert outcomes[malformed.pk].outcome == "failed"
    assert "cannot be evaluated again" in outcomes[malformed.pk].error
    assert outcomes[malformed.pk].attempts == 2
    assert outcomes[grade_failure.pk].outcome == "awarded"
