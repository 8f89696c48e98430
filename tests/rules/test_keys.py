"""The loose shape checks for keys, slugs and URLs, and which course a block lives in."""

import pytest

from openedx_microcreds.rules.keys import (
    course_of_usage_key,
    is_course_key,
    is_slug,
    is_usage_key,
    resolve_block_course,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("course-v1:edX+DemoX+Demo_Course", True),
        ("course-v1:edX+Demo.X+2025_T1~a", True),
        ("ccx-v1:edX+DemoX+Demo_Course+ccx@12", True),
        ("ccx-v1:edX+DemoX+Demo_Course", False),
        ("course-v1:edX+DemoX+Demo_Course+ccx@12", False),
        ("course-v1:edX+DemoX", False),
        ("edX/DemoX/Demo_Course", False),
        ("course-v1:edX+Demo X+Run", False),
        ("block-v1:edX+DemoX+Demo+type@sequential+block@a", False),
    ],
)
def test_is_course_key(value, expected):
    assert is_course_key(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("block-v1:edX+DemoX+Demo+type@sequential+block@capstone", True),
        ("block-v1:edX+DemoX+Demo+branch@draft-branch+version@abc1+type@problem+block@p1", True),
        ("ccx-block-v1:edX+DemoX+Demo+ccx@3+type@problem+block@p1", True),
        ("ccx-block-v1:edX+DemoX+Demo+type@problem+block@p1", False),
        ("block-v1:edX+DemoX+Demo+ccx@3+type@problem+block@p1", False),
        ("i4x://edX/DemoX/problem/p1", True),
        ("i4x://edX/DemoX/problem", False),
        ("i4x://edX/DemoX/problem/p1@draft", True),
        ("i4x://edX/DemoX/problem/p%C3%A91", True),
        # Would end up in evidence URLs: opaque-keys refuses these characters too.
        ("i4x://edX/DemoX/problem/<script>", False),
        ('i4x://edX/DemoX/problem/a"b', False),
        ("i4x://edX/DemoX/problem/100%", False),
        ("i4x://edX/Demo{X}/problem/p1", False),
        ("block-v1:edX+DemoX+Demo", False),
        ("block-v1:edX+DemoX+Demo+type@sequential", False),
        ("course-v1:edX+DemoX+Demo", False),
    ],
)
def test_is_usage_key(value, expected):
    assert is_usage_key(value) is expected


def test_is_slug():
    assert is_slug("data-analysis_2")
    assert not is_slug("-data")
    assert not is_slug("Data")
    assert not is_slug("")


def test_course_of_usage_key():
    assert (
        course_of_usage_key("block-v1:edX+DemoX+Demo+type@sequential+block@a")
        == "course-v1:edX+DemoX+Demo"
    )
    assert (
        course_of_usage_key("ccx-block-v1:edX+DemoX+Demo+ccx@3+type@problem+block@p")
        == "ccx-v1:edX+DemoX+Demo+ccx@3"
    )
    assert course_of_usage_key("i4x://edX/DemoX/problem/p1") is None


class TestResolveBlockCourse:
    BLOCK = "block-v1:edX+DemoX+Demo+type@sequential+block@a"

    def test_explicit_course_wins(self):
        ccx = "ccx-v1:edX+DemoX+Demo+ccx@1"
        assert resolve_block_course(ccx, self.BLOCK, "course-v1:edX+DemoX+Demo") == ccx

    def test_the_usage_key_names_its_course(self):
        assert (
            resolve_block_course(None, self.BLOCK, "course-v1:X+Y+Z") == "course-v1:edX+DemoX+Demo"
        )
        assert resolve_block_course(None, self.BLOCK, None) == "course-v1:edX+DemoX+Demo"

    def test_a_ccx_definition_keeps_its_own_course_for_master_blocks(self):
        ccx = "ccx-v1:edX+DemoX+Demo+ccx@1"
        assert resolve_block_course(None, self.BLOCK, ccx) == ccx

    def test_i4x_keys_fall_back_to_the_default(self):
        assert resolve_block_course(None, "i4x://edX/DemoX/problem/p", "course-v1:X+Y+Z") == (
            "course-v1:X+Y+Z"
        )
        assert resolve_block_course(None, "i4x://edX/DemoX/problem/p", None) is None
