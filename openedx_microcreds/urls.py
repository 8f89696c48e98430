"""
URLs of the plugin, mounted by the platform under ``/microcreds/`` with the namespace
``openedx_microcreds`` (see ``plugin_app`` in apps.py), in the LMS and in Studio.

The paths are part of issued credentials (credential pages, achievement ids, status lists, the
did:web of the issuer): never change them.
"""

from django.urls import path

from . import views
from .views import backpack, learner, wallet_lcw, wallet_oid4vci

app_name = "openedx_microcreds"

urlpatterns = [
    # Ids are taken as any text (slashes too) and parsed in the view, so that malformed and
    # unknown ids get the very same 404. Each resource has one address: ids are accepted only
    # in the form the plugin writes them (lower-case hyphenated UUIDs, plain decimal numbers).
    path("credentials/<path:award_id>/", views.credential, name="credential"),
    path("achievements/<path:definition_id>", views.achievement, name="achievement"),
    path("status/<path:list_id>", views.status_list, name="status_list"),
    # did:web:<host>:microcreds:issuer resolves here (see signing.did_for_base_url).
    path("issuer/did.json", views.site_issuer_did, name="issuer_did"),
    # did:web:<host>:microcreds:issuers:<pk> for sites with several issuers. Taken as text, so
    # that "07" gets the same 404 as an unknown id rather than serving issuer 7 a second time.
    path("issuers/<str:issuer_id>/did.json", views.issuer_did, name="issuer_did_by_pk"),
    # The signed-in learner's pages (LMS login; each shows the learner's own data only).
    path("me/", learner.my_credentials, name="learner_credentials"),
    path("me/notifications/", learner.notifications, name="learner_notifications"),
    path(
        "me/credentials/<str:award_id>/credential.json",
        learner.download,
        {"kind": "json"},
        name="learner_download_json",
    ),
    path(
        "me/credentials/<str:award_id>/badge.png",
        learner.download,
        {"kind": "png"},
        name="learner_download_png",
    ),
    path(
        "me/credentials/<str:award_id>/badge.svg",
        learner.download,
        {"kind": "svg"},
        name="learner_download_svg",
    ),
    path("me/credentials/<str:award_id>/wallet/", learner.wallet, name="learner_wallet"),
    # The learner's backpacks (Open Badges 3.0 hosts). The callback is registered with hosts
    # as this site's redirect URI: never change it.
    path("me/backpacks/connect/", backpack.connect, name="backpack_connect"),
    path("me/backpacks/callback/", backpack.callback, name="backpack_callback"),
    path(
        "me/backpacks/<int:connection_id>/disconnect/",
        backpack.disconnect,
        name="backpack_disconnect",
    ),
    # The course tool (openedx.course_tool entry point): course keys hold ":" and "+".
    path("courses/<path:course_id>/", learner.course, name="learner_course"),
    # Claiming into wallets (wallets/lcw.py, wallets/oid4vci.py). A <code> is an offer's
    # capability: looked up by its hash, any unknown text gets the same 404.
    path(
        "wallet/lcw/<str:code>",
        wallet_lcw.wallet_lcw_interaction,
        name="wallet_lcw_interaction",
    ),
    path(
        "wallet/lcw/<str:code>/exchange",
        wallet_lcw.wallet_lcw_exchange,
        name="wallet_lcw_exchange",
    ),
    path("wallet/lcw/<str:code>/request", wallet_lcw.wallet_lcw_request, name="wallet_lcw_request"),
    # The OpenID4VCI credential issuer identifier is <base>/microcreds/oid4vci; its metadata is
    # also served at the 1.0 spelling of the well-known URL (lms_urls.py).
    path(
        "oid4vci",
        wallet_oid4vci.wallet_oid4vci_issuer_metadata,
        name="wallet_oid4vci_issuer",
    ),
    path(
        "oid4vci/.well-known/openid-credential-issuer",
        wallet_oid4vci.wallet_oid4vci_issuer_metadata,
        name="wallet_oid4vci_metadata_suffixed",
    ),
    path(
        "oid4vci/.well-known/oauth-authorization-server",
        wallet_oid4vci.wallet_oid4vci_authorization_server,
        name="wallet_oid4vci_authorization_server_suffixed",
    ),
    path(
        "oid4vci/offers/<str:code>",
        wallet_oid4vci.wallet_oid4vci_offer,
        name="wallet_oid4vci_offer",
    ),
    path("oid4vci/token", wallet_oid4vci.wallet_oid4vci_token, name="wallet_oid4vci_token"),
    path("oid4vci/nonce", wallet_oid4vci.wallet_oid4vci_nonce, name="wallet_oid4vci_nonce"),
    path(
        "oid4vci/credential",
        wallet_oid4vci.wallet_oid4vci_credential,
        name="wallet_oid4vci_credential",
    ),
]
