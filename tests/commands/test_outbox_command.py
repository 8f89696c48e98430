"""microcreds_outbox list|retry: what operators see of the outbox, and sending failures again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openedx_microcreds.models import Award, OutboxMessage
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def failed_email(catalogue, learner, settings):
    """An e-mail the (unreachable) mail server made fail for good, and one that was sent."""
    settings.MICROCREDS_DELIVERY_CHANNELS = ["openedx_microcreds.delivery.email.EmailChannel"]
    settings.MICROCREDS_EMAIL_VIA_ACE = False
    settings.MICROCREDS_OUTBOX_RETRY_HORIZON_SECONDS = 1  # the first failure gives up
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    award = Award.objects.get(user_id=learner.id)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from openedx_microcreds.revocation import revoke

    revoke(award, reason="issued in error")
    return award


def run(*args) -> str:
    out = StringIO()
    call_command("microcreds_outbox", *args, stdout=out)
    return out.getvalue()


def test_list_filters_and_shows_why(failed_email):
    everything = run("list")
    assert "issued" in everything and "revoked" in everything
    failed = run("list", "--state", "failed")
    [header, row] = failed.strip().splitlines()
    assert header.split()[:4] == ["id", "state", "event", "channel"]
    assert " failed " in row and " issued " in row and "data-analyst" in row
    assert "ConnectionRefusedError" in row and "still failing after 1 tries" in row
    assert "issued" not in run("list", "--event", "revoked").split("\n", 1)[1]
    assert run("list", "--channel", "ob3") == "No messages.\n"
    assert "revoked" in run("list", "--channel", "email", "--state", "sent")
    assert "1 more (use --limit)" in run("list", "--limit", "1")


def test_retry_failed_sends_them_again(failed_email, mailoutbox):
    [failed] = OutboxMessage.objects.filter(state="failed")
    mailoutbox.clear()  # the revocation's e-mail
    out = run("retry", "--failed")
    assert "1 message(s) queued again." in out
    assert f"  {failed.pk} issued via email: sent" in out
    failed.refresh_from_db()
    assert (failed.state, failed.last_error) == ("sent", "")
    assert [m.subject for m in mailoutbox] == [
        "You earned Data Analyst, a credential from Example University"
    ]


def test_retry_by_id_leaves_sent_messages_alone(failed_email, mailoutbox):
    sent = OutboxMessage.objects.get(state="sent")
    failed = OutboxMessage.objects.get(state="failed")
    mailoutbox.clear()  # the revocation's e-mail
    out = run("retry", str(sent.pk), str(failed.pk))
    assert f"Message {sent.pk} is sent: left as it is." in out
    assert "1 message(s) queued again." in out
    assert len(mailoutbox) == 1  # the failed one only; the sent one is not sent twice


def test_retry_needs_ids_or_failed(failed_email):
    with pytest.raises(CommandError, match="give message ids, or --failed"):
        run("retry")
    with pytest.raises(CommandError, match="no outbox message with id 999999"):
        run("retry", "999999")


def test_the_admin_shows_failures_with_their_reason_and_sends_them_again(
    failed_email, admin_client, mailoutbox
):
    from django.urls import reverse

    failed = OutboxMessage.objects.get(state="failed")
    changelist = reverse("admin:openedx_microcreds_outboxmessage_changelist")
    page = admin_client.get(changelist, {"state__exact": "failed"}).content.decode()
    assert "ConnectionRefusedError" in page and str(failed.award.uuid) in page
    detail = admin_client.get(
        reverse("admin:openedx_microcreds_outboxmessage_change", args=[failed.pk])
    ).content.decode()
    assert "still failing after 1 tries" in detail
    mailoutbox.clear()
    sent = OutboxMessage.objects.get(state="sent")
    response = admin_client.post(
        changelist,
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "1 message queued again." in body
    assert "1 message was sent or is being sent: left as it is." in body
    failed.refresh_from_db()
    assert failed.state == "sent" and len(mailoutbox) == 1


def test_the_admin_keeps_the_outbox_read_only(failed_email, admin_client):
    from django.urls import reverse

    row = OutboxMessage.objects.get(state="failed")
    change = reverse("admin:openedx_microcreds_outboxmessage_change", args=[row.pk])
    admin_client.post(change, {"state": "sent", "channel": "x"})
    row.refresh_from_db()
    assert (row.state, row.channel) == ("failed", "email")
    assert (
        admin_client.get(reverse("admin:openedx_microcreds_outboxmessage_add")).status_code == 403
    )
