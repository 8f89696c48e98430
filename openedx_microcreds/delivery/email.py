"""The e-mail channel: tells the learner that a credential was issued, renewed, expired or
revoked. The default delivery channel.

Sent through edx-ace when its app is installed (as the LMS sends its own messages: a message
type, templates under ``openedx_microcreds/edx_ace/``, the platform's ACE channels and
policies), otherwise through Django's e-mail backend (the sandbox, tests). Whether to send is
decided when sending, not when the award changed: a learner who turned the e-mails off, or has
no address, gets nothing and the message is recorded as *skipped* with that reason.
"""

from __future__ import annotations

import logging
import smtplib
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from ..learner.preferences import wants_emails
from ..platform import get_platform
from ..settings import get_setting
from . import notification
from .channels import Channel, PermanentDeliveryError, RetryableDeliveryError, SkipDelivery

if TYPE_CHECKING:
    from ..models import Award, OutboxMessage

log = logging.getLogger(__name__)

SITE_WIDE_OFF = "e-mails to learners are turned off site-wide (MICROCREDS_LEARNER_EMAILS_ENABLED)"


def uses_ace() -> bool:
    choice = get_setting("MICROCREDS_EMAIL_VIA_ACE")
    if choice is None:
        return apps.is_installed("edx_ace")
    return bool(choice)


def from_address() -> str:
    return get_setting("MICROCREDS_EMAIL_FROM") or settings.DEFAULT_FROM_EMAIL


class EmailChannel(Channel):
    name = "email"

    def targets(self, award: Award, event: str) -> list[str]:
        # Turned off site-wide: nothing is queued at all (no row per award to skip later).
        return [self.name] if get_setting("MICROCREDS_LEARNER_EMAILS_ENABLED") else []

    def send(self, message: OutboxMessage) -> None:
        if not get_setting("MICROCREDS_LEARNER_EMAILS_ENABLED"):
            raise SkipDelivery(SITE_WIDE_OFF)
        award = message.award
        learner = get_platform().get_user(award.user_id)
        if learner is None:
            raise SkipDelivery("the learner's account no longer exists")
        if not learner.is_active:
            raise SkipDelivery("the learner's account is not active")
        if not wants_emails(learner.id):
            raise SkipDelivery("the learner turned these e-mails off")
        if not learner.email:
            raise SkipDelivery("the learner has no e-mail address")
        values = notification.context(award, message.event, learner)
        if uses_ace():
            from .ace import send_with_ace

            send_with_ace(learner, values, from_address())
        else:
            send_with_django(learner.email, values, from_address())


def send_with_django(to: str, values: dict, sender: str) -> None:
    subject, text, html = notification.render(values)
    mail = EmailMultiAlternatives(subject=subject, body=text, from_email=sender, to=[to])
    mail.attach_alternative(html, "text/html")
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _text in exc.recipients.values()})
        error = f"the mail server refused the recipient ({', '.join(map(str, codes))})"
        if all(code >= 500 for code in codes):
            raise PermanentDeliveryError(error) from None  # the address is not in the text
        raise RetryableDeliveryError(error) from None
    except smtplib.SMTPResponseException as exc:
        error = f"the mail server answered {exc.smtp_code}: {_text(exc.smtp_error)}"
        if exc.smtp_code >= 500:
            raise PermanentDeliveryError(error) from None
        raise RetryableDeliveryError(error) from None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
