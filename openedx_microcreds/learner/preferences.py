"""The learner's own choices (see :class:`~openedx_microcreds.models.LearnerPreference`)."""

from __future__ import annotations

from ..models import LearnerPreference


def wants_emails(user_id: int) -> bool:
    """True unless the learner turned the e-mails about their credentials off."""
    choice = (
        LearnerPreference.objects.filter(user_id=user_id)
        .values_list("email_notifications", flat=True)
        .first()
    )
    return True if choice is None else bool(choice)


def set_wants_emails(user_id: int, wanted: bool) -> None:
    LearnerPreference.objects.update_or_create(
        user_id=user_id, defaults={"email_notifications": bool(wanted)}
    )
