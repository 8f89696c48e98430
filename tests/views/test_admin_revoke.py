"""The "Revoke selected awards" admin action: a reason is required, each award goes through the
revocation service, and revoking twice reports "already revoked"."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from openedx_microcreds.models import Award

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:openedx_microcreds_award_changelist"


def post_action(client, awards, **extra):
    data = {"action": "revoke_awards", "_selected_action": [a.pk for a in awards], **extra}
    return client.post(reverse(CHANGELIST), data)


def confirm(client, awards, reason):
    """Submit the confirmation page; follows the redirect to the change list."""
    data = {
        "action": "revoke_awards",
        "_selected_action": [a.pk for a in awards],
        "confirm_revocation": "yes",
        "reason": reason,
    }
    return client.post(reverse(CHANGELIST), data, follow=True)


def messages_of(response) -> list[str]:
    """The messages shown on the page the client ended on."""
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def two_awards(make_award, learner, fake_platform):
    grace = fake_platform.add_user("grace_h", "grace@example.edu", "Grace Hopper")
    return [make_award(learner), make_award(grace)]


def test_the_action_is_offered_to_users_who_may_change_awards(admin_client, award):
    page = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="revoke_awards"' in page and "Revoke selected awards" in page


def test_asks_for_a_reason_first(admin_client, two_awards):
    response = post_action(admin_client, two_awards)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="reason"' in body and 'name="confirm_revocation"' in body
    for award in two_awards:
        assert str(award.uuid) in body
        assert f'name="_selected_action" value="{award.pk}"' in body
    assert not Award.objects.filter(state=Award.State.REVOKED).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_is_required(admin_client, award, reason):
    response = confirm(admin_client, [award], reason)
    assert response.status_code == 200 and not response.redirect_chain
    assert "This field is required." in response.content.decode()
    award.refresh_from_db()
    assert award.state == Award.State.ACTIVE


def test_revokes_with_reason_and_reports_already_revoked_the_second_time(
    admin_client, admin_user, two_awards
):
    response = confirm(admin_client, two_awards, "  Capstone was plagiarised  ")
    assert response.redirect_chain == [(reverse(CHANGELIST), 302)]
    assert messages_of(response) == ["2 awards revoked."]
    for award in two_awards:
        award.refresh_from_db()
        assert award.state == Award.State.REVOKED
        assert award.revocation_reason == "Capstone was plagiarised"
        assert award.revoked_by == admin_user
        assert award.status_list.bits_version > 1

    again = confirm(admin_client, two_awards[:1], "another reason")
    [message] = messages_of(again)
    assert "already revoked" in message and "Capstone was plagiarised" in message
    award = two_awards[0]
    award.refresh_from_db()
    assert award.revocation_reason == "Capstone was plagiarised"


def test_mixed_selection_reports_both(admin_client, two_awards):
    confirm(admin_client, two_awards[:1], "first")
    response = confirm(admin_client, two_awards, "second")
    texts = messages_of(response)
    assert "1 award revoked." in texts
    assert any("already revoked" in text and str(two_awards[0].uuid) in text for text in texts)


@pytest.fixture
def staff_client(client):
    staff = get_user_model().objects.create_user("staff", "staff@example.edu", "pw", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_award", content_type__app_label="openedx_microcreds")
    )
    client.force_login(staff)
    client.staff = staff
    return client


def test_view_permission_alone_cannot_revoke(staff_client, award):
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "revoke_awards" not in page
    for response in (
        post_action(staff_client, [award]),
        confirm(staff_client, [award], "no right to do this"),
    ):
        assert 'name="reason"' not in response.content.decode()
        assert not any("revoked" in text for text in messages_of(response))
    award.refresh_from_db()
    assert award.state == Award.State.ACTIVE


def test_change_permission_is_enough(staff_client, award):
    staff_client.staff.user_permissions.add(
        Permission.objects.get(
            codename="change_award", content_type__app_label="openedx_microcreds"
        )
    )
    response = confirm(staff_client, [award], "issued by mistake")
    assert messages_of(response) == ["1 award revoked."]
    award.refresh_from_db()
    assert award.state == Award.State.REVOKED and award.revoked_by == staff_client.staff


def test_awards_stay_read_only(admin_client, award):
    url = reverse("admin:openedx_microcreds_award_change", args=[award.pk])
    admin_client.post(url, {"state": "revoked", "revocation_reason": "sneaky"})
    award.refresh_from_db()
    assert award.state == Award.State.ACTIVE
