"""
Settings every deployment of the plugin gets (settings type ``common``).

The platform calls :func:`plugin_settings` at the end of ``lms/envs/common.py`` and
``cms/envs/common.py``. Each value is set only when the project has not defined it yet, so a
project that declares a ``MICROCREDS_*`` value before loading plugins (the sandbox does) keeps it.

.. setting_name: MICROCREDS_ENABLED
.. setting_default: True
.. setting_description: Master switch for automatic awarding: when False, events are ignored.

.. setting_name: MICROCREDS_SECRET_KEYS
.. setting_default: []
.. setting_description: Keys that encrypt signing keys at rest. Each entry is a Fernet key
   (``Fernet.generate_key()``) or a long passphrase. The first entry encrypts; every entry
   decrypts, so a new key is rotated in by putting it first and keeping the old ones after it.

.. setting_name: MICROCREDS_ALLOW_SECRET_KEY_FALLBACK
.. setting_default: False
.. setting_description: When True and MICROCREDS_SECRET_KEYS is empty, derive the encryption key
   from Django's SECRET_KEY (with a warning). Turned on by the ``test`` and ``devstack`` settings.

.. setting_name: MICROCREDS_ISSUER_BASE_URL
.. setting_default: ""
.. setting_description: Public base URL used in issuer profiles, credential ids and status lists.
   Empty means LMS_ROOT_URL.

.. setting_name: MICROCREDS_PLATFORM_BACKEND
.. setting_default: "openedx_microcreds.platform.EdxPlatform"
.. setting_description: Dotted path of the platform adapter class (grades, users, roles).

.. setting_name: MICROCREDS_CELERY_QUEUE
.. setting_default: None
.. setting_description: Celery queue for the plugin's tasks; None uses the platform's default.

.. setting_name: MICROCREDS_RENEWAL_WINDOW_DAYS
.. setting_default: 30
.. setting_description: The periodic renewal job re-evaluates learners whose credentials expire
   within this many days, and renews those who still meet the rule.

.. setting_name: MICROCREDS_STATUS_LIST_MAX_AGE
.. setting_default: 300
.. setting_description: Cache-Control max-age (seconds) of served status list credentials.

.. setting_name: MICROCREDS_LMS_CELERY_QUEUE
.. setting_default: None
.. setting_description: In Studio, the queue of the LMS workers, where the plugin's tasks must run
   (they read grades). None: the queue of CELERY_QUEUES whose name contains ".lms." (as the
   platform's own router picks it), else "edx.lms.core.default".

.. setting_name: MICROCREDS_PENDING_STALE_SECONDS
.. setting_default: 300
.. setting_description: A pending evaluation still waiting this long after it was due is
   re-queued by the sweep (its message was lost, its worker died, or the database failed it).

.. setting_name: MICROCREDS_SWEEP_INTERVAL_SECONDS
.. setting_default: 60
.. setting_description: How often the sweep runs: the Celery beat entry's period, and the least
   time between two sweeps a worker runs on its own after its tasks.

.. setting_name: MICROCREDS_PENDING_MAX_ATTEMPTS
.. setting_default: 8
.. setting_description: Attempts of a failing evaluation (a grade read that fails, no signing
   key...) before it is marked failed and left to ``microcreds_evaluate --retry-failed``.

.. setting_name: MICROCREDS_PENDING_RETRY_BASE_SECONDS
.. setting_default: 30
.. setting_description: First retry delay of a failing evaluation; each next one is 4 times
   longer (with +-20% jitter), up to MICROCREDS_PENDING_RETRY_MAX_SECONDS.

.. setting_name: MICROCREDS_PENDING_RETRY_MAX_SECONDS
.. setting_default: 21600
.. setting_description: Longest delay between two attempts of a failing evaluation.

.. setting_name: MICROCREDS_IGNORE_EVENT_BUS_COPIES
.. setting_default: None
.. setting_description: Whether receivers ignore events that arrive over the event bus
   (``from_event_bus=True``). None: ignore the bus copies of the event types this deployment
   itself produces to the bus (EVENT_BUS_PRODUCER_CONFIG), because the in-process receivers
   already handled them; True/False: always/never ignore them.

.. setting_name: MICROCREDS_CERTIFICATE_TRIGGER_STATUSES
.. setting_default: ["downloadable", "generating"]
.. setting_description: CERTIFICATE_CREATED events with one of these ``current_status`` values
   trigger an evaluation (the platform's passing statuses; it sends the event on every save of
   such a certificate).

.. setting_name: MICROCREDS_CERTIFICATE_REVOKING_STATUSES
.. setting_default: ["unavailable", "notpassing"]
.. setting_description: CERTIFICATE_REVOKED events with one of these ``current_status`` values
   revoke the learner's awards of definitions that opted in. The platform sends the event for
   ``unavailable`` (invalidated), ``notpassing`` (the grade fell below passing) and
   ``unverified`` (identity verification missing); the last says nothing about learning.

.. setting_name: MICROCREDS_DELIVERY_CHANNELS
.. setting_default: ["openedx_microcreds.delivery.email.EmailChannel",
   "openedx_microcreds.delivery.ob3.BackpackChannel"]
.. setting_description: Dotted paths of the delivery channels (e-mail, wallet pushes) that get
   a message about each award event, through the outbox. The backpack channel sends nothing
   until learners connect backpacks (see MICROCREDS_OB3_HOSTS).

.. setting_name: MICROCREDS_LEARNER_EMAILS_ENABLED
.. setting_default: True
.. setting_description: Site-wide switch of the e-mails to learners (issued, renewed, expired,
   revoked). When False no e-mail is queued, and e-mails already queued are skipped with that
   reason. Each learner can also turn them off for themselves on their credentials page.

.. setting_name: MICROCREDS_EMAIL_VIA_ACE
.. setting_default: None
.. setting_description: Send the e-mails through edx-ace (as the LMS sends its own): None uses
   edx-ace when its app (``edx_ace``) is installed, as in the LMS, and Django's e-mail backend
   otherwise; True/False force one or the other.

.. setting_name: MICROCREDS_EMAIL_FROM
.. setting_default: None
.. setting_description: The From address of the e-mails; None uses DEFAULT_FROM_EMAIL.

.. setting_name: MICROCREDS_LINKEDIN_ORGANIZATION_ID
.. setting_default: None
.. setting_description: The issuer's numeric LinkedIn organization id: "Add to profile" links
   then name the organization by id (LinkedIn shows its logo), otherwise by the issuer's name.

.. setting_name: MICROCREDS_WALLET_PROTOCOLS
.. setting_default: ["openedx_microcreds.wallets.lcw.LcwProtocol",
   "openedx_microcreds.wallets.oid4vci.Oid4vciProtocol"]
.. setting_description: Dotted paths of the wallet protocols (``wallets.WalletProtocol``) a
   learner can claim a credential with, in the order their pages offer them: the Learner
   Credential Wallet's VC-API exchange and OpenID4VCI (pre-authorized code, ``ldp_vc``).

.. setting_name: MICROCREDS_WALLET_OFFER_TTL_SECONDS
.. setting_default: 900
.. setting_description: How long a wallet offer (its link and QR code) can be redeemed. Each
   offer is redeemed once.

.. setting_name: MICROCREDS_WALLET_TOKEN_TTL_SECONDS
.. setting_default: 300
.. setting_description: Lifetime of an OpenID4VCI access token (obtained with an offer's
   pre-authorized code, spent on one credential).

.. setting_name: MICROCREDS_WALLET_NONCE_TTL_SECONDS
.. setting_default: 300
.. setting_description: Lifetime of an OpenID4VCI ``c_nonce``; each nonce counts for one key
   proof. Key proofs must also be made (``iat``) within this time.

.. setting_name: MICROCREDS_WALLET_TX_CODE
.. setting_default: False
.. setting_description: When True, OpenID4VCI offers require a transaction code: six digits
   shown to the learner next to the QR code, typed into the wallet. Five wrong codes withdraw
   the offer.

.. setting_name: MICROCREDS_OUTBOX_RETRY_BASE_SECONDS
.. setting_default: 30
.. setting_description: First retry delay of a message that failed to send; each next one is
   twice as long (with +-20% jitter), up to MICROCREDS_OUTBOX_RETRY_MAX_SECONDS.

.. setting_name: MICROCREDS_OUTBOX_RETRY_MAX_SECONDS
.. setting_default: 21600
.. setting_description: Longest delay between two tries of a message.

.. setting_name: MICROCREDS_OUTBOX_RETRY_HORIZON_SECONDS
.. setting_default: 259200
.. setting_description: A message still failing this long after it was written is marked
   failed (3 days by default, as webhook senders do).

.. setting_name: MICROCREDS_OUTBOX_LEASE_SECONDS
.. setting_default: 600
.. setting_description: A message claimed for sending this long ago whose worker never said
   how it went (it died) is given back and sent again.

.. setting_name: MICROCREDS_API_DRY_RUN_SYNC_LEARNERS
.. setting_default: 500
.. setting_description: A dry run over a course with at most this many enrolled learners runs in
   the API request (200 with the results); a larger one is a job a worker runs (202, polled).

.. setting_name: MICROCREDS_API_DRY_RUN_KEEP_DAYS
.. setting_default: 7
.. setting_description: Dry-run jobs and their results are deleted this many days after they
   were asked for.

.. setting_name: MICROCREDS_API_PAGE_SIZE
.. setting_default: 50
.. setting_description: Items per page of the REST API's lists (a client may ask for up to 500
   with ``page_size``).

.. setting_name: MICROCREDS_OB3_HOSTS
.. setting_default: []
.. setting_description: The learners' backpacks this site offers (hosts implementing the
   1EdTech Open Badges 3.0 API): a list of ``{"name": ..., "url": ...}``, the URL being the
   host's base (its discovery document is ``{url}/ims/ob/v3p0/discovery``). Learners pick one
   on their credentials page; connected hosts then receive their credentials.

.. setting_name: MICROCREDS_OB3_ALLOW_ANY_HOST
.. setting_default: False
.. setting_description: Let learners type the address of any backpack host, not only those of
   MICROCREDS_OB3_HOSTS. The address checks (https, public addresses) apply either way.

.. setting_name: MICROCREDS_OB3_ALLOW_LOOPBACK
.. setting_default: False
.. setting_description: For tests and the sandbox only: allow backpack hosts on loopback
   addresses (127.0.0.0/8, ::1), over plain http too. Never turn it on in production: it lets
   learners make the LMS send requests to services on its own machine.

.. setting_name: MICROCREDS_OB3_TIMEOUT_SECONDS
.. setting_default: 10
.. setting_description: Longest wait for a backpack host: to connect, between two reads, and
   for a whole answer.

.. setting_name: MICROCREDS_OB3_MAX_RESPONSE_BYTES
.. setting_default: 1048576
.. setting_description: Largest answer read from a backpack host (discovery document,
   registration, tokens, upsert); a longer one is refused.

.. setting_name: MICROCREDS_OB3_CLIENT_METADATA
.. setting_default: {}
.. setting_description: Values of this site's OAuth client registration with backpack hosts
   (RFC 7591) that replace the defaults: ``client_name`` (PLATFORM_NAME), ``client_uri``
   (LMS_ROOT_URL), ``logo_uri`` (LMS_ROOT_URL + "/favicon.ico"), ``tos_uri`` (+ "/tos"),
   ``policy_uri`` (+ "/privacy"), ``contacts``.

.. setting_name: MICROCREDS_DEFAULT_CRYPTOSUITE
.. setting_default: "eddsa-rdfc-2022"
.. setting_description: Data Integrity cryptosuite used when a definition does not choose one.
"""

from __future__ import annotations

import copy
from typing import Any

#: Every plugin setting with its default. The single source of truth: the settings modules
#: apply these, and :func:`openedx_microcreds.settings.get_setting` falls back to them.
DEFAULTS: dict[str, Any] = {
    "MICROCREDS_ENABLED": True,
    "MICROCREDS_SECRET_KEYS": [],
    "MICROCREDS_ALLOW_SECRET_KEY_FALLBACK": False,
    "MICROCREDS_ISSUER_BASE_URL": "",
    "MICROCREDS_PLATFORM_BACKEND": "openedx_microcreds.platform.EdxPlatform",
    "MICROCREDS_CELERY_QUEUE": None,
    "MICROCREDS_DEFAULT_CRYPTOSUITE": "eddsa-rdfc-2022",
    "MICROCREDS_RENEWAL_WINDOW_DAYS": 30,
    "MICROCREDS_STATUS_LIST_MAX_AGE": 300,
    "MICROCREDS_LMS_CELERY_QUEUE": None,
    "MICROCREDS_PENDING_STALE_SECONDS": 300,
    "MICROCREDS_SWEEP_INTERVAL_SECONDS": 60,
    "MICROCREDS_PENDING_MAX_ATTEMPTS": 8,
    "MICROCREDS_PENDING_RETRY_BASE_SECONDS": 30,
    "MICROCREDS_PENDING_RETRY_MAX_SECONDS": 6 * 3600,
    "MICROCREDS_IGNORE_EVENT_BUS_COPIES": None,
    "MICROCREDS_CERTIFICATE_TRIGGER_STATUSES": ["downloadable", "generating"],
    "MICROCREDS_CERTIFICATE_REVOKING_STATUSES": ["unavailable", "notpassing"],
    "MICROCREDS_DELIVERY_CHANNELS": [
        "openedx_microcreds.delivery.email.EmailChannel",
        "openedx_microcreds.delivery.ob3.BackpackChannel",
    ],
    "MICROCREDS_LEARNER_EMAILS_ENABLED": True,
    "MICROCREDS_EMAIL_VIA_ACE": None,
    "MICROCREDS_EMAIL_FROM": None,
    "MICROCREDS_LINKEDIN_ORGANIZATION_ID": None,
    "MICROCREDS_WALLET_PROTOCOLS": [
        "openedx_microcreds.wallets.lcw.LcwProtocol",
        "openedx_microcreds.wallets.oid4vci.Oid4vciProtocol",
    ],
    "MICROCREDS_WALLET_OFFER_TTL_SECONDS": 15 * 60,
    "MICROCREDS_WALLET_TOKEN_TTL_SECONDS": 5 * 60,
    "MICROCREDS_WALLET_NONCE_TTL_SECONDS": 5 * 60,
    "MICROCREDS_WALLET_TX_CODE": False,
    "MICROCREDS_OUTBOX_RETRY_BASE_SECONDS": 30,
    "MICROCREDS_OUTBOX_RETRY_MAX_SECONDS": 6 * 3600,
    "MICROCREDS_OUTBOX_RETRY_HORIZON_SECONDS": 3 * 24 * 3600,
    "MICROCREDS_OUTBOX_LEASE_SECONDS": 600,
    "MICROCREDS_API_DRY_RUN_SYNC_LEARNERS": 500,
    "MICROCREDS_API_DRY_RUN_KEEP_DAYS": 7,
    "MICROCREDS_API_PAGE_SIZE": 50,
    "MICROCREDS_OB3_HOSTS": [],
    "MICROCREDS_OB3_ALLOW_ANY_HOST": False,
    "MICROCREDS_OB3_ALLOW_LOOPBACK": False,
    "MICROCREDS_OB3_TIMEOUT_SECONDS": 10,
    "MICROCREDS_OB3_MAX_RESPONSE_BYTES": 1024 * 1024,
    "MICROCREDS_OB3_CLIENT_METADATA": {},
}

#: Periodic jobs, added to the beat schedule unless the operator defined an entry of that name.
#: edx-platform configures Celery with ``config_from_object("django.conf:settings")`` and no
#: namespace (lms/celery.py, openedx/core/lib/celery/__init__.py), so its beat reads the
#: old-style ``CELERYBEAT_SCHEDULE``, not ``CELERY_BEAT_SCHEDULE``. Tutor runs no beat process by
#: default: see the README for the cron alternative.
BEAT_SCHEDULE_SETTING = "CELERYBEAT_SCHEDULE"
BEAT_ENTRY = "openedx-microcreds-renew-expiring"
BEAT_SCHEDULE = {"task": "openedx_microcreds.renew_expiring", "schedule": 6 * 3600}
SWEEP_BEAT_ENTRY = "openedx-microcreds-sweep-pending"


def beat_entries(settings: Any) -> dict[str, dict]:
    interval = getattr(settings, "MICROCREDS_SWEEP_INTERVAL_SECONDS", None)
    interval = DEFAULTS["MICROCREDS_SWEEP_INTERVAL_SECONDS"] if interval is None else interval
    return {
        BEAT_ENTRY: copy.deepcopy(BEAT_SCHEDULE),
        SWEEP_BEAT_ENTRY: {"task": "openedx_microcreds.sweep_pending", "schedule": interval},
    }


def set_default(settings: Any, name: str, value: Any) -> None:
    """Set ``settings.<name>`` to a private copy of ``value`` unless it is already defined."""
    if not hasattr(settings, name):
        setattr(settings, name, copy.deepcopy(value))


def add_beat_entries(settings: Any) -> None:
    """Add the periodic jobs to the schedule the platform's beat reads, keeping the operator's."""
    schedule = getattr(settings, BEAT_SCHEDULE_SETTING, None)
    if schedule is None:
        schedule = {}
        setattr(settings, BEAT_SCHEDULE_SETTING, schedule)
    for name, entry in beat_entries(settings).items():
        schedule.setdefault(name, entry)


def plugin_settings(settings: Any) -> None:
    """Add the plugin's defaults to ``settings`` (a settings module), never replacing a value."""
    for name, value in DEFAULTS.items():
        set_default(settings, name, value)
    add_beat_entries(settings)
