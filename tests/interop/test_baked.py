"""Baked badges, as learners download them from their page, read back by independent code (the
png-chunks-extract npm package and @xmldom/xmldom's XML parser, in tests/interop/baked.mjs):
the credential inside is the signed one, and Digital Bazaar's verifier accepts it."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import get_user_model

from openedx_microcreds.models import Award, CredentialDefinition
from openedx_microcreds.revocation import revoke
from openedx_microcreds.status import signed_status_list, status_list_url
from sandbox import scenario
from tests.interop.node import NodeHarnessError, run_node

pytestmark = pytest.mark.django_db(transaction=True)


def earn(fake_platform, name: str) -> Award:
    user = fake_platform.add_user(name, f"{name}@example.edu", name.title())
    scenario.grade_analyst(user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(user, scenario.DATA_COURSE)
    return Award.objects.get(user_id=user.id, definition__slug="data-analyst")


def downloaded(client, award: Award) -> tuple[bytes, str]:
    client.force_login(get_user_model().objects.get(pk=award.user_id))
    base = f"/microcreds/me/credentials/{award.uuid}/"
    png = client.get(base + "badge.png")
    svg = client.get(base + "badge.svg")
    assert png.status_code == svg.status_code == 200
    return png.content, svg.content.decode("utf-8")


def read_back(award: Award, png: bytes, svg: str) -> dict:
    award.status_list.refresh_from_db()
    return run_node(
        "baked.mjs",
        {
            "png": base64.b64encode(png).decode("ascii"),
            "svg": svg,
            "statusLists": {
                status_list_url(award.status_list): signed_status_list(award.status_list)
            },
        },
    )


def test_baked_png_and_svg_carry_a_credential_that_verifies(catalogue, fake_platform, client):
    # A text with "]]>" in it must survive the SVG's CDATA section.
    CredentialDefinition.objects.filter(slug="data-analyst").update(
        description="Reads nested lists like a[b[0]]> and writes up the analysis."
    )
    award = earn(fake_platform, "ada")
    result = read_back(award, *downloaded(client, award))
    for kind in ("png", "svg"):
        found = result[kind]
        assert found["credential"] == award.credential, kind
        assert found["verification"]["verified"] is True, found["verification"]
        assert found["verification"]["revoked"] is False
    assert result["png"]["credentialChunks"] == 1 and result["png"]["compressed"] is False
    assert result["png"]["chunks"][0] == "IHDR" and result["png"]["chunks"][-1] == "IEND"
    assert result["svg"]["credentialElements"] == 1


def test_a_revoked_credential_read_from_its_badge_shows_revoked(catalogue, fake_platform, client):
    award = earn(fake_platform, "bob")
    png, svg = downloaded(client, award)
    revoke(award, reason="issued in error")
    result = read_back(award, png, svg)
    for kind in ("png", "svg"):
        verification = result[kind]["verification"]
        assert verification["proofVerified"] is True and verification["revoked"] is True


def test_a_damaged_png_is_refused_by_the_independent_reader(catalogue, fake_platform, client):
    award = earn(fake_platform, "cy")
    png, _svg = downloaded(client, award)
    at = png.index(b"openbadgecredential") + 200
    damaged = png[:at] + bytes([png[at] ^ 0x01]) + png[at + 1 :]
    with pytest.raises(NodeHarnessError, match="CRC"):
        read_back(award, damaged, _svg)
