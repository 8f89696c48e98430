"""
The story of issue 12, in a real browser against a real sandbox LMS: a course author builds a
capstone + competency credential in Studio's Pages & Resources, is shown a mistake at the field
that has it, fixes it, previews who would get it (with their numbers) and activates it; a grade
change of a learner, with the events the LMS sends (``sandbox_grade``, another process), issues
it; the author sees it awarded, the learner sees it on their dashboard and course home; the
author revokes it with a reason and the learner's dashboard says so.

One test, in order: each step needs the one before. Screenshots: demo-output/ui/NN-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from sandbox import scenario

from .browser import assert_accessible, log_in, unnamed_controls

COURSE = scenario.DATA_COURSE
STUDIO = f"/sandbox/studio/course/{COURSE}/pages-and-resources"
DASHBOARD = "/sandbox/learner-dashboard/"
COURSE_HOME = f"/sandbox/learning/course/{COURSE}/home"
NAME = "Capstone Analyst"
SLUG = "capstone-analyst"
REASON = "Capstone report copied from another learner"


def clause(page, path: str):
    return page.get_by_test_id(f"microcreds-clause-{path}")


def check_page(page, where: str) -> None:
    """What every step's page must be: no control without a name, nothing axe-core calls
    serious or critical."""
    assert unnamed_controls(page) == [], where
    assert_accessible(page, where)


def add_requirement(page, type_label: str) -> None:
    page.get_by_label("New requirement in Rule: All of these").select_option(label=type_label)
    page.get_by_test_id("microcreds-add-clause-$").click()


def test_an_author_awards_and_revokes_a_credential_a_learner_sees(new_page, server, screenshots):
    author = new_page(1280, 1000)

    # --- Pages & Resources: the card, then the editor with no credential yet -------------
    log_in(author, server.base_url, "author", STUDIO)
    card = author.get_by_test_id("microcreds-card")
    expect(card).to_contain_text("Micro-credentials")
    check_page(author, "Pages & Resources")
    screenshots.take(author, "author-pages-and-resources")

    # By keyboard: the card's button opens the editor, and focus moves into it.
    card.get_by_role("button", name="Manage micro-credentials").focus()
    author.keyboard.press("Enter")
    editor = author.get_by_role("dialog", name="Micro-credentials")
    expect(editor).to_be_visible()
    assert editor.evaluate("dialog => dialog.contains(document.activeElement)")
    expect(author.get_by_test_id("microcreds-definitions")).to_contain_text(
        "No credentials here yet"
    )
    check_page(author, "editor, empty")
    screenshots.take(author, "author-editor-empty")

    # --- a new draft: the capstone and the competency ------------------------------------
    author.get_by_role("button", name="New credential").click()
    author.get_by_label("Name of the new credential").fill(NAME)
    author.get_by_role("button", name="Create draft").click()
    draft = author.get_by_test_id("microcreds-definition-editor")
    expect(draft.get_by_role("heading", name=NAME)).to_be_visible()
    expect(draft.get_by_test_id("microcreds-state")).to_have_text("Draft")

    add_requirement(author, "Subsection or unit score (capstone)")
    capstone = clause(author, "$.of[1]")
    capstone.get_by_label("Subsection or unit").select_option(
        label="Capstone project (graded: Exam)"
    )
    # A slip: 180 % where 80 % was meant.
    capstone.get_by_label("Minimum score (%)").fill("180")

    add_requirement(author, "Competency")
    competency = clause(author, "$.of[2]")
    competency.get_by_label("Competency name").fill("Data analysis")
    competency.get_by_label("Competency id").fill("data-analysis")
    competency.get_by_label("Competency URL").fill(
        "https://frameworks.example.org/competencies/data-analysis"
    )
    competency.get_by_label("Activity 1", exact=True).select_option(
        label="Analysis lab (graded: Homework)"
    )
    competency.get_by_role("button", name="Add activity").click()
    competency.get_by_label("Activity 2", exact=True).select_option(
        label="Cleaning a data set (graded: Homework)"
    )
    competency.get_by_label("Weight of activity 2").fill("2")
    competency.get_by_label("Minimum score (%)").fill("75")

    # --- the mistake, shown at its field (the API's JSON path), announced ----------------
    error = author.get_by_test_id("microcreds-field-error-$.of[1].min")
    expect(error.get_by_role("alert")).to_be_visible()
    expect(author.get_by_test_id("microcreds-validation-status")).to_have_text(
        "1 problem in the rule."
    )
    threshold = capstone.get_by_label("Minimum score (%)")
    expect(threshold).to_have_attribute("aria-invalid", "true")
    assert error.get_attribute("id") in (threshold.get_attribute("aria-describedby") or "")
    error.scroll_into_view_if_needed()
    check_page(author, "rule with a mistake")
    screenshots.take(author, "author-rule-error-at-its-field")

    threshold.fill("80")
    expect(author.get_by_test_id("microcreds-validation-status")).to_have_text("The rule is valid.")
    expect(error).to_have_count(0)
    expect(threshold).not_to_have_attribute("aria-invalid", "true")

    # The JSON view holds the same rule.
    author.get_by_test_id("microcreds-json-toggle").click()
    rule_json = author.get_by_test_id("microcreds-rule-json")
    expect(rule_json).to_be_visible()
    text = rule_json.input_value()
    assert scenario.CAPSTONE in text and '"min": 0.8' in text and '"weight": 2' in text
    screenshots.take(author, "author-rule-valid-with-json")
    author.get_by_test_id("microcreds-json-toggle").click()

    author.get_by_role("button", name="Save draft").click()
    expect(author.get_by_test_id("microcreds-save-result")).to_contain_text("Saved")

    # --- preview: who would get it, and why, with the numbers ----------------------------
    author.get_by_role("tab", name="Preview").click()
    preview = author.get_by_test_id("microcreds-preview")
    preview.get_by_role("button", name="Run preview").click()
    counts = author.get_by_test_id("microcreds-preview-counts")
    expect(counts).to_contain_text("6 learners evaluated: 2 would receive it")
    expect(counts).to_contain_text("4 do not meet the rule yet")
    for username in ("ada", "alan"):
        expect(author.get_by_test_id(f"microcreds-preview-row-{username}")).to_contain_text(
            "Would receive it"
        )
    # Each learner's numbers against the thresholds: what fell short, and by how much.
    grace = author.get_by_test_id("microcreds-preview-row-grace")
    expect(grace).to_contain_text("Not yet")
    numbers = grace.get_by_test_id("microcreds-numbers")
    expect(numbers).to_contain_text("Capstone project: 72% (80% needed)")
    expect(numbers).to_contain_text("Data analysis: 93.3% (75% needed)")
    expect(numbers.locator("li[data-passed=false]")).to_have_count(1)
    katherine = author.get_by_test_id("microcreds-preview-row-katherine")
    numbers = katherine.get_by_test_id("microcreds-numbers")
    expect(numbers).to_contain_text("Capstone project: 88% (80% needed)")
    expect(numbers).to_contain_text("Data analysis: 66.6% (75% needed)")
    check_page(author, "preview")
    screenshots.take(author, "author-preview")
    katherine.scroll_into_view_if_needed()
    screenshots.take(author, "author-preview-not-yet")

    # --- activate --------------------------------------------------------------------------
    author.get_by_role("tab", name="Rule and details").click()
    author.get_by_role("button", name="Activate", exact=True).click()
    expect(draft.get_by_test_id("microcreds-state")).to_have_text("Active")
    screenshots.take(author, "author-activated")

    # --- the learner's grade changes in the LMS: the credential is issued ------------------
    before = new_page()
    log_in(before, server.base_url, "sam", COURSE_HOME)
    progress = before.get_by_test_id(f"microcreds-progress-{SLUG}")
    expect(progress).to_contain_text("You have 0%; 80% needed")
    check_page(before, "course home before")
    screenshots.take(before, "learner-course-home-before")

    graded = server.manage(
        "sandbox_grade",
        "sam",
        COURSE,
        "--percent",
        "0.9",
        "--block",
        f"{scenario.CAPSTONE}=23/25",
    )
    assert f"credential {SLUG}: active" in graded.stdout

    # The author finds it in the Awarded tab.
    author.get_by_role("tab", name="Awarded").click()
    awards = author.get_by_test_id("microcreds-awards")
    search = awards.get_by_label("Search by username, e-mail or credential id")
    search.fill("ada")
    awards.get_by_role("button", name="Search").click()
    expect(awards).to_contain_text("No credential awarded matches.")
    search.fill("sam@example.edu")
    awards.get_by_role("button", name="Search").click()
    expect(awards).to_contain_text("1 credential")
    row = awards.get_by_test_id("microcreds-award-sam")
    expect(row).to_contain_text("Active")
    check_page(author, "awarded")
    screenshots.take(author, "author-awarded")

    # The learner: the dashboard widget and the course panel.
    learner = before
    learner.goto(server.base_url + DASHBOARD)
    mine = learner.get_by_test_id(f"microcreds-my-credential-{SLUG}")
    expect(mine).to_have_attribute("data-standing", "active")
    expect(mine).to_contain_text(NAME)
    check_page(learner, "learner dashboard")
    screenshots.take(learner, "learner-dashboard-earned")

    learner.goto(server.base_url + COURSE_HOME)
    panel = learner.get_by_test_id("microcreds-course-panel")
    earned = panel.get_by_test_id(f"microcreds-earned-{SLUG}")
    expect(earned).to_have_attribute("data-standing", "active")
    expect(earned.get_by_role("link", name=f"View and share {NAME}")).to_be_visible()
    expect(panel.get_by_test_id(f"microcreds-progress-{SLUG}")).to_have_count(0)
    check_page(learner, "course home after")
    screenshots.take(learner, "learner-course-home-earned")

    # --- the author revokes it, with a reason -----------------------------------------------
    revoke = row.get_by_role("button", name="Revoke the credential of sam")
    revoke.click()
    dialog = author.get_by_role("dialog", name="Revoke the credential of sam")
    reason = dialog.get_by_label("Reason (recorded, and told to the learner)")
    expect(reason).to_be_focused()  # focus moves into the dialog
    dialog.get_by_role("button", name="Revoke credential").click()
    expect(dialog.get_by_role("alert")).to_contain_text("A reason is required.")
    check_page(author, "revoke dialog")
    screenshots.take(author, "author-revoke-needs-a-reason")
    reason.fill(REASON)
    dialog.get_by_role("button", name="Revoke credential").click()
    expect(dialog).to_have_count(0)
    expect(row).to_contain_text("Revoked")
    expect(row).to_contain_text(REASON)
    expect(row.get_by_role("button", name="Reinstate the credential of sam")).to_be_focused()
    check_page(author, "revoked")
    screenshots.take(author, "author-revoked")

    learner.goto(server.base_url + DASHBOARD)
    mine = learner.get_by_test_id(f"microcreds-my-credential-{SLUG}")
    expect(mine).to_have_attribute("data-standing", "revoked")
    expect(mine).to_contain_text(re.compile("revoked", re.IGNORECASE))
    check_page(learner, "learner dashboard, revoked")
    screenshots.take(learner, "learner-dashboard-revoked")
    learner.goto(server.base_url + COURSE_HOME)
    earned = learner.get_by_test_id(f"microcreds-earned-{SLUG}")
    expect(earned).to_have_attribute("data-standing", "revoked")
    expect(earned).to_contain_text(REASON)
    check_page(learner, "course home, revoked")
    screenshots.take(learner, "learner-course-home-revoked")

    # --- a revocation made in error is undone: the same credential is valid again -----------
    row.get_by_role("button", name="Reinstate the credential of sam").click()
    dialog = author.get_by_role("dialog", name="Reinstate the credential of sam")
    dialog.get_by_label("Reason (recorded, and told to the learner)").fill(
        "Appeal upheld: the report is the learner's own"
    )
    dialog.get_by_role("button", name="Reinstate credential").click()
    expect(row).to_contain_text("Active")
    learner.reload()  # the course home
    expect(learner.get_by_test_id(f"microcreds-earned-{SLUG}")).to_have_attribute(
        "data-standing", "active"
    )
    learner.goto(server.base_url + DASHBOARD)
    expect(learner.get_by_test_id(f"microcreds-my-credential-{SLUG}")).to_have_attribute(
        "data-standing", "active"
    )

    # --- the course's credentials: the table with states, a duplicate as a new draft --------
    author.get_by_role("button", name="All credentials").click()
    definitions = author.get_by_test_id("microcreds-definitions")
    original = definitions.get_by_test_id(f"microcreds-definition-{SLUG}")
    expect(original.get_by_test_id("microcreds-state")).to_have_text("Active")
    original.get_by_role("button", name=f"Duplicate {NAME}").click()
    expect(definitions).to_contain_text("Created the draft copy")
    copy = definitions.get_by_test_id(f"microcreds-definition-{SLUG}-copy")  # from its name
    expect(copy.get_by_test_id("microcreds-state")).to_have_text("Draft")
    # Archiving asks first (the browser's confirm), then the copy is archived.
    confirmations = []

    def confirm(dialog):
        confirmations.append(dialog.message)
        dialog.accept()

    author.once("dialog", confirm)
    expect(copy).to_contain_text(f"{NAME} (copy)")  # named apart from the original
    copy.get_by_role("button", name=f"Archive {NAME} (copy)").click()
    expect(copy.get_by_test_id("microcreds-state")).to_have_text("Archived")
    assert confirmations and confirmations[0].startswith(f"Archive “{NAME} (copy)”?")
    expect(original.get_by_test_id("microcreds-state")).to_have_text("Active")
    check_page(author, "definitions table")
    screenshots.take(author, "author-definitions-table")
