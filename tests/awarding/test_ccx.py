"""Learners of a CCX (a custom run of a master course) earn the master course's credentials.

edx-platform grades a CCX learner under the CCX key only (reading the master key gives a zero
grade: lms/djangoapps/grades/course_grade_factory.py) and keys the CCX's blocks as
``ccx-block-v1:`` locators (lms/djangoapps/ccx/modulestore.py); the sandbox's fake platform does
the same (sandbox/fake_platform.py), so these tests go through what a real LMS would answer.
"""

from datetime import timedelta

import pytest

from openedx_microcreds.models import Award, CredentialDefinition, Evaluation
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)

CCX = "ccx-v1:DemoX+Data101+2026+ccx@3"
CCX_CAPSTONE = "ccx-block-v1:DemoX+Data101+2026+ccx@3+type@sequential+block@capstone"


@pytest.fixture
def ccx(catalogue, fake_platform):
    return fake_platform.add_ccx(CCX, "Data Analysis with Python, for Acme")


def _evaluation(learner, slug):
    return Evaluation.objects.get(user_id=learner.id, definition__slug=slug)


def _clause(evaluation, clause_id):
    tree = evaluation.explanation["explanation"]
    return next(child for child in tree["children"] if child["clause_id"] == clause_id)


def test_ccx_learner_earns_the_master_courses_credential(ccx, learner):
    scenario.grade_analyst(
        learner, capstone=0.92, analysis=(0.85, 0.9), percent=0.89, course_key=CCX
    )
    scenario.send_ccx_passing_status(learner, CCX, scenario.DATA_COURSE)

    evaluation = _evaluation(learner, "data-analyst")
    assert evaluation.outcome == "awarded", evaluation.explanation["explanation"]
    # Which grade was read, and the scores under the keys the rule names.
    assert evaluation.explanation["grades_read"] == {scenario.DATA_COURSE: CCX}
    assert evaluation.explanation["grades"][scenario.DATA_COURSE]["course_key"] == CCX
    capstone = _clause(evaluation, "capstone")
    assert capstone["passed"] is True
    assert [block["block"] for block in capstone["blocks"]] == [scenario.CAPSTONE]
    competency = _clause(evaluation, "data-analysis")
    assert [block["block"] for block in competency["blocks"]] == [
        scenario.ANALYSIS_1,
        scenario.ANALYSIS_2,
    ]
    assert competency["passed"] is True
    award = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
    results = {
        result["resultDescription"].rsplit("#", 1)[1]: result
        for result in award.credential["credentialSubject"]["result"]
    }
    assert results["result-capstone"]["value"] == "92.0"
    assert award.evidence["ccx_key"] == CCX


def test_ccx_learner_is_judged_on_the_ccx_grade(ccx, learner):
    """Not met for the right reason: the CCX's 72 %, not the master's zero."""
    scenario.grade_analyst(
        learner, capstone=0.72, analysis=(0.85, 0.9), percent=0.89, course_key=CCX
    )
    scenario.send_ccx_passing_status(learner, CCX, scenario.DATA_COURSE)
    evaluation = _evaluation(learner, "data-analyst")
    assert evaluation.outcome == "not_met"
    assert _clause(evaluation, "$.0")["passed"] is True  # course_passed, in the CCX
    capstone = _clause(evaluation, "capstone")
    assert capstone["passed"] is False
    assert "72" in capstone["summary"] and "18/25" in capstone["summary"]


def test_a_ccx_credential_naming_master_blocks(ccx, learner, catalogue):
    """A CCX's own credential whose rule names the master's block: the score is read in its
    CCX form and reported under the key the rule names."""
    CredentialDefinition.objects.create(
        slug="acme-capstone",
        issuer=catalogue,
        course_key=CCX,
        state=CredentialDefinition.State.ACTIVE,
        name="Acme capstone",
        rule={"type": "block_score", "block": scenario.CAPSTONE, "min": 0.8},
    )
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.5, 0.5), percent=0.6, course_key=CCX)
    scenario.send_ccx_passing_status(learner, CCX, scenario.DATA_COURSE)

    evaluation = _evaluation(learner, "acme-capstone")
    assert evaluation.outcome == "awarded", evaluation.explanation["explanation"]
    tree = evaluation.explanation["explanation"]
    assert tree["blocks"][0]["block"] == scenario.CAPSTONE
    assert (tree["blocks"][0]["earned"], tree["blocks"][0]["possible"]) == (22.5, 25.0)
    assert evaluation.explanation["grades"][CCX]["blocks"][CCX_CAPSTONE] == [22.5, 25.0]
    assert evaluation.explanation["grades_read"] == {CCX: CCX}


def test_a_failed_ccx_evaluation_is_retried_on_the_ccx_grade(ccx, learner, fake_platform):
    from openedx_microcreds.awarding import retry_failed
    from openedx_microcreds.platform import PlatformError

    scenario.grade_analyst(
        learner, capstone=0.92, analysis=(0.85, 0.9), percent=0.89, course_key=CCX
    )
    fake_platform.fail_next_grade_read(PlatformError("grades down"))
    scenario.send_ccx_passing_status(learner, CCX, scenario.DATA_COURSE)
    failed = Evaluation.objects.get(outcome="failed", definition__slug="data-analyst")
    [retried] = retry_failed([failed])
    assert retried.outcome == "awarded"
    assert retried.explanation["grades_read"] == {scenario.DATA_COURSE: CCX}


def test_renewal_reads_the_ccx_grade_again(ccx, learner):
    from openedx_microcreds.renewal import renew_expiring

    scenario.grade_analyst(
        learner, capstone=0.92, analysis=(0.85, 0.9), percent=0.89, course_key=CCX
    )
    scenario.send_ccx_passing_status(learner, CCX, scenario.DATA_COURSE)
    award = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")

    summary = renew_expiring(window_days=30, now=award.valid_until - timedelta(days=10))
    assert len(summary.renewed) == 1, [e.explanation for e in Evaluation.objects.all()]
    renewal = Evaluation.objects.get(award=summary.renewed[0])
    assert renewal.explanation["grades_read"] == {scenario.DATA_COURSE: CCX}


def test_a_grade_persisted_in_a_ccx_evaluates_the_master_courses_credentials(ccx, learner):
    """PERSISTENT_GRADE_SUMMARY_CHANGED names the course the grade is persisted under, which
    for a CCX learner is the CCX key (lms/djangoapps/grades/models.py, PersistentCourseGrade)."""
    scenario.grade_analyst(
        learner, capstone=0.92, analysis=(0.85, 0.9), percent=0.89, course_key=CCX
    )
    scenario.send_persistent_grade(learner, CCX, 0.89)
    evaluation = _evaluation(learner, "data-analyst")
    assert evaluation.outcome == "awarded", evaluation.explanation["explanation"]
    assert evaluation.explanation["grades_read"] == {scenario.DATA_COURSE: CCX}


def test_a_pathway_reads_the_grade_of_the_ccx_its_learner_took(ccx, learner, catalogue):
    """A stacking follow-up carries no CCX key: a pathway that reads the master course's grade
    for a CCX learner finds the CCX among the learner's enrollments, instead of reading the
    master's zero grade."""
    CredentialDefinition.objects.filter(slug="data-pathway").update(
        rule={
            "type": "all",
            "of": [
                {"type": "holds_credential", "credential": "data-analyst"},
                {"type": "course_grade", "course": scenario.DATA_COURSE, "min": 0.85},
            ],
        },
        version=7,
    )
    scenario.grade_analyst(
        learner, capstone=0.92, analysis=(0.85, 0.9), percent=0.89, course_key=CCX
    )
    scenario.send_ccx_passing_status(learner, CCX, scenario.DATA_COURSE)

    follow_up = Evaluation.objects.get(
        user_id=learner.id, definition__slug="data-pathway", event_type="microcreds.award"
    )
    assert follow_up.outcome == "awarded", follow_up.explanation["explanation"]
    assert follow_up.explanation["grades_read"] == {scenario.DATA_COURSE: CCX}
