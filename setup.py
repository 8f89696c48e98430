"""Packaging for openedx-microcreds."""

from pathlib import Path

from setuptools import find_packages, setup

README = Path(__file__).with_name("README.md").read_text(encoding="utf-8")

setup(
    name="openedx-microcreds",
    version="0.1.0",
    description="Open edX plugin: signed Open Badges 3.0 micro-credentials, awarded automatically",
    long_description=README,
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.11",
    packages=find_packages(include=["openedx_microcreds", "openedx_microcreds.*"]),
    include_package_data=True,
    package_data={
        "openedx_microcreds.credentials.contexts": ["*.json", "*.jsonld"],
        "openedx_microcreds": ["templates/openedx_microcreds/*", "static/openedx_microcreds/*"],
    },
    install_requires=[
        # Signing core: no Django needed.
        "cryptography>=41",
        "PyLD>=2.0.4",
        # Plugin: lower bounds only, so the platform's own pins win. Each is the first release
        # with what the plugin uses: openedx-events 9.10 brings COURSE_PASSING_STATUS_UPDATED,
        # CCX_COURSE_PASSING_STATUS_UPDATED and BADGE_AWARDED/REVOKED (9.9.2 has none of them);
        # edx-ccx-keys 1.2.1 parses the ccx-v1/ccx-block-v1 keys of CCX learners' grades.
        "Django>=4.2",
        "openedx-events>=9.10",
        "edx-django-utils>=5.0",
        "edx-opaque-keys>=2.5",
        "edx-ccx-keys>=1.2.1",
        "celery>=5.2",
        "djangorestframework>=3.14",
        # REST API v1's OpenAPI document (the platform moved to drf-spectacular; older releases
        # get it from here).
        "drf-spectacular>=0.27",
        # Criteria narratives on the public pages: CommonMark in linear time. Older releases
        # are not linear (tests/views/test_markdown.py counts the work): 3.0 takes seconds on
        # a few thousand link reference definitions, and before 4.3 every entity copies the
        # rest of the text. edx-platform does not pin it. The renderer sets validateLink and a
        # core rule, an API a new major release may change.
        "markdown-it-py>=4.3,<5",
        # Learner pages: badge artwork for baked images (the LMS ships Pillow; 10.1 is the first
        # with a scalable built-in font), and QR codes of wallet offers (pure Python).
        "Pillow>=10.1",
        "segno>=1.5",
        # Backpacks (Open Badges 3.0 hosts): the HTTP client. The LMS ships requests; its
        # urllib3 may be 1.26 or 2.x (ob3/http.py works with both).
        "requests>=2.28",
    ],
    extras_require={
        "eventbus": ["edx-event-bus-redis>=0.3"],
    },
    entry_points={
        "console_scripts": [
            "microcreds=openedx_microcreds.credentials.cli:main",
        ],
        "lms.djangoapp": [
            "openedx_microcreds=openedx_microcreds.apps:MicrocredsConfig",
        ],
        "cms.djangoapp": [
            "openedx_microcreds=openedx_microcreds.apps:MicrocredsConfig",
        ],
        # The course home's "Tools" list (openedx/features/course_experience/course_tools.py).
        "openedx.course_tool": [
            "openedx_microcreds=openedx_microcreds.course_tool:CredentialsCourseTool",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 4.2",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
    ],
)
