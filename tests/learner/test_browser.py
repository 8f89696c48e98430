"""The learner's pages in a real browser: headless Chromium (Debian's package) through
Playwright, against a live server of the sandbox LMS. A learner with an active, a revoked and an
in-progress credential signs in at /login/ and sees /microcreds/me/, a course page and the
"add to wallet" page, whose QR codes are read back from the screenshot and must decode to the
offers' URLs; an e-mail as learners receive it is rendered too. Screenshots go to
$MICROCREDS_SCREENSHOTS when set (to look at them), else to the test's temporary directory."""

from __future__ import annotations

import io
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from sandbox import scenario
from tests.plugin.helpers import CHROMIUM, CHROMIUM_ARGS

from . import wallet_protocols

pytestmark = pytest.mark.django_db(transaction=True)

# WCAG 2.1 contrast ratio of an element's text against its nearest opaque background.
CONTRAST = """(element) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  let node = element, background = null;
  while (node && node.nodeType === 1) {
    const value = rgb(getComputedStyle(node).backgroundColor);
    if (value.length < 4 || value[3] > 0) { background = value; break; }
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def shots_dir(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("MICROCREDS_SCREENSHOTS") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@contextmanager
def browser_page():
    """A Chromium page. Playwright's sync API runs an event loop in this thread, where Django
    then refuses database calls: do them before opening the browser."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1100, "height": 900})
        finally:
            browser.close()


def check_accessibility(page) -> None:
    """What a screen reader and a low-vision reader need: one h1, headings in order, text
    alternatives on images, labelled form fields, and contrast of 4.5:1 for the texts."""
    levels = page.eval_on_selector_all("h1, h2, h3", "els => els.map(e => +e.tagName[1])")
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert page.eval_on_selector_all("img:not([alt])", "els => els.length") == 0
    unlabelled = page.eval_on_selector_all(
        "input:not([type=hidden])",
        "els => els.filter(e => !(e.id && document.querySelector(`label[for='${e.id}']`))).length",
    )
    assert unlabelled == 0
    check_contrast(
        page, ("h1", ".mc-muted", ".mc-req-detail", ".mc-pill", ".mc-button", ".mc-reason", "a")
    )


def check_contrast(page, selectors) -> None:
    for selector in selectors:
        for element in page.query_selector_all(selector):
            if element.is_visible():
                ratio = element.evaluate(CONTRAST)
                assert ratio >= 4.5, (selector, element.inner_text(), ratio)


def decode_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_learner_pages_in_a_browser(live_server, mary, awards, settings, mailoutbox, tmp_path):
    settings.MICROCREDS_WALLET_PROTOCOLS = [wallet_protocols.LCW, wallet_protocols.OID4VCI]
    user = get_user_model().objects.get(pk=mary.id)
    user.set_password("demo")
    user.save()
    with browser_page() as page:
        look_around(page, live_server.url, mailoutbox, shots_dir(tmp_path))


def look_around(page, server: str, mailoutbox, shots: Path) -> None:
    page.goto(f"{server}/login/?next=/microcreds/me/")
    page.fill("#id_username", "mary")
    page.fill("#id_password", "demo")
    page.click("input[type=submit]")
    page.wait_for_url(f"{server}/microcreds/me/")
    text = page.inner_text("main")
    assert "Data Visualizer" in text and "Active" in text
    assert "Reason: plagiarised capstone; regraded" in text
    assert "Capstone project" in text and "72%, 80% needed" in text
    check_accessibility(page)
    page.screenshot(path=shots / "learner-me.png", full_page=True)

    page.goto(f"{server}/microcreds/courses/{scenario.DATA_COURSE}/")
    assert page.inner_text("h1") == "Data Analysis with Python"
    check_accessibility(page)
    page.screenshot(path=shots / "learner-course.png", full_page=True)

    page.goto(f"{server}/microcreds/me/")
    page.click("text=Add to wallet")
    codes = page.query_selector_all("img.mc-qr")
    assert len(codes) == 2
    offers = [wallet_protocols.FakeLcw.made[-1], wallet_protocols.FakeOid4vci.made[-1]]
    for code, offer in zip(codes, offers, strict=True):
        assert code.get_attribute("data-offer-url") == offer.qr
        assert decode_qr(code.screenshot()) == [offer.qr]
    page.screenshot(path=shots / "learner-wallet.png", full_page=True)
    # The whole page as a person sees it: both codes found and read in one picture.
    assert sorted(decode_qr(page.screenshot(full_page=True))) == sorted(o.qr for o in offers)
    check_accessibility(page)

    # The e-mail choice posts back to the page: a browser's POST must pass Django's CSRF check
    # (it sends "Origin: null" when the page says "Referrer-Policy: no-referrer").
    page.goto(f"{server}/microcreds/me/")
    page.uncheck("#email_notifications")
    page.click("#notifications button[type=submit]")
    page.wait_for_selector(".mc-saved", timeout=5000)
    assert not page.is_checked("#email_notifications")

    # E-mails in a page of their own: set_content in the pages above would keep their CSP.
    page = page.context.browser.new_context().new_page()
    revoked = next(m for m in mailoutbox if "revoked" in m.subject)
    page.set_content(revoked.alternatives[0][0])
    assert "Reason given: plagiarised capstone; regraded" in page.inner_text("body")
    page.screenshot(path=shots / "email-revoked.png", full_page=True)
    issued = next(m for m in mailoutbox if m.subject.startswith("You earned Data Visualizer"))
    page.set_content(issued.alternatives[0][0])
    assert "Exam average in Data Visualization: 85%, 70% needed" in page.inner_text("body")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(244, 246, 247)"  # the inline styles apply
    check_contrast(page, ("h1", "p", "li", "a"))
    page.screenshot(path=shots / "email-issued.png", full_page=True)
    for name in ("learner-me", "learner-course", "learner-wallet", "email-revoked", "email-issued"):
        assert (shots / f"{name}.png").stat().st_size > 5_000, name
