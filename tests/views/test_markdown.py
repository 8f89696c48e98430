"""The criteria narrative renderer: a small Markdown subset, everything else escaped."""

import pytest

from openedx_microcreds.views.markdown import render


def test_rule_description_shape():
    text = (
        "Earn this credential by meeting **all** of the following:\n"
        "- Pass the course.\n"
        "- Meet **any** of the following:\n"
        "  - Pass the course `course-v1:A+B+C`.\n"
        "  - Average at least 70% across **Exam** assignments.\n"
        "- Hold the credential `data-analyst`."
    )
    assert render(text) == (
        "<p>Earn this credential by meeting <strong>all</strong> of the following:</p>\n"
        "<ul><li>Pass the course.</li><li>Meet <strong>any</strong> of the following:"
        "<ul><li>Pass the course <code>course-v1:A+B+C</code>.</li>"
        "<li>Average at least 70% across <strong>Exam</strong> assignments.</li></ul></li>"
        "<li>Hold the credential <code>data-analyst</code>.</li></ul>"
    )


def test_paragraphs_line_breaks_headings_and_numbered_lists():
    text = "# Steps\nFirst line\nsecond line\n\n1. one\n2. two *really*\n\nEnd_of_text snake_case"
    assert render(text) == (
        "<h3>Steps</h3>\n<p>First line<br>second line</p>\n"
        "<ol><li>one</li><li>two <em>really</em></li></ol>\n"
        "<p>End_of_text snake_case</p>"
    )


@pytest.mark.parametrize(
    ("text", "must_not_contain"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[x](javascript:alert(1))", "href"),
        ("[x](data:text/html,<b>hi</b>)", "href"),
        ('[x](https://ok.example/"onmouseover="alert(1))', 'onmouseover="'),
        ("`<b>code</b>`", "<b>"),
        ("**<i>bold</i>**", "<i>"),
        ("- <a href='https://evil'>item</a>", "<a "),
    ],
)
def test_everything_else_is_escaped(text, must_not_contain):
    assert must_not_contain not in render(text)


def test_links_only_to_http_urls_with_escaped_targets():
    html = render("See [the *rules*](https://example.edu/r?a=1&b=2).")
    assert html == (
        '<p>See <a href="https://example.edu/r?a=1&amp;b=2" rel="nofollow noopener noreferrer">'
        "the <em>rules</em></a>.</p>"
    )


def test_code_spans_are_literal():
    assert render("`**not bold** & <tag>`") == (
        "<p><code>**not bold** &amp; &lt;tag&gt;</code></p>"
    )


def test_empty_and_very_long_text():
    assert render("") == "" and render(None) == "" and render("  \n ") == ""
    long = "<b>" + "x" * 30_000
    assert render(long).startswith("<p>&lt;b&gt;xxx")
