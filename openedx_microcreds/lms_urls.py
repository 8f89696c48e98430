"""The LMS's URLs of the plugin (``plugin_app`` in apps.py mounts this module at the root, with
the namespace ``openedx_microcreds``): the pages and documents under ``/microcreds/`` (urls.py,
whose paths issued credentials carry), the REST API under ``/api/microcreds/``, and the
well-known URLs that OpenID4VCI 1.0 and RFC 8414 place between the host and the issuer's path.

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
    path("api/microcreds/", include(("openedx_microcreds.rest_api.urls", "api"), namespace="api")),
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
