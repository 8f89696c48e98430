import io

import pytest
from django.core.management import call_command

from sandbox import scenario


@pytest.fixture
def learners(catalogue, fake_platform):
    """Data101 learners in ascending id order: ada and cy meet the data-analyst rule, bob
    misses the capstone, dee is enrolled without any grade."""
    ada = fake_platform.add_user("ada", "ada@example.edu", "Ada Lovelace")
    bob = fake_platform.add_user("bob", "bob@example.edu", "Bob Byte")
    cy = fake_platform.add_user("cy", "cy@example.edu", "Cy Young")
    dee = fake_platform.add_user("dee", "dee@example.edu", "Dee Dee")
    scenario.grade_analyst(ada, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.grade_analyst(bob, capstone=0.72, analysis=(0.8, 0.9), percent=0.8)
    scenario.grade_analyst(cy, capstone=0.95, analysis=(0.9, 0.9), percent=0.9)
    fake_platform.enroll(dee, scenario.DATA_COURSE)
    return {"ada": ada, "bob": bob, "cy": cy, "dee": dee}


class Result:
    def __init__(self, stdout: str, stderr: str):
        self.stdout = stdout
        self.stderr = stderr


@pytest.fixture
def run():
    """Run a management command; returns its stdout and stderr."""

    def run(*args, **options):
        out, err = io.StringIO(), io.StringIO()
        call_command(*args, stdout=out, stderr=err, **options)
        return Result(out.getvalue(), err.getvalue())

    return run
