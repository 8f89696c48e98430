"""The list endpoints ask the database the same number of questions whatever the number of
rows they list (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openedx_microcreds import api
from openedx_microcreds.models import Award
from sandbox import scenario

from .conftest import API, DATA

pytestmark = pytest.mark.django_db
D = f"{API}/courses/{DATA}"


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def add_learners(fake_platform, committed, start, count):
    for n in range(start, start + count):
        learner = fake_platform.add_user(f"l{n}", f"l{n}@example.edu", f"Learner {n}")
        scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
        with committed():
            scenario.send_passing_status(learner, DATA)


def add_definitions(start, count):
    for n in range(start, start + count):
        api.create_definition(
            {"name": f"Extra {n}", "course_key": DATA, "rule": {"type": "course_passed"}}
        )


def test_list_endpoints_query_counts_do_not_grow_with_rows(
    people, as_user, fake_platform, committed, settings
):
    settings.MICROCREDS_API_PAGE_SIZE = 100
    client = as_user(people["author"])
    urls = {
        "definitions": f"{D}/definitions/",
        "awards": f"{D}/definitions/data-analyst/awards/",
        "report": f"{D}/reports/awards/",
    }
    add_learners(fake_platform, committed, 0, 3)
    add_definitions(0, 2)
    job = api.start_dry_run(DATA, definition="data-analyst")
    urls["dry-run results"] = f"{D}/dry-run/{job.uuid}/results/"
    urls["dry-run results as CSV"] = f"{D}/dry-run/{job.uuid}/results/?format=csv"
    few = {name: queries(client, url) for name, url in urls.items()}

    add_learners(fake_platform, committed, 3, 12)
    add_definitions(2, 10)
    job = api.start_dry_run(DATA, definition="data-analyst")
    urls["dry-run results"] = f"{D}/dry-run/{job.uuid}/results/"
    urls["dry-run results as CSV"] = f"{D}/dry-run/{job.uuid}/results/?format=csv"
    many = {name: queries(client, url) for name, url in urls.items()}
    assert Award.objects.count() == 16
    assert many == few


def test_my_awards_query_count_does_not_grow_with_awards(people, as_user, fake_platform, committed):
    from openedx_microcreds.platform import get_platform

    ada = people["ada"]
    client = as_user(ada)
    one = queries(client, f"{API}/me/awards/")
    learner = get_platform().get_user(ada.pk)
    scenario.grade_visualizer(learner, exam=0.9, percent=0.9)
    with committed():
        scenario.send_passing_status(learner, scenario.VIZ_COURSE)  # and the pathway on both
    assert Award.objects.filter(user=ada).count() == 3
    assert queries(client, f"{API}/me/awards/") == one
