"""What wallet claims leave in the database: offers (a capability and its state) and the copies
they delivered (the audit of which DID received which credential, and when).

Nothing secret is stored in clear: an offer holds the SHA-256 of each code it hands out (the
offer's URL, the pre-authorized code, the access token), never the code itself.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Award, SigningKey


class WalletProtocolName(models.TextChoices):
    LCW = "lcw", _("Learner Credential Wallet (VC-API exchange)")
    OID4VCI = "oid4vci", _("OpenID for Verifiable Credential Issuance")


class WalletExchange(models.Model):
    """
    One offer of an award to a wallet and the exchange that redeems it: single use, expiring,
    open to whoever holds its code.

    ``code_hash`` is the hash of the code in the offer's URL (the LCW exchange, the OpenID4VCI
    credential offer). OpenID4VCI derives a pre-authorized code from it (``grant_hash``), which
    the token endpoint trades once for an access token (``token_hash``), which the credential
    endpoint spends once. State moves forward only, each step by a conditional UPDATE, so two
    requests racing for the same step cannot both win.

    .. pii: The award it offers (and so the learner).
    .. pii_types: id
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        OFFERED = "offered", _("offered")
        TOKEN_ISSUED = "token_issued", _("access token issued")
        CLAIMED = "claimed", _("claimed")
        WITHDRAWN = "withdrawn", _("withdrawn (too many wrong transaction codes)")

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="wallet_exchanges", verbose_name=_("award")
    )
    protocol = models.CharField(_("protocol"), max_length=16, choices=WalletProtocolName.choices)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # NULL until the protocol sets them: unique among those set (NULLs are distinct).
    grant_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    token_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    token_expires_at = models.DateTimeField(_("access token expires at"), null=True, blank=True)
    # Keyed hash of the transaction code (six digits are too few for a plain hash).
    tx_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    tx_code_failures = models.PositiveSmallIntegerField(_("wrong transaction codes"), default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.OFFERED
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wallet exchange")
        verbose_name_plural = _("wallet exchanges")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["award", "protocol", "state"], name="microcreds_wexchange_award"),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} offer of award {self.award_id} ({self.state})"


class WalletCopy(models.Model):
    """
    A copy of an award re-issued to the DID a wallet proved control of: same achievement,
    results, evidence and status entry (revoking the award revokes it), a new credential id,
    ``credentialSubject.id`` = ``holder_did``.

    .. pii: The learner's wallet DID (a pseudonymous identifier) and the signed copy, which holds
       their results.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="wallet_copies", verbose_name=_("award")
    )
    exchange = models.OneToOneField(
        WalletExchange,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copy",
        verbose_name=_("exchange"),
    )
    protocol = models.CharField(_("protocol"), max_length=16, choices=WalletProtocolName.choices)
    holder_did = models.TextField(_("holder DID"))
    credential_id = models.CharField(_("credential id"), max_length=255, unique=True)
    credential_json = models.TextField(_("signed credential"))
    signing_key = models.ForeignKey(
        SigningKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signing key"),
    )
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("wallet copy")
        verbose_name_plural = _("wallet copies")
        ordering = ["delivered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.protocol} copy of award {self.award_id} ({self.credential_id})"


class SpentWalletNonce(models.Model):
    """
    A ``c_nonce`` a key proof has used: each nonce counts once. Nonces themselves are not stored
    when handed out (they carry their own issue time, authenticated); only spent ones are, until
    they would have expired anyway.

    .. no_pii: A hash of a random server value.
    """

    nonce_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("spent wallet nonce")
        verbose_name_plural = _("spent wallet nonces")

    def __str__(self) -> str:
        return f"nonce spent until {self.expires_at:%Y-%m-%d %H:%M}"
