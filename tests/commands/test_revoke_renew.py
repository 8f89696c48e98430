from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from openedx_microcreds.models import Award
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def award(db, secret_keys, settings, fake_platform):
    settings.MICROCREDS_ISSUER_BASE_URL = "https://lms.example.edu"
    scenario.create_catalogue()
    learner = fake_platform.add_user("ada", "ada@example.edu", "Ada")
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    return Award.objects.get(user_id=learner.id, definition__slug="data-analyst")


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_revoke_by_credential_id_then_again(award, fake_platform):
    staff = fake_platform.add_user("registrar", "r@example.edu", "R", is_staff=True)
    output = run(
        "microcreds_revoke", award.credential_id, "--reason", "plagiarism", "--by", "registrar"
    )
    assert output.startswith("Revoked: data-analyst") and "plagiarism" in output
    award.refresh_from_db()
    assert award.state == "revoked" and award.revoked_by_id == staff.id
    again = run("microcreds_revoke", str(award.uuid), "--reason", "again")
    assert again.startswith("Unchanged") and "already revoked" in again


def test_revoke_errors(award):
    with pytest.raises(CommandError, match="no award or credential"):
        run("microcreds_revoke", "urn:uuid:11111111-1111-1111-1111-111111111111", "--reason", "x")
    with pytest.raises(CommandError, match="no user named"):
        run("microcreds_revoke", award.credential_id, "--reason", "x", "--by", "nobody")


def test_renew_command_reports(award):
    Award.objects.filter(pk=award.pk).update(valid_until=timezone.now() + timedelta(days=3))
    output = run("microcreds_renew", "--window-days", "7")
    assert "Renewed 1," in output
    assert Award.objects.filter(user_id=award.user_id, state="active").count() == 1
    assert Award.objects.get(pk=award.pk).state == "superseded"
