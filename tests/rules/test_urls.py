"""The URLs authors write into definitions: absolute http(s) IRIs every verifier accepts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openedx_microcreds.credentials import strict_values
from openedx_microcreds.rules.urls import MAX_URL_LENGTH, is_http_url, url_problem

ACCEPTED = [
    "https://example.org",
    "http://example.org/",
    "HTTPS://Example.ORG/Path",
    "https://example.org/a/b?c=d&e=f#g",
    "https://example.org:8443/x",
    "https://127.0.0.1:8000/microcreds/issuer",
    "https://xn--bcher-kva.example/x",
    "https://example.org/%C3%A9t%C3%A9",
    "https://example.org/été?q=日本",
    "https://example.org/a(b)!$&'*+,;=:@~-._/",
    "https://example.org.",
    "https://frameworks.example.org/competencies/data-analysis#DA-1",
]


@pytest.mark.parametrize("url", ACCEPTED)
def test_accepted(url):
    assert url_problem(url) is None
    assert is_http_url(url)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "must be an http(s) URL, got null"),
        (42, "must be an http(s) URL, got 42"),
        ({"id": "https://x.example"}, "must be an http(s) URL, got an object"),
        ("", 'must be an http(s) URL, got ""'),
        ("javascript:alert(1)", 'must be an http(s) URL, got "javascript:alert(1)"'),
        ("JavaScript://example.org/%0Aalert(1)", "must be an http(s) URL, got "),
        ("data:text/html,<b>x</b>", "must be an http(s) URL, got "),
        ("ftp://example.org/x", 'must be an http(s) URL, got "ftp://example.org/x"'),
        ("example.org/x", 'must be an http(s) URL, got "example.org/x"'),
        ("https:/example.org", "must be an http(s) URL starting with https://, got "),
        ("https://", "must be an http(s) URL with a host name, got "),
        ("https:///path", "must be an http(s) URL with a host name, got "),
        ("https://user:secret@example.org/", "without a user name or password"),
        ("https://example.org:99999/", "with a port up to 65535"),
        ("https://example.org:http/", "with a numeric port"),
        ("https://example.org:/", "with a numeric port"),
        ("https://exa_mple.org/", "with a valid host name"),
        ("https://-example.org/", "with a valid host name"),
        ("https://exa mple.org/", "with a valid host name"),
        ("https://999.1.1.1/", "with a valid host name"),
        ("https://1.2.3.4.5/", "with a valid host name"),
        ("https://[::zz]/", "with a valid host name"),
        ("https://[::1]/", "with a valid host name"),  # strict mode refuses IPv6 literals
        ("https://bücher.example/", "host name is written in ASCII (the xn-- form"),
        ('https://example.org/"onerror="x', "without spaces, control characters or any of"),
        ("https://example.org/<script>", "without spaces, control characters or any of"),
        ("https://example.org/a b", "without spaces, control characters or any of"),
        ("https://example.org/{x}", "without spaces, control characters or any of"),
        ("https://example.org/a|b", "without spaces, control characters or any of"),
        ("https://example.org/a\\b", "without spaces, control characters or any of"),
        ("https://example.org/a^b", "without spaces, control characters or any of"),
        ("https://example.org/a`b", "without spaces, control characters or any of"),
        ("https://example.org/a[0]", "without spaces, control characters or any of"),
        ("https://example.org/a\x00", "without spaces, control characters or any of"),
        ("https://example.org/a\nb", "without spaces, control characters or any of"),
        ("https://example.org/\u202egnp.exe", "without spaces, control characters or any of"),
        ("https://example.org/a\u00a0b", "without spaces, control characters or any of"),
        ("https://example.org/%zz", 'whose "%" start escapes like %20'),
        ("https://example.org/100%", 'whose "%" start escapes like %20'),
        ("https://example.org/#a#b", 'with at most one "#"'),
        ("https://example.org/" + "a" * MAX_URL_LENGTH, "of at most 2000 characters"),
    ],
)
def test_refused_with_what_is_wrong(value, message):
    problem = url_problem(value)
    assert problem is not None and problem.startswith("must be an http(s) URL")
    assert message in problem


def test_the_bad_value_is_shown_shortened():
    problem = url_problem("javascript:" + "a" * 500)
    assert problem == 'must be an http(s) URL, got "javascript:' + "a" * 46 + '..."'


# Pieces that make URLs interesting: every reserved and unsafe ASCII character, escapes, and
# non-ASCII letters, spaces and format characters.
_PIECES = st.sampled_from(
    list("aZ09-._~!$&'()*+,;=:@/?#%[]<>\"{}|\\^` \t\n\x00\x7f")
    + ["%20", "%2", "%G0", "é", "日", "\u00a0", "\u202e", "\ufeff", "\U0001f600", "\ue000"]
)
_HOSTS = st.sampled_from(
    ["example.org", "a-b.example", "127.0.0.1", "[::1]", "xn--bcher-kva.example", "localhost"]
    + ["bücher.example", "exa_mple.org", "-x.org", "999.0.0.1", "[::g]", "", "u:p@x.org"]
)
_URLS = st.builds(
    lambda scheme, host, port, rest: f"{scheme}://{host}{port}{''.join(rest)}",
    st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript"]),
    _HOSTS,
    st.sampled_from(["", ":8000", ":65535", ":65536", ":x", ":"]),
    st.lists(_PIECES, max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(_URLS)
def test_whatever_is_accepted_strict_mode_accepts_too(url):
    """Strict mode is what refuses a credential at issue time: an accepted URL is a URL by its
    rules (what new URL() parses, tests/interop checks the real one) and a clean IRI."""
    if url_problem(url) is None:
        assert strict_values.is_url(url)
        assert strict_values.is_clean_iri(url)
        assert not strict_values.has_control_character(url)
