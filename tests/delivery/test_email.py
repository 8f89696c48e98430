"""The e-mail channel, end to end: a real award (real openedx-events) writes the outbox row, the
task sends it through Django's e-mail backend (or edx-ace's django_email channel), and the
learner reads why they earned it. Opt-outs, missing addresses and the site-wide switch skip the
message with the reason; a real SMTP server on loopback refusing it fails or retries it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from openedx_microcreds.delivery import outbox
from openedx_microcreds.learner.preferences import set_wants_emails
from openedx_microcreds.models import Award, OutboxMessage
from openedx_microcreds.revocation import revoke
from sandbox import scenario

from .smtp import smtp_server, smtp_settings

pytestmark = pytest.mark.django_db
EMAIL = "openedx_microcreds.delivery.email.EmailChannel"


@pytest.fixture(autouse=True)
def email_channel(settings):
    settings.MICROCREDS_DELIVERY_CHANNELS = [EMAIL]
    settings.DEFAULT_FROM_EMAIL = "credentials@example.edu"
    settings.MICROCREDS_EMAIL_VIA_ACE = False


@pytest.fixture
def award_for(catalogue, django_capture_on_commit_callbacks):
    def make(learner, capstone=0.92):
        scenario.grade_analyst(learner, capstone=capstone, analysis=(0.8, 0.9), percent=0.88)
        with django_capture_on_commit_callbacks(execute=True):
            scenario.send_passing_status(learner, scenario.DATA_COURSE)
        return Award.objects.active().get(user_id=learner.id, definition__slug="data-analyst")

    return make


def rows(award):
    return {(m.event, m.channel, m.state, m.last_error) for m in award.outbox.all()}


def test_an_issued_credential_is_announced_with_its_reasons_and_links(award_for, learner, settings):
    settings.MICROCREDS_WALLET_PROTOCOLS = []  # none set up: see the next test for the link
    award = award_for(learner)
    assert rows(award) == {("issued", "email", "sent", "")}
    [message] = mail.outbox
    assert message.to == ["ada@example.edu"]
    assert message.from_email == "credentials@example.edu"
    assert message.subject == "You earned Data Analyst, a credential from Example University"
    text = message.body
    assert "Hello Ada Lovelace," in text
    assert 'Example University has issued you the credential "Data Analyst".' in text
    # Why, with the learner's numbers (rounded down) and the thresholds, by name not key.
    assert "- Pass Data Analysis with Python: passed" in text
    assert "- Capstone project: 92%, 80% needed" in text
    assert "- Competency: Data analysis: 86.6%, 75% needed" in text
    assert "course-v1:" not in text
    assert f"https://lms.example.edu/microcreds/credentials/{award.uuid}/" in text
    # No wallet protocol is set up: no "add to wallet" link that leads nowhere.
    assert "/wallet/" not in text and "/wallet/" not in message.alternatives[0][0]
    assert "https://lms.example.edu/microcreds/me/" in text
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    assert "<h1" in html and "You earned Data Analyst" in html
    assert "Capstone project: 92%, 80% needed" in html
    assert 'lang="en' in html


def test_the_add_to_wallet_link_once_a_wallet_protocol_is_set_up(award_for, learner, settings):
    settings.MICROCREDS_WALLET_PROTOCOLS = ["tests.learner.wallet_protocols.FakeLcw"]
    award = award_for(learner)
    [message] = mail.outbox
    wallet = f"https://lms.example.edu/microcreds/me/credentials/{award.uuid}/wallet/"
    assert f"Add it to your digital wallet:\n{wallet}" in message.body
    assert f'href="{wallet}"' in message.alternatives[0][0]


def test_revoked_expired_and_renewed_each_have_their_own_words(
    award_for, learner, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from openedx_microcreds.renewal import expire_lapsed, renew_expiring

    award = award_for(learner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        revoke(award, reason="the capstone was plagiarised")
    [revoked] = mail.outbox
    assert revoked.subject == "Example University revoked your credential Data Analyst"
    assert "Reason given: the capstone was plagiarised" in revoked.body
    assert "Reason given: the capstone was plagiarised" in revoked.alternatives[0][0]

    second = award_for(learner)
    Award.objects.filter(pk=second.pk).update(valid_until=timezone.now() + timedelta(days=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        renew_expiring(window_days=30)
    [renewed] = mail.outbox
    assert renewed.subject == "Your credential Data Analyst was renewed"
    assert "so Example University has issued it to you again" in renewed.body
    assert "- Capstone project: 92%, 80% needed" in renewed.body

    current = Award.objects.active().get(user_id=learner.id)
    Award.objects.filter(pk=current.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        expire_lapsed()
    [expired] = mail.outbox
    assert expired.subject == "Your credential Data Analyst has expired"
    assert "marked as expired" in expired.body


def test_a_learner_who_opted_out_is_skipped_with_the_reason(award_for, learner):
    set_wants_emails(learner.id, False)
    award = award_for(learner)
    assert rows(award) == {("issued", "email", "skipped", "the learner turned these e-mails off")}
    assert mail.outbox == []


def test_a_learner_without_an_address_is_skipped_not_failed(
    award_for, learner, django_capture_on_commit_callbacks
):
    award = award_for(learner)
    get_user_model().objects.filter(pk=learner.id).update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        revoke(award, reason="issued in error")
    assert ("revoked", "email", "skipped", "the learner has no e-mail address") in rows(award)


def test_site_wide_off_queues_nothing_and_skips_what_was_queued(award_for, learner, settings):
    settings.MICROCREDS_LEARNER_EMAILS_ENABLED = False
    award = award_for(learner)
    assert rows(award) == set()

    settings.MICROCREDS_LEARNER_EMAILS_ENABLED = True
    assert outbox.record(award, "revoked") == 1  # queued while e-mails were on...
    [message_id] = outbox.pending_ids([(award.pk, "revoked")])
    settings.MICROCREDS_LEARNER_EMAILS_ENABLED = False  # ...and sent after they went off
    assert outbox.deliver(message_id).outcome == outbox.SKIPPED
    assert OutboxMessage.objects.get(pk=message_id).last_error.startswith(
        "e-mails to learners are turned off site-wide"
    )
    assert mail.outbox == []


def test_a_real_smtp_server_receives_it(award_for, learner, settings):
    with smtp_server() as mailbox:
        smtp_settings(settings, mailbox)
        award = award_for(learner)
    assert rows(award) == {("issued", "email", "sent", "")}
    [received] = mailbox.received
    assert received["To"] == "ada@example.edu"
    parts = {part.get_content_type() for part in received.walk()}
    assert {"text/plain", "text/html"} <= parts


@pytest.mark.parametrize(
    ("reply", "state", "error"),
    [
        ("550 5.1.1 mailbox unavailable", "failed", "the mail server refused the recipient (550)"),
        ("451 4.3.0 try again later", "pending", "the mail server refused the recipient (451)"),
    ],
)
def test_a_refusing_smtp_server_fails_or_retries(award_for, learner, settings, reply, state, error):
    with smtp_server() as mailbox:
        mailbox.refuse_with = reply
        smtp_settings(settings, mailbox)
        award = award_for(learner)
    [row] = award.outbox.all()
    assert (row.state, row.last_error) == (state, error)
    assert "ada@example.edu" not in row.last_error  # no address in what operators read


def test_the_smtp_server_down_is_retried(award_for, learner, settings):
    from .smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    award = award_for(learner)
    [row] = award.outbox.all()
    assert row.state == "pending" and "ConnectionRefusedError" in row.last_error


class TestThroughEdxAce:
    """As in the LMS: edx-ace renders the message type's templates and its django_email channel
    sends them."""

    @pytest.fixture(autouse=True)
    def ace_settings(self, settings):
        settings.MICROCREDS_EMAIL_VIA_ACE = True
        settings.ACE_ENABLED_CHANNELS = ["django_email"]
        settings.ACE_ENABLED_POLICIES = []
        settings.ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
        settings.ACE_CHANNEL_TRANSACTIONAL_EMAIL = "django_email"

    def test_sent_with_ace(self, award_for, learner):
        award = award_for(learner)
        assert rows(award) == {("issued", "email", "sent", "")}
        [message] = mail.outbox
        assert message.subject == "You earned Data Analyst, a credential from Example University"
        assert message.from_email == "credentials@example.edu"
        assert "- Capstone project: 92%, 80% needed" in message.body
        [(html, mime)] = message.alternatives
        assert mime == "text/html" and "You earned Data Analyst" in html

    def test_a_delivery_ace_swallows_is_retried(self, award_for, learner, settings):
        """ace.send reports an SMTP error instead of raising it: the channel notices that no
        ACE_MESSAGE_SENT came for the message and keeps it for another try."""
        with smtp_server() as mailbox:
            mailbox.refuse_with = "550 5.1.1 mailbox unavailable"
            smtp_settings(settings, mailbox)
            award = award_for(learner)
        [row] = award.outbox.all()
        assert row.state == "pending"
        assert row.last_error.startswith("edx-ace did not deliver message")
