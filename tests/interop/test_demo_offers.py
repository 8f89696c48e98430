"""`make demo`'s wallet offers work while the demo serves: the Learner Credential Wallet replay and
the OpenID4VCI holder each claim one from summary.json, on the port the demo was told to use
($DEMO_PORT), and the verifiers accept what they receive."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.interop.node import run_node
from tests.interop.wallet_site import REPO, Site, free_port


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    output = tmp_path_factory.mktemp("demo-output")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MICROCREDS_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update({"DEMO_OUTPUT": str(output), "DEMO_PORT": str(port), "NO_SERVE": "1"})
    result = subprocess.run(
        [sys.executable, str(REPO / "sandbox" / "demo.py")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((output / "summary.json").read_text())
    site = Site(output, port=port, db_path=output / "demo.sqlite3")
    site.start()
    yield site, summary, result.stdout
    site.stop()


def test_every_active_award_is_offered_and_the_revoked_one_is_not(demo):
    site, summary, stdout = demo
    assert summary["base_url"] == site.base_url
    for award in summary["awards"]:
        if award["state"] != "active":
            assert "offers" not in award
            continue
        assert award["offers"]["lcw"].startswith(f"{site.base_url}/microcreds/wallet/lcw/")
        assert award["offers"]["oid4vci"].startswith(
            "openid-credential-offer://?credential_offer_uri=http%3A%2F%2F127.0.0.1%3A"
        )
    assert "Each active credential is offered to wallets" in stdout


def test_wallets_claim_the_demo_offers_while_it_serves(demo):
    site, summary, _stdout = demo
    ada = next(
        a for a in summary["awards"] if (a["learner"], a["credential"]) == ("ada", "data-analyst")
    )
    lcw = run_node("lcw_wallet.mjs", {"offer": ada["offers"]["lcw"]})
    oid = run_node("oid4vci_wallet.mjs", {"offer": ada["offers"]["oid4vci"]})
    assert "error" not in oid, oid
    for result in (lcw, oid):
        (credential,) = result["credentials"]
        assert credential["credentialSubject"]["id"] == result["holder"]
        assert credential["issuer"]["id"] == summary["issuer_did"]
        documents = site.verification_documents(credential)
        verdict = run_node("verify.mjs", {"credential": credential, **documents})
        assert verdict["verified"] and verdict["revoked"] is False, verdict
