"""Accept header negotiation of the public views."""

import pytest
from django.test import RequestFactory

from openedx_microcreds.views.http import preferred_type

OFFERED = ("text/html", "application/vc+ld+json", "application/ld+json", "application/json")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "text/html"),
        ("*/*", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/json", "application/json"),
        ("application/json;q=0.9, application/vc+ld+json", "application/vc+ld+json"),
        ("application/*", "application/vc+ld+json"),
        ("application/*;q=0.5, application/json", "application/json"),
        ("text/html;q=0, */*", "application/vc+ld+json"),
        ("image/png", "text/html"),  # nothing acceptable: the default
        ("application/json;q=bogus, text/html;q=0.1", "text/html"),
        ("APPLICATION/JSON", "application/json"),
    ],
)
def test_preferred_type(accept, expected):
    request = RequestFactory().get("/", HTTP_ACCEPT=accept)
    assert preferred_type(request, OFFERED) == expected
