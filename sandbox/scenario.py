"""A small, realistic catalogue for the demo, the tests and the benchmarks: an issuer with a key,
two courses on the fake platform, a capstone + competency micro-credential, a course credential,
and a two-course pathway. Events are sent through the real openedx-events signals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from opaque_keys.edx.keys import CourseKey
from openedx_events.data import EventsMetadata
from openedx_events.learning.data import (
    CcxCourseData,
    CcxCoursePassingStatusData,
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CCX_COURSE_PASSING_STATUS_UPDATED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
)

DATA_COURSE = "course-v1:DemoX+Data101+2026"
VIZ_COURSE = "course-v1:DemoX+Viz201+2026"
CAPSTONE = "block-v1:DemoX+Data101+2026+type@sequential+block@capstone"
ANALYSIS_1 = "block-v1:DemoX+Data101+2026+type@sequential+block@analysis1"
ANALYSIS_2 = "block-v1:DemoX+Data101+2026+type@vertical+block@analysis2"

ANALYST_RULE = {
    "type": "all",
    "of": [
        {"type": "course_passed"},
        {
            "type": "block_score",
            "id": "capstone",
            "block": CAPSTONE,
            "min": 0.8,
            "label": "Capstone project",
        },
        {
            "type": "competency",
            "id": "data-analysis",
            "name": "Data analysis",
            "framework": "Example Skills Framework",
            "code": "DA-1",
            "url": "https://frameworks.example.org/competencies/data-analysis",
            "blocks": [{"block": ANALYSIS_1}, {"block": ANALYSIS_2, "weight": 2}],
            "min": 0.75,
        },
    ],
}
VIZ_RULE = {
    "type": "all",
    "of": [
        {"type": "course_passed"},
        {"type": "assignment_average", "assignment_type": "Exam", "min": 0.7},
    ],
}
PATHWAY_RULE = {
    "type": "all",
    "of": [
        {"type": "holds_credential", "credential": "data-analyst"},
        {"type": "holds_credential", "credential": "data-visualizer"},
    ],
}


# The courses' structure (what a rule builder picks blocks from); the rules' blocks are in it.
DATA_OUTLINE = [
    {
        "id": "week1",
        "name": "Week 1: Exploring data",
        "subsections": [
            {
                "id": "intro",
                "name": "Introduction",
                "units": [{"id": "welcome", "name": "Welcome"}],
            },
            {
                "id": "analysis1",
                "name": "Analysis lab",
                "graded": True,
                "assignment_type": "Homework",
                "units": [{"id": "analysis1-notebook", "name": "Summary statistics"}],
            },
        ],
    },
    {
        "id": "week2",
        "name": "Week 2: Cleaning data",
        "subsections": [
            {
                "id": "lab2",
                "name": "Cleaning lab",
                "graded": True,
                "assignment_type": "Homework",
                "units": [
                    {"id": "analysis2", "name": "Cleaning a data set"},
                    {"id": "lab2-quiz", "name": "Check your understanding"},
                ],
            }
        ],
    },
    {
        "id": "final",
        "name": "Final project",
        "subsections": [
            {
                "id": "capstone",
                "name": "Capstone project",
                "graded": True,
                "assignment_type": "Exam",
                "units": [{"id": "capstone-report", "name": "Report"}],
            }
        ],
    },
]
VIZ_OUTLINE = [
    {
        "id": "charts",
        "name": "Charts",
        "subsections": [
            {"id": "viz-hw1", "name": "Bar charts", "graded": True, "assignment_type": "Homework"},
            {"id": "viz-exam", "name": "Final exam", "graded": True, "assignment_type": "Exam"},
        ],
    }
]


def create_issuer(base_url: str = "https://lms.example.edu"):
    """The issuer "Example University" with its active signing key "key-1"."""
    from openedx_microcreds.models import Issuer
    from openedx_microcreds.signing import generate_signing_key

    issuer = Issuer.objects.create(
        name="Example University", url=base_url, email="credentials@example.edu"
    )
    generate_signing_key(issuer, key_id="key-1")
    return issuer


def create_courses() -> None:
    """Data101 and Viz201 on the fake platform, with their outlines."""
    from sandbox.fake_platform import FakePlatform

    FakePlatform.add_course(DATA_COURSE, "Data Analysis with Python", ("Homework", "Exam"))
    FakePlatform.add_course(VIZ_COURSE, "Data Visualization", ("Homework", "Exam"))
    FakePlatform.set_outline(DATA_COURSE, DATA_OUTLINE)
    FakePlatform.set_outline(VIZ_COURSE, VIZ_OUTLINE)


def create_catalogue(base_url: str = "https://lms.example.edu"):
    """Issuer, active key, courses and the three definitions; returns the issuer."""
    from openedx_microcreds.models import CredentialDefinition

    issuer = create_issuer(base_url)
    create_courses()
    active = CredentialDefinition.State.ACTIVE
    CredentialDefinition.objects.create(
        slug="data-analyst",
        issuer=issuer,
        course_key=DATA_COURSE,
        state=active,
        name="Data Analyst",
        achievement_type="MicroCredential",
        rule=ANALYST_RULE,
        description="Applied data analysis, demonstrated in a graded capstone project.",
        validity_days=730,
    )
    CredentialDefinition.objects.create(
        slug="data-visualizer",
        issuer=issuer,
        course_key=VIZ_COURSE,
        state=active,
        name="Data Visualizer",
        achievement_type="Badge",
        rule=VIZ_RULE,
        description="Communicating data with charts.",
    )
    CredentialDefinition.objects.create(
        slug="data-pathway",
        issuer=issuer,
        course_key=None,
        state=active,
        name="Data Pathway",
        achievement_type="Certificate",
        rule=PATHWAY_RULE,
        description="Both data micro-credentials: analysis and visualization.",
    )
    return issuer


def _metadata(signal) -> EventsMetadata:
    return EventsMetadata(event_type=signal.event_type, id=uuid.uuid4(), time=datetime.now(UTC))


def _user_data(learner) -> UserData:
    return UserData(
        id=learner.id,
        is_active=learner.is_active,
        pii=UserPersonalData(
            username=learner.username, email=learner.email, name=learner.full_name
        ),
    )


def _course_data(course_key: str) -> CourseData:
    return CourseData(course_key=CourseKey.from_string(course_key))


def send_passing_status(
    learner, course_key: str, *, is_passing: bool = True, from_event_bus: bool = False
) -> None:
    """COURSE_PASSING_STATUS_UPDATED as the LMS sends it, or (``from_event_bus``) as an event
    bus consumer re-sends it."""
    data = CoursePassingStatusData(
        is_passing=is_passing, course=_course_data(course_key), user=_user_data(learner)
    )
    if from_event_bus:
        COURSE_PASSING_STATUS_UPDATED.send_event_with_custom_metadata(
            _metadata(COURSE_PASSING_STATUS_UPDATED), course_passing_status=data
        )
    else:
        COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=data)


def send_ccx_passing_status(learner, ccx_key: str, master_key: str | None) -> None:
    from ccx_keys.locator import CCXLocator

    CCX_COURSE_PASSING_STATUS_UPDATED.send_event(
        course_passing_status=CcxCoursePassingStatusData(
            is_passing=True,
            course=CcxCourseData(
                ccx_course_key=CCXLocator.from_string(ccx_key),
                master_course_key=CourseKey.from_string(master_key) if master_key else None,
            ),
            user=_user_data(learner),
        )
    )


def send_persistent_grade(learner, course_key: str, percent: float) -> None:
    PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=PersistentCourseGradeData(
            user_id=learner.id,
            course=_course_data(course_key),
            course_edited_timestamp=datetime.now(UTC),
            course_version="1",
            grading_policy_hash="hash",
            percent_grade=percent,
            letter_grade="Pass" if percent >= 0.5 else "",
            passed_timestamp=datetime.now(UTC) if percent >= 0.5 else None,
        )
    )


def send_certificate_created(learner, course_key: str) -> None:
    CERTIFICATE_CREATED.send_event(
        certificate=CertificateData(
            user=_user_data(learner),
            course=_course_data(course_key),
            mode="verified",
            grade="0.9",
            current_status="downloadable",
            download_url="",
            name=learner.full_name,
        )
    )


def send_certificate_revoked(learner, course_key: str, *, status: str = "unavailable") -> None:
    """CERTIFICATE_REVOKED as GeneratedCertificate._revoke_certificate sends it
    (lms/djangoapps/certificates/models.py): ``status`` is unavailable, notpassing or unverified."""
    CERTIFICATE_REVOKED.send_event(
        certificate=CertificateData(
            user=_user_data(learner),
            course=_course_data(course_key),
            mode="verified",
            grade="",
            current_status=status,
            download_url="",
            name=learner.full_name,
        )
    )


def send_persistent_grade_raw(*, user_id, course_key: str) -> None:
    """PERSISTENT_GRADE_SUMMARY_CHANGED with any ``user_id`` at all: openedx-events checks only
    the type of the data object, not of its fields, so a producer's bug gets through."""
    PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=PersistentCourseGradeData(
            user_id=user_id,
            course=_course_data(course_key),
            course_edited_timestamp=datetime.now(UTC),
            course_version="1",
            grading_policy_hash="hash",
            percent_grade=0.9,
            letter_grade="Pass",
            passed_timestamp=datetime.now(UTC),
        )
    )


def send_certificate_raw(learner, *, course_key: str | None, status: str) -> None:
    """CERTIFICATE_CREATED whose course may lack its key (a malformed event)."""
    CERTIFICATE_CREATED.send_event(
        certificate=CertificateData(
            user=_user_data(learner),
            course=CourseData(course_key=CourseKey.from_string(course_key) if course_key else None),
            mode="verified",
            grade="0.9",
            current_status=status,
            download_url="https://lms.example.edu/certificates/abc",
            name=learner.full_name,
        )
    )


def grade_analyst(
    learner,
    *,
    capstone: float,
    analysis: tuple[float, float],
    percent: float,
    course_key: str = DATA_COURSE,
):
    """Set a learner's Data101 grades: capstone and the two competency activities (fractions).
    ``course_key`` may be a CCX of Data101, where the platform keys the blocks as CCX locators."""
    from sandbox.fake_platform import FakePlatform

    FakePlatform.set_grade(
        learner,
        course_key,
        percent=percent,
        blocks={
            CAPSTONE: (capstone * 25, 25.0),
            ANALYSIS_1: (analysis[0] * 10, 10.0),
            ANALYSIS_2: (analysis[1] * 10, 10.0),
        },
        assignment_averages={"Homework": percent, "Exam": percent},
    )


def grade_visualizer(learner, *, exam: float, percent: float):
    from sandbox.fake_platform import FakePlatform

    FakePlatform.set_grade(
        learner,
        VIZ_COURSE,
        percent=percent,
        assignment_averages={"Homework": percent, "Exam": exam},
    )


def send_grade_events(learner, snapshot) -> None:
    """What the LMS sends when it recomputes a learner's course grade (``snapshot``, as
    FakePlatform.set_grade recorded it): PERSISTENT_GRADE_SUMMARY_CHANGED as the persisted grade
    is saved (lms/djangoapps/grades/models.py, PersistentCourseGrade.update_or_create), then
    COURSE_PASSING_STATUS_UPDATED, passing or not (lms/djangoapps/grades/events.py)."""
    now = datetime.now(UTC)
    PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=PersistentCourseGradeData(
            user_id=learner.id,
            course=_course_data(snapshot.course_key),
            course_edited_timestamp=now,
            course_version="1",
            grading_policy_hash="sandbox",
            percent_grade=snapshot.percent,
            letter_grade=snapshot.letter_grade or "",
            passed_timestamp=now if snapshot.passed else None,
        )
    )
    send_passing_status(learner, snapshot.course_key, is_passing=snapshot.passed)
