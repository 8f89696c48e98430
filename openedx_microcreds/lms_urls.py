"""
The LMS mounts the plugin at its root (``plugin_app`` in apps.py): every page lives under
``/microcreds/`` (urls.py), except the well-known URLs that OpenID4VCI 1.0 and RFC 8414 place
between the host and the issuer's path.

For the credential issuer ``<base>/microcreds/oid4vci``, wallets look for its metadata at
``<base>/.well-known/openid-credential-issuer/microcreds/oid4vci`` (1.0) or at
``<base>/microcreds/oid4vci/.well-known/openid-credential-issuer`` (earlier drafts, and wallets
that still use them); the authorization server's metadata likewise. Both spellings are served.
"""

from django.urls import include, path

from . import urls
from .views import wallet_oid4vci

app_name = "openedx_microcreds"

urlpatterns = [
    path("microcreds/", include(urls.urlpatterns)),
    path(
        ".well-known/openid-credential-issuer/microcreds/oid4vci",
        wallet_oid4vci.wallet_oid4vci_issuer_metadata,
        name="wallet_oid4vci_metadata",
    ),
    path(
        ".well-known/oauth-authorization-server/microcreds/oid4vci",
        wallet_oid4vci.wallet_oid4vci_authorization_server,
        name="wallet_oid4vci_authorization_server",
    ),
]
