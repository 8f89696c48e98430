#!/usr/bin/env python
"""`make demo`: the whole job on the embedded default (SQLite, eager tasks).

Creates an issuer (did:web) and key, two courses with a capstone + competency credential and a
course credential, and a two-course pathway; sends real openedx-events for a handful of learners;
revokes one credential; prints who got what and why; writes every credential to demo-output/
with a summary.json, the signed status list (status-list.json) and the issuer's DID document
(did.json); creates the logins (a staff user for the admin, and the learners), all with the
password "demo"; then serves the sandbox LMS on http://127.0.0.1:8000 until Ctrl-C, with DEBUG
off (NO_SERVE=1 exits after writing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUTPUT = Path(os.environ.get("DEMO_OUTPUT", REPO / "demo-output"))
# Where the demo serves, and so what its credentials, status lists, DID and offers name.
PORT = int(os.environ.get("DEMO_PORT") or 8000)
BASE_URL = f"http://127.0.0.1:{PORT}"
# Wallet offers in summary.json stay valid while the demo serves (a week); each works once.
DEMO_OFFER_TTL_SECONDS = 7 * 24 * 3600
# Every demo user logs in with this password, at BASE_URL/login/; the staff user reaches the admin.
DEMO_PASSWORD = "demo"  # noqa: S105 - a public demo password, printed on purpose
STAFF_USERNAME = "staff"
# A course author: course staff of the demo courses (Studio write access), not global staff.
AUTHOR_USERNAME = "author"
# Backpacks: the sandbox offers a test host on loopback (sandbox/settings/base.py), started by hand
# (it needs the Node harness: make node).
TEST_BACKPACK_URL = "http://127.0.0.1:8765"
TEST_BACKPACK_COMMAND = "node tests/interop/ob3_host.mjs --port 8765"


def configure_django() -> None:
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "sandbox"]
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings.lms"
    os.environ["MICROCREDS_SQLITE_PATH"] = str(OUTPUT / "demo.sqlite3")
    os.environ["MICROCREDS_SANDBOX_LMS_URL"] = BASE_URL
    os.environ.pop("MICROCREDS_TEST_DB", None)
    os.environ.pop("MICROCREDS_CELERY_BROKER", None)
    import django

    django.setup()


# (username, full name, what happens) — a cast that exercises every branch of the rules.
LEARNERS = [
    ("ada", "Ada Lovelace", "passes both courses: both micro-credentials and the pathway"),
    ("alan", "Alan Turing", "passes Data101 with a strong capstone"),
    ("grace", "Grace Hopper", "passes Data101 but misses the capstone threshold"),
    ("katherine", "Katherine Johnson", "strong capstone, competency activities too weak"),
    ("linus", "Linus Torvalds", "does not pass Data101"),
    ("barbara", "Barbara Liskov", "passes Viz201's exams"),
    (
        "mary",
        "Mary Somerville",
        "earns Data101's credential, loses it (plagiarised capstone, regraded to 72 %), "
        "then passes Viz201",
    ),
]


def play_events() -> None:
    from sandbox import scenario as s
    from sandbox.fake_platform import FakePlatform

    users = {
        name: FakePlatform.add_user(name, f"{name}@example.edu", full) for name, full, _ in LEARNERS
    }
    s.grade_analyst(users["ada"], capstone=0.92, analysis=(0.85, 0.9), percent=0.89)
    s.grade_visualizer(users["ada"], exam=0.88, percent=0.86)
    s.grade_analyst(users["alan"], capstone=0.96, analysis=(0.9, 0.8), percent=0.91)
    s.grade_analyst(users["grace"], capstone=0.72, analysis=(0.9, 0.95), percent=0.84)
    s.grade_analyst(users["katherine"], capstone=0.88, analysis=(0.6, 0.7), percent=0.8)
    s.grade_analyst(users["linus"], capstone=0.4, analysis=(0.3, 0.5), percent=0.35)
    s.grade_visualizer(users["barbara"], exam=0.79, percent=0.75)

    # The LMS fires these on every grade recompute: send a few duplicates, as it would.
    for name in ("ada", "alan", "grace", "katherine", "linus"):
        s.send_persistent_grade(users[name], s.DATA_COURSE, 0.8)
        s.send_passing_status(users[name], s.DATA_COURSE, is_passing=name != "linus")
        s.send_passing_status(users[name], s.DATA_COURSE, is_passing=name != "linus")
    s.send_certificate_created(users["ada"], s.VIZ_COURSE)
    s.send_passing_status(users["barbara"], s.VIZ_COURSE)
    play_mary(users["mary"])


def play_mary(mary) -> None:
    """A learner page with every state: an active credential, a revoked one (with its reason)
    and one in progress ("Capstone project: 72%, 80% needed")."""
    from openedx_microcreds.models import Award
    from openedx_microcreds.revocation import revoke
    from sandbox import scenario as s

    s.grade_analyst(mary, capstone=0.9, analysis=(0.85, 0.8), percent=0.86)
    s.send_passing_status(mary, s.DATA_COURSE)
    analyst = Award.objects.get(user__username="mary", definition__slug="data-analyst")
    revoke(analyst, reason="plagiarised capstone; regraded to 72 %")
    s.grade_analyst(mary, capstone=0.72, analysis=(0.85, 0.8), percent=0.81)
    s.grade_visualizer(mary, exam=0.82, percent=0.84)
    s.send_passing_status(mary, s.VIZ_COURSE)


def why(evaluation) -> str:
    """The failing leaves of an explanation, or the passing summary."""
    tree = (evaluation.explanation or {}).get("explanation")
    if evaluation.outcome == "failed":
        return evaluation.error
    if not tree:
        return ""
    leaves = []

    def walk(node):
        # Awarded: every requirement with the learner's numbers; not met: what fell short.
        if not node.get("children") and (tree["passed"] or not node["passed"]):
            leaves.append(node["summary"])
        for child in node.get("children", []):
            walk(child)

    walk(tree)
    return "; ".join(leaves)


def report() -> list[dict]:
    from openedx_microcreds.models import Evaluation

    rows = []
    for evaluation in Evaluation.objects.select_related("user", "definition").order_by("pk"):
        rows.append(
            {
                "learner": evaluation.user.username
                if evaluation.user
                else evaluation.event_user_id,
                "credential": evaluation.definition.slug if evaluation.definition else "-",
                "outcome": evaluation.outcome,
                "why": why(evaluation),
            }
        )
    width = max(len(r["why"]) for r in rows)
    print(f"\n{'learner':<11}{'credential':<17}{'outcome':<10}why")
    print("-" * min(38 + width, 140))
    for row in rows:
        print(f"{row['learner']:<11}{row['credential']:<17}{row['outcome']:<10}{row['why']}")
    return rows


def revoke_one():
    """Barbara's badge was issued by mistake: revoke it, as an operator would."""
    from openedx_microcreds.models import Award
    from openedx_microcreds.revocation import revoke

    award = Award.objects.get(user__username="barbara", definition__slug="data-visualizer")
    return revoke(award, reason="issued in error: exam regraded").award


def write_baked(award, directory: Path) -> dict:
    """The award's badge as PNG and SVG images with the credential baked in (Open Badges 3.0),
    as the learner downloads them from their page."""
    from openedx_microcreds.learner.credentials import baked_png, baked_svg

    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{award.definition.slug}-{award.user.username}"
    png, svg = directory / f"{stem}.png", directory / f"{stem}.svg"
    png.write_bytes(baked_png(award))
    svg.write_text(baked_svg(award), encoding="utf-8")
    return {"png": str(png.relative_to(OUTPUT)), "svg": str(svg.relative_to(OUTPUT))}


def write_output(rows: list[dict], issuer, logins: dict) -> dict:
    from openedx_microcreds.issuing import public_credential_url
    from openedx_microcreds.models import Award, StatusList
    from openedx_microcreds.signing import issuer_did_document
    from openedx_microcreds.status import signed_status_list, status_list_url
    from sandbox.models import FakeCourse

    status_list = StatusList.objects.get(issuer=issuer)
    list_url = status_list_url(status_list)
    (OUTPUT / "status-list.json").write_text(
        json.dumps(signed_status_list(status_list), indent=2) + "\n"
    )
    (OUTPUT / "did.json").write_text(json.dumps(issuer_did_document(issuer), indent=2) + "\n")
    verify_args = f"--status-list {list_url}=status-list.json --did-document {issuer.did}=did.json"
    credentials_dir = OUTPUT / "credentials"
    credentials_dir.mkdir(parents=True, exist_ok=True)
    awards = []
    for award in Award.objects.select_related("user", "definition").order_by("pk"):
        path = credentials_dir / f"{award.definition.slug}-{award.user.username}.json"
        path.write_text(json.dumps(award.credential, indent=2, ensure_ascii=False) + "\n")
        entry = {
            "learner": award.user.username,
            "credential": award.definition.slug,
            "state": award.state,
            "credential_id": award.credential_id,
            "file": str(path.relative_to(OUTPUT)),
            "public_url": public_credential_url(award),
            "verify": f"microcreds verify {verify_args} {path.relative_to(OUTPUT)}",
        }
        if award.is_active:
            entry["baked"] = write_baked(award, OUTPUT / "baked")
            entry["offers"] = wallet_offers(award)
        awards.append(entry)
    summary = {
        "base_url": BASE_URL,
        "issuer_did": issuer.did,
        "status_list_url": list_url,
        "status_list": "status-list.json",
        "did_document": "did.json",
        "awards": awards,
        "evaluations": rows,
        "logins": logins,
        "learner_pages": {
            "my_credentials": f"{BASE_URL}/microcreds/me/",
            "courses": {
                key: f"{BASE_URL}/microcreds/courses/{key}/"
                for key in sorted(FakeCourse.objects.values_list("key", flat=True))
            },
        },
        "mail": "mail/",
        "ui_pages": ui_pages(),
        "backpacks": {
            "connect_form": f"{BASE_URL}/microcreds/me/#backpacks",
            "test_host": TEST_BACKPACK_URL,
            "start_test_host": TEST_BACKPACK_COMMAND,
        },
    }
    (OUTPUT / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def ui_pages() -> dict:
    """The sandbox's pages standing in for Studio and the learner MFEs (sandbox/ui_shells.py):
    they show the frontend's components once `make ui` has built them (Node), and say so
    otherwise; the demo itself never needs Node."""
    from django.conf import settings

    from sandbox import scenario

    built = (Path(settings.SANDBOX_HARNESS_DIR) / "studio.js").is_file()
    return {
        "built": built,
        "studio": f"{BASE_URL}/sandbox/studio/course/{scenario.DATA_COURSE}/pages-and-resources",
        "learner_dashboard": f"{BASE_URL}/sandbox/learner-dashboard/",
        "course_home": f"{BASE_URL}/sandbox/learning/course/{scenario.DATA_COURSE}/home",
    }


def wallet_offers(award) -> dict:
    """One offer per wallet protocol, made as the learner's page makes them (signed in as the
    learner): the LCW interaction URL (what its QR scanner reads) and the OpenID4VCI offer link
    (openid-credential-offer://?credential_offer_uri=...)."""
    from types import SimpleNamespace

    from django.conf import settings

    from openedx_microcreds.wallets.lcw import LcwProtocol
    from openedx_microcreds.wallets.oid4vci import Oid4vciProtocol

    settings.MICROCREDS_WALLET_OFFER_TTL_SECONDS = DEMO_OFFER_TTL_SECONDS
    as_learner = SimpleNamespace(user=award.user)
    return {
        "lcw": LcwProtocol().offer(award, as_learner).qr,
        "oid4vci": Oid4vciProtocol().offer(award, as_learner).url,
    }


def create_logins() -> dict:
    """The staff user (admin access), the course author (the REST API's authoring endpoints of
    both demo courses) and passwords for the learners: all "demo"."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    model = get_user_model()
    staff, _created = model.objects.update_or_create(
        username=STAFF_USERNAME,
        defaults={"email": "staff@example.edu", "is_staff": True, "is_superuser": True},
    )
    author = FakePlatform.add_user(AUTHOR_USERNAME, "author@example.edu", "Ann Author")
    for course in (scenario.DATA_COURSE, scenario.VIZ_COURSE):
        FakePlatform.add_course_staff(course, author)
    learners = [name for name, _, _ in LEARNERS]
    # One hash for all: hashing is slow on purpose, and these passwords are public anyway.
    password = make_password(DEMO_PASSWORD)
    model.objects.filter(pk=staff.pk).update(password=password)
    model.objects.filter(username__in=[*learners, AUTHOR_USERNAME]).update(password=password)
    return {
        "login_url": f"{BASE_URL}/login/",
        "admin_url": f"{BASE_URL}/admin/",
        "staff": {"username": STAFF_USERNAME, "password": DEMO_PASSWORD},
        "author": {
            "username": AUTHOR_USERNAME,
            "password": DEMO_PASSWORD,
            "courses": [scenario.DATA_COURSE, scenario.VIZ_COURSE],
            "api": f"{BASE_URL}/api/microcreds/v1/",
        },
        "learners": {"usernames": learners, "password": DEMO_PASSWORD},
    }


def serve_command(address: str = f"127.0.0.1:{PORT}") -> list[str]:
    """The demo's web server: Django's development server with DEBUG off (so a 404 is a plain
    page, not a debug page listing the URLs), serving static files itself (--insecure: the
    admin's CSS) since without DEBUG nothing else would. Never use this in production."""
    manage = str(REPO / "sandbox" / "manage.py")
    return [sys.executable, manage, "lms", "runserver", address, "--noreload", "--insecure"]


def serve_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The server's environment: ``base`` (this process's by default) with DEBUG off, on the
    demo's base URL (what its credentials, status lists and DID name)."""
    return {
        **(os.environ if base is None else base),
        "MICROCREDS_SANDBOX_DEBUG": "0",
        "MICROCREDS_SANDBOX_LMS_URL": BASE_URL,
    }


def main() -> int:
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    OUTPUT.mkdir(parents=True)
    configure_django()
    from django.core.management import call_command

    print("== Migrating the sandbox LMS (SQLite) ...")
    call_command("migrate", verbosity=0)
    from sandbox.scenario import create_catalogue

    print("== Creating issuer, signing key, courses, definitions ...")
    issuer = create_catalogue(BASE_URL)
    from openedx_microcreds.signing import did_for_base_url

    issuer.did = did_for_base_url(BASE_URL)  # as in production: keys can rotate under it
    issuer.save()
    print("== Sending openedx-events for", ", ".join(name for name, _, _ in LEARNERS), "...")
    play_events()
    revoked = revoke_one()
    rows = report()
    logins = create_logins()
    summary = write_output(rows, issuer, logins)
    print(
        f"\n== Revoked {revoked.definition.slug} of {revoked.user.username}: "
        f"{revoked.revocation_reason}"
    )
    print(
        f"\n== {len(summary['awards'])} credentials written to {OUTPUT}/credentials, "
        f"summary in {OUTPUT / 'summary.json'}"
    )
    first = summary["awards"][0]
    revoked_entry = next(a for a in summary["awards"] if a["state"] == "revoked")
    print("   Check them offline (each award's command is in summary.json under 'verify'):")
    print(f"     cd {OUTPUT} && {REPO}/.venv/bin/{first['verify']}")
    print(f"   and the revoked one, which fails its status check:  ... {revoked_entry['file']}")
    baked = sum(1 for award in summary["awards"] if "baked" in award)
    print(
        f"   Badge images with the credential baked in (PNG and SVG) of the {baked} active "
        f"credentials: {OUTPUT / 'baked'}"
    )
    mails = sorted((OUTPUT / "mail").glob("*.log")) if (OUTPUT / "mail").exists() else []
    print(f"\n== {len(mails)} e-mails to the learners, one file each, in {OUTPUT / 'mail'}")
    offered = next(a for a in summary["awards"] if "offers" in a)
    print(
        "\n== Each active credential is offered to wallets (summary.json 'offers', one use each,"
        f"\n   while the demo serves), e.g. {offered['credential']} of {offered['learner']}:"
        f"\n     Learner Credential Wallet: {offered['offers']['lcw']}"
        f"\n     OpenID4VCI wallet:         {offered['offers']['oid4vci']}"
    )
    learners = ", ".join(logins["learners"]["usernames"])
    print(
        f"\n== Log in at {logins['login_url']} as {STAFF_USERNAME} / {DEMO_PASSWORD} for the "
        f"admin ({logins['admin_url']});\n   the learners ({learners}) log in with the "
        f"password {DEMO_PASSWORD} too.\n   A learner sees their credentials and progress at "
        f"{summary['learner_pages']['my_credentials']} (try mary: active, revoked and in "
        f"progress)."
    )
    print(
        f"\n== The course author {AUTHOR_USERNAME} / {DEMO_PASSWORD} (staff of "
        f"{', '.join(logins['author']['courses'])}, not global staff) uses the REST API at "
        f"{logins['author']['api']}\n   with a session from {logins['login_url']} (README, "
        f'"API": curl examples); its OpenAPI document: {logins["author"]["api"]}schema/'
        f"\n== Backpacks (Open Badges 3.0 hosts): a learner connects one at "
        f'{summary["backpacks"]["connect_form"]}\n   by picking "Loopback test backpack" '
        f"({TEST_BACKPACK_URL}) or typing a host's address. To try it, start the test host "
        f"(after `make node`):\n     cd {REPO} && {TEST_BACKPACK_COMMAND}\n   sign in there "
        "with any user name and allow: the learner's credentials arrive, and new ones follow."
    )
    pages = summary["ui_pages"]
    print(
        "\n== The Studio editor and the learner widgets (frontend/, in the sandbox's stand-ins for"
        f"\n   the MFEs){'' if pages['built'] else ' -- build them first with `make ui` (Node)'}:"
        f"\n     {AUTHOR_USERNAME}'s Pages & Resources: {pages['studio']}"
        f"\n     a learner's dashboard (try mary): {pages['learner_dashboard']}"
        f"\n     a learner's course home:          {pages['course_home']}"
    )
    if os.environ.get("NO_SERVE"):
        return 0
    print(f"\n== Serving the sandbox LMS on {BASE_URL} (Ctrl-C to stop) ...")
    try:
        return subprocess.call(serve_command(), env=serve_environment())
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
