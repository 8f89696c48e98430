"""The e-mail through edx-ace, as the LMS sends its own messages: a message type whose templates
live under ``openedx_microcreds/edx_ace/credentialnotification/email/`` and include the same
templates as the Django path, sent with ``ace.send`` over the platform's e-mail channel
(``ACE_CHANNEL_TRANSACTIONAL_EMAIL``, falling back to ``ACE_CHANNEL_DEFAULT_EMAIL``).

``ace.send`` reports a failed delivery to monitoring and returns as if it had sent: the channel
knows it was delivered only through ACE's ``ACE_MESSAGE_SENT`` signal for this very message.
Imported only when edx-ace is used.
"""

from __future__ import annotations

from typing import Any

from edx_ace import MessageType, Recipient, ace
from edx_ace.channel import ChannelType
from edx_ace.policy import channels_for
from edx_ace.signals import ACE_MESSAGE_SENT

from ..platform import PlatformUser
from .channels import RetryableDeliveryError, SkipDelivery


class CredentialNotification(MessageType):
    """Issued, renewed, expired or revoked: the templates read ``event``."""

    APP_LABEL = "openedx_microcreds"
    NAME = "credentialnotification"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A message about the learner's own credential, not marketing: the platform's
        # transactional channel, which course e-mail opt-outs do not silence.
        self.options["transactional"] = True


def send_with_ace(learner: PlatformUser, values: dict[str, Any], sender: str) -> None:
    message_type = CredentialNotification(context=values)
    message_type.options["from_address"] = sender
    message = message_type.personalize(
        recipient=Recipient(lms_user_id=learner.id, email_address=learner.email),
        language=None,
        user_context={},
    )
    if ChannelType.EMAIL not in channels_for(message):
        raise SkipDelivery("an edx-ace policy of the platform refused e-mail for this message")
    delivered: list[dict] = []

    def on_sent(sender: Any, message: dict, **kwargs: Any) -> None:
        if message.get("uuid") == str(message_uuid):
            delivered.append(message)

    message_uuid = message.uuid
    ACE_MESSAGE_SENT.connect(on_sent, weak=False)
    try:
        ace.send(message, limit_to_channels=[ChannelType.EMAIL])
    finally:
        ACE_MESSAGE_SENT.disconnect(on_sent)
    if not delivered:
        raise RetryableDeliveryError(
            f"edx-ace did not deliver message {message_uuid} (its log and monitoring say why)"
        )
