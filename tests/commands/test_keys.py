"""microcreds_issuer and microcreds_keys."""

import io
import sys

import pytest
from django.core.management.base import CommandError

from openedx_microcreds.awarding import evaluate_and_award
from openedx_microcreds.models import CredentialDefinition, Issuer, SigningKey
from openedx_microcreds.triggers import Trigger
from sandbox import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def issuer(db, secret_keys):
    return Issuer.objects.create(name="Example University", url="https://example.edu")


class TtyInput(io.StringIO):
    def isatty(self):
        return True


# --- issuers ---------------------------------------------------------------------------------


def test_issuer_create_and_list(run):
    out = run(
        "microcreds_issuer",
        "create",
        "--name",
        "Example University",
        "--url",
        "https://example.edu",
        "--email",
        "badges@example.edu",
        "--did",
        "did:web:example.edu:badges",
    ).stdout
    issuer = Issuer.objects.get()
    assert (issuer.name, issuer.email, issuer.did) == (
        "Example University",
        "badges@example.edu",
        "did:web:example.edu:badges",
    )
    assert f"microcreds_keys generate --issuer {issuer.pk}" in out
    listing = run("microcreds_issuer", "list").stdout
    assert "Example University" in listing and "did:web:example.edu:badges" in listing


def test_issuer_create_refuses_bad_input(run, issuer):
    with pytest.raises(CommandError, match="exists already"):
        run("microcreds_issuer", "create", "--name", "example university", "--url", "https://x.org")
    with pytest.raises(CommandError, match="--url"):
        run("microcreds_issuer", "create", "--name", "Other", "--url", "not a url")
    with pytest.raises(CommandError, match="--email"):
        run(
            "microcreds_issuer",
            "create",
            "--name",
            "Other",
            "--url",
            "https://x.org",
            "--email",
            "x",
        )
    with pytest.raises(CommandError, match="not a did:web identifier"):
        run(
            "microcreds_issuer", "create", "--name", "Other", "--url", "https://x.org", "--did", "x"
        )
    assert Issuer.objects.count() == 1


# --- generate --------------------------------------------------------------------------------


def test_generate_creates_the_active_key_and_never_prints_the_secret(run, issuer):
    out = run("microcreds_keys", "generate", "--issuer", "Example University", "--key-id", "k1")
    key = SigningKey.objects.get(issuer=issuer)
    assert key.key_id == "k1" and key.is_active
    assert key.public_key_multibase in out.stdout
    assert f"did:key:{key.public_key_multibase}#" in out.stdout
    assert key.decrypt_secret() not in out.stdout + out.stderr
    assert key.encrypted_secret not in out.stdout + out.stderr


def test_generate_finds_the_issuer_by_id_or_name_in_any_case(run, issuer):
    run("microcreds_keys", "generate", "--issuer", str(issuer.pk), "--key-id", "a")
    SigningKey.objects.get().retire()
    run("microcreds_keys", "generate", "--issuer", "EXAMPLE university", "--key-id", "b")
    assert SigningKey.objects.get(state="active").key_id == "b"


def test_generate_refuses_when_a_key_is_active_and_says_to_rotate(run, issuer):
    run("microcreds_keys", "generate", "--issuer", str(issuer.pk))
    with pytest.raises(CommandError, match="already has an active key.*set-did.*rotate"):
        run("microcreds_keys", "generate", "--issuer", str(issuer.pk))
    issuer.did = "did:web:example.edu"
    issuer.save()
    with pytest.raises(CommandError, match="already has an active key.*to replace it run .*rotate"):
        run("microcreds_keys", "generate", "--issuer", str(issuer.pk))
    assert SigningKey.objects.count() == 1


def test_generate_refuses_a_taken_key_id(run, issuer):
    run("microcreds_keys", "generate", "--issuer", str(issuer.pk), "--key-id", "k1")
    SigningKey.objects.get().retire()
    with pytest.raises(CommandError, match="already has a key named 'k1'"):
        run("microcreds_keys", "generate", "--issuer", str(issuer.pk), "--key-id", "k1")


def test_unknown_and_ambiguous_issuers(run, issuer):
    with pytest.raises(CommandError, match="no issuer with id or name 'Nobody'"):
        run("microcreds_keys", "generate", "--issuer", "Nobody")
    with pytest.raises(CommandError, match="no issuer with id or name '999'"):
        run("microcreds_keys", "generate", "--issuer", "999")
    Issuer.objects.create(name="Example University", url="https://other.example.edu")
    with pytest.raises(CommandError, match="several issuers"):
        run("microcreds_keys", "generate", "--issuer", "Example University")


def test_generate_without_encryption_keys_is_a_clear_error(run, issuer, settings):
    settings.MICROCREDS_SECRET_KEYS = ["too short"]
    with pytest.raises(CommandError, match="cannot encrypt"):
        run("microcreds_keys", "generate", "--issuer", str(issuer.pk))
    assert not SigningKey.objects.exists()


# --- list ------------------------------------------------------------------------------------


def _award(learner, slug="data-analyst"):
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    definition = CredentialDefinition.objects.get(slug=slug)
    trigger = Trigger(event_type="test", user_id=learner.id, course_key=scenario.DATA_COURSE)
    evaluation = evaluate_and_award(definition, learner, trigger)
    assert evaluation.outcome == "awarded", evaluation.error
    return evaluation.award


def test_list_shows_public_data_and_active_awards_signed(run, catalogue, fake_platform):
    ada = fake_platform.add_user("ada")
    bob = fake_platform.add_user("bob")
    _award(ada)
    revoked = _award(bob)
    revoked.state = "revoked"
    revoked.save()
    other = Issuer.objects.create(name="Other College", url="https://other.example.edu")
    run("microcreds_keys", "generate", "--issuer", str(other.pk), "--key-id", "other-key")

    out = run("microcreds_keys", "list").stdout
    header, *lines = out.splitlines()
    assert header.split() == [
        "KEY",
        "ID",
        "ISSUER",
        "STATE",
        "CREATED",
        "PUBLIC",
        "KEY",
        "ACTIVE",
        "AWARDS",
    ]
    key1 = next(line for line in lines if line.startswith("key-1 "))
    assert "Example University" in key1 and "active" in key1 and key1.endswith(" 1")
    for key in SigningKey.objects.all():
        assert key.public_key_multibase in out
        assert key.decrypt_secret() not in out
        assert key.encrypted_secret not in out

    only_other = run("microcreds_keys", "list", "--issuer", "Other College").stdout
    assert "other-key" in only_other and "key-1" not in only_other


def test_list_without_keys(run, issuer):
    assert "No signing keys" in run("microcreds_keys", "list").stdout


# --- rotate ----------------------------------------------------------------------------------


@pytest.fixture
def did_web_issuer(catalogue):
    catalogue.did = "did:web:lms.example.edu:microcreds:issuer"
    catalogue.save()
    return catalogue


def test_rotate_keeps_the_old_key_published(run, did_web_issuer):
    out = run("microcreds_keys", "rotate", "--issuer", "Example University", "--key-id", "key-2")
    states = dict(SigningKey.objects.values_list("key_id", "state"))
    assert states == {"key-1": "rotated", "key-2": "active"}
    assert "Rotated out key-1" in out.stdout and "Generated key key-2" in out.stdout
    assert f"{did_web_issuer.did}#key-2" in out.stdout
    listing = run("microcreds_keys", "list").stdout
    assert any(line.startswith("key-1 ") and " rotated " in line for line in listing.splitlines())


def test_a_did_key_issuer_cannot_rotate(run, catalogue):
    with pytest.raises(CommandError, match="did:web first"):
        run("microcreds_keys", "rotate", "--issuer", str(catalogue.pk))
    assert SigningKey.objects.get().is_active


def test_rotate_needs_an_active_key_and_a_free_key_id(run, did_web_issuer):
    with pytest.raises(CommandError, match="already has a key named 'key-1'"):
        run("microcreds_keys", "rotate", "--issuer", str(did_web_issuer.pk), "--key-id", "key-1")
    assert SigningKey.objects.get().is_active  # nothing changed
    SigningKey.objects.get().retire()
    with pytest.raises(CommandError, match="no active key to rotate"):
        run("microcreds_keys", "rotate", "--issuer", str(did_web_issuer.pk))


def test_issuer_create_for_setup_scripts_runs_once(run, secret_keys, settings):
    """The Tutor init task's form: the first issuer, with the site's did:web and a key; the same
    command on the next deploy changes nothing, even after the operator renamed the issuer."""
    settings.MICROCREDS_ISSUER_BASE_URL = "https://lms.example.edu"
    setup = (
        "microcreds_issuer",
        "create",
        "--name",
        "Example University",
        "--url",
        "https://example.edu",
        "--site-did",
        "--with-key",
        "--unless-any",
    )
    out = run(*setup).stdout
    issuer = Issuer.objects.get()
    assert issuer.did == "did:web:lms.example.edu:microcreds:issuer"
    key = SigningKey.objects.get(issuer=issuer)
    assert key.is_active
    assert f"Generated its signing key {key.key_id}" in out
    assert "https://lms.example.edu/microcreds/issuer/did.json" in out
    Issuer.objects.filter(pk=issuer.pk).update(name="Renamed University")
    assert "nothing created" in run(*setup).stdout
    assert Issuer.objects.count() == 1 and SigningKey.objects.count() == 1


def test_issuer_create_with_key_leaves_nothing_when_the_key_fails(run, settings):
    settings.MICROCREDS_SECRET_KEYS = []
    settings.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK = False
    with pytest.raises(CommandError, match="cannot encrypt the new key"):
        run(
            "microcreds_issuer",
            "create",
            "--name",
            "Example University",
            "--url",
            "https://example.edu",
            "--with-key",
            "--unless-any",
        )
    # No keyless issuer that --unless-any would skip on the next run.
    assert not Issuer.objects.exists()


def test_issuer_create_site_did_needs_https_and_no_did(run, secret_keys, settings):
    settings.MICROCREDS_ISSUER_BASE_URL = "http://lms.example.edu"
    base = ("microcreds_issuer", "create", "--name", "E", "--url", "https://example.edu")
    with pytest.raises(CommandError, match="cannot derive this site's did:web"):
        run(*base, "--site-did")
    with pytest.raises(CommandError, match="--did or --site-did, not both"):
        run(*base, "--site-did", "--did", "did:web:example.edu")
    assert not Issuer.objects.exists()


# --- set-did ---------------------------------------------------------------------------------


def test_set_did_defaults_to_the_site_did(run, catalogue, fake_platform):
    _award(fake_platform.add_user("ada"))
    out = run("microcreds_issuer", "set-did", "--issuer", "Example University").stdout
    catalogue.refresh_from_db()
    assert catalogue.did == "did:web:lms.example.edu:microcreds:issuer"
    assert "https://lms.example.edu/microcreds/issuer/did.json" in out
    assert "1 active award(s) name the did:key identity; they keep verifying" in out
    assert "already is" in run("microcreds_issuer", "set-did", "--issuer", str(catalogue.pk)).stdout
    run("microcreds_keys", "rotate", "--issuer", str(catalogue.pk), "--key-id", "key-2")
    assert SigningKey.objects.get(state="active").key_id == "key-2"


def test_set_did_checks_the_did(run, catalogue):
    with pytest.raises(CommandError, match="not a did:web identifier"):
        run("microcreds_issuer", "set-did", "--issuer", str(catalogue.pk), "--did", "did:key:z6Mk")
    other = Issuer.objects.create(name="Other", url="https://o.example.edu", did="did:web:o.org")
    with pytest.raises(CommandError, match="'Other' .* already is did:web:o.org"):
        run("microcreds_issuer", "set-did", "--issuer", str(catalogue.pk), "--did", other.did)
    run("microcreds_issuer", "set-did", "--issuer", str(catalogue.pk), "--did", "did:web:x.org")
    catalogue.refresh_from_db()
    assert catalogue.did == "did:web:x.org"
    # A DID every credential would carry, whose document no verifier could fetch.
    for bad in ("did:web:bad host.org", "did:web:x_y.org:issuer"):
        with pytest.raises(CommandError, match="--did: must "):
            run("microcreds_issuer", "set-did", "--issuer", str(catalogue.pk), "--did", bad)
    catalogue.refresh_from_db()
    assert catalogue.did == "did:web:x.org"


def test_set_did_needs_a_base_url(run, catalogue, settings):
    settings.MICROCREDS_ISSUER_BASE_URL = "http://lms.example.edu"
    with pytest.raises(CommandError, match="cannot derive this site's did:web.*pass --did"):
        run("microcreds_issuer", "set-did", "--issuer", str(catalogue.pk))


# --- retire ----------------------------------------------------------------------------------


def test_retire_with_yes_warns_with_the_award_count(run, catalogue, fake_platform):
    _award(fake_platform.add_user("ada"))
    out = run("microcreds_keys", "retire", "key-1", "--issuer", "Example University", "--yes")
    assert "(active) signed 1 active award(s). They keep verifying: a did:key" in out.stdout
    assert "no active key" in out.stdout
    assert SigningKey.objects.get().state == "retired"


def test_retiring_a_did_web_key_warns_that_its_credentials_stop_verifying(
    run, did_web_issuer, fake_platform
):
    _award(fake_platform.add_user("ada"))
    run("microcreds_keys", "rotate", "--issuer", str(did_web_issuer.pk), "--key-id", "key-2")
    out = run("microcreds_keys", "retire", "key-1", "--yes").stdout
    assert "(rotated) signed 1 active award(s). They will STOP verifying" in out
    assert "no active key" not in out  # key-2 still signs
    assert SigningKey.objects.get(key_id="key-1").state == "retired"
    quiet = run("microcreds_keys", "retire", "key-2", "--yes").stdout
    assert "signed 0 active award(s). Nothing active depends on it." in quiet


def test_retire_asks_for_confirmation(run, catalogue, monkeypatch):
    monkeypatch.setattr(sys, "stdin", TtyInput("n\n"))
    with pytest.raises(CommandError, match="not retired"):
        run("microcreds_keys", "retire", "key-1")
    assert SigningKey.objects.get().is_active

    monkeypatch.setattr(sys, "stdin", TtyInput("y\n"))
    out = run("microcreds_keys", "retire", "key-1")
    assert "Retired key key-1" in out.stdout
    assert not SigningKey.objects.get().is_active


def test_retire_refuses_without_a_terminal_or_yes(run, catalogue, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    with pytest.raises(CommandError, match="pass --yes"):
        run("microcreds_keys", "retire", "key-1")
    assert SigningKey.objects.get().is_active


def test_retire_errors(run, catalogue):
    with pytest.raises(CommandError, match="no signing key 'nope'"):
        run("microcreds_keys", "retire", "nope", "--yes")
    other = Issuer.objects.create(name="Other College", url="https://other.example.edu")
    run("microcreds_keys", "generate", "--issuer", str(other.pk), "--key-id", "key-1")
    with pytest.raises(CommandError, match="several issuers have a key 'key-1'"):
        run("microcreds_keys", "retire", "key-1", "--yes")
    with pytest.raises(CommandError, match="no signing key 'key-1' of issuer 'Other College'"):
        SigningKey.objects.filter(issuer=other).delete()
        run("microcreds_keys", "retire", "key-1", "--issuer", "Other College", "--yes")


def test_retiring_a_retired_key_says_so(run, catalogue):
    SigningKey.objects.get().retire()
    assert "already retired" in run("microcreds_keys", "retire", "key-1", "--yes").stdout


def test_an_action_is_required(run, db):
    with pytest.raises(CommandError):
        run("microcreds_keys")
