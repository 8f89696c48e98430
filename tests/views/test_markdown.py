"""The criteria narrative renderer: CommonMark with no raw HTML, web links only, linear work."""

import pytest

from openedx_microcreds.views import markdown
from openedx_microcreds.views.markdown import MAX_LENGTH, render

from .work_counter import counting_work

REL = 'rel="nofollow noopener noreferrer"'


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
        "<ul>\n<li>Pass the course.</li>\n<li>Meet <strong>any</strong> of the following:\n"
        "<ul>\n<li>Pass the course <code>course-v1:A+B+C</code>.</li>\n"
        "<li>Average at least 70% across <strong>Exam</strong> assignments.</li>\n</ul>\n</li>\n"
        "<li>Hold the credential <code>data-analyst</code>.</li>\n</ul>"
    )


def test_paragraphs_line_breaks_headings_and_numbered_lists():
    text = "# Steps\nFirst line\nsecond line\n\n1. one\n2. two *really*\n\nEnd_of_text snake_case"
    assert render(text) == (
        "<h3>Steps</h3>\n<p>First line<br />\nsecond line</p>\n"
        "<ol>\n<li>one</li>\n<li>two <em>really</em></li>\n</ol>\n"
        "<p>End_of_text snake_case</p>"
    )


def test_headings_stay_below_the_page_headings():
    assert render("###### six") == "<h6>six</h6>"
    assert render("## two") == "<h4>two</h4>"


@pytest.mark.parametrize(
    ("text", "must_not_contain"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("![pixel](https://tracker.example/p.png)", "<img"),
        ("[x](javascript:alert(1))", "href"),
        ("<javascript:alert(1)>", "href"),
        ("[x](JaVaScRiPt:alert(1))", "href"),
        ("[x](data:text/html,<b>hi</b>)", "href"),
        ("[x](vbscript:msgbox)", "href"),
        ("[x](/relative/path)", "href"),
        ("[x](//evil.example/no-scheme)", "href"),
        ("[x](mailto:someone@example.org)", "href"),
        ('[x](https://ok.example/"onmouseover="alert(1))', 'onmouseover="'),
        ("`<b>code</b>`", "<b>"),
        ("**<i>bold</i>**", "<i>"),
        ("- <a href='https://evil'>item</a>", "<a "),
        ("<div>\nblock html\n</div>", "<div>"),
        ("&lt;script&gt;", "<script"),
    ],
)
def test_everything_else_is_escaped(text, must_not_contain):
    assert must_not_contain not in render(text)


def test_links_only_to_http_urls_with_escaped_targets():
    html = render("See [the *rules*](https://example.edu/r?a=1&b=2).")
    assert html == (
        f'<p>See <a href="https://example.edu/r?a=1&amp;b=2" {REL}>the <em>rules</em></a>.</p>'
    )
    assert render("<https://example.edu/x>") == (
        f'<p><a href="https://example.edu/x" {REL}>https://example.edu/x</a></p>'
    )


def test_code_spans_are_literal():
    assert render("`**not bold** & <tag>`") == (
        "<p><code>**not bold** &amp; &lt;tag&gt;</code></p>"
    )


def test_empty_and_very_long_text():
    assert render("") == "" and render(None) == "" and render("  \n ") == ""
    long = "<b>**" + "x" * MAX_LENGTH + "\nline two"
    html = render(long)
    assert html.startswith("<p>&lt;b&gt;**xxx")  # shown as text: not parsed, still escaped
    assert html.endswith("<br>line two</p>")


# Inputs that make naive Markdown parsers do quadratic (or worse) work: runs of delimiters that
# never close, nested brackets, unclosed links, deep nesting (after cmark's pathological tests).
ADVERSARIAL = {
    "underscore strong openers": lambda n: " __x" * n,
    "star strong openers": lambda n: " **x" * n,
    "nested strong and emphasis": lambda n: "*a **a " * n + "b" + " a** a*" * n,
    "emphasis closers without openers": lambda n: "a_ " * n,
    "mismatched delimiters": lambda n: "*a_ " * n,
    "multiple-of-3 delimiter runs": lambda n: "a**b" + "c* " * n,
    "link openers and emphasis closers": lambda n: "[ a_" * n,
    "nested brackets": lambda n: "[" * n + "a" + "]" * n,
    "brackets and parentheses": lambda n: "[ (](" * n,
    "unclosed links": lambda n: "[a](b" * n,
    "unclosed angle links": lambda n: "[a](<b" * n,
    "unclosed link titles": lambda n: '[a](b "' * n,
    "backtick runs": lambda n: "`a" * n + "``b" * n,
    "autolink openers": lambda n: "<http://" * n,
    "entities": lambda n: "&amp" * n,
    "escapes": lambda n: "\\[" * n,
    "link reference definitions": lambda n: "[a]:http://e\n" * n + "[a]" * n,
    "nested block quotes": lambda n: "> " * n + "a",
    "nested lists": lambda n: "- " * n + "a",
    "one long list item": lambda n: "- a\n" + "  b\n" * n,
    "headings": lambda n: "# a *b\n" * n,
    "hard breaks": lambda n: "a  \n" * n,
}


WARM_UP = "# a\n*b* __c__ `d` [e](https://f.example) <https://g.example> &amp;\n> - h\n\n[i]: j"


@pytest.fixture
def measure():
    """The work of rendering a text, once one-time set-up (imports, tables) is done."""
    parser = markdown._parser()
    render(WARM_UP)

    def work(text: str):
        with counting_work(
            ("markdown_it", "mdurl", "openedx_microcreds.views.markdown"),
            objects=(parser.inline, parser.block, parser.core),
        ) as counter:
            render(text)
        return counter

    return work


@pytest.mark.parametrize("family", ADVERSARIAL)
def test_adversarial_inputs_cost_linear_work(measure, family):
    """A bound on the work (Python lines run, plus the most steps the regular expressions may
    take: see work_counter.py) grows like the input: four times the input, at most six times the
    bound (quadratic work grows sixteenfold). Both sizes are under MAX_LENGTH, so the text
    really is parsed. Our former renderer's bound grew 64x here: its backtracking patterns ran
    over whole lines (and " __x" * 4999 took seconds)."""
    make = ADVERSARIAL[family]
    small, large = make(150), make(600)
    assert len(large) <= MAX_LENGTH
    small_work, large_work = measure(small), measure(large)
    growth = large_work.total / small_work.total
    assert growth <= 6, (
        f"{family}: work grew {growth:.1f}x for 4x the input: "
        f"{small_work.summary()} -> {large_work.summary()}"
    )


def test_the_probe_input_of_the_report_is_linear_at_full_size(measure):
    """The 20 KB input from the report: over the bound now, so shown as text with linear work;
    and at the largest size still parsed, the work per character stays small."""
    reported = " __x" * 4999
    assert len(reported) > MAX_LENGTH
    assert measure(reported).total < 20 * len(reported)
    parsed = " __x" * (MAX_LENGTH // 4)
    assert measure(parsed).total < 2_000 * len(parsed)
