"""What lands in the openedx image and in the LMS and CMS settings."""

from __future__ import annotations

import ast
import base64
import re
import shlex

SETTINGS_FILES = [
    ("lms", "production.py"),
    ("lms", "development.py"),
    ("cms", "production.py"),
    ("cms", "development.py"),
]


def microcreds_assignments(source: str) -> dict[str, object]:
    """The MICROCREDS_* values a settings module ends with: literals as values, a plain name
    (``LMS_ROOT_URL``) as ``("name", ...)``. The module must compile."""
    values: dict[str, object] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.startswith("MICROCREDS_"):
                if isinstance(node.value, ast.Name):
                    values[target.id] = ("name", node.value.id)
                else:
                    values[target.id] = ast.literal_eval(node.value)
    return values


def test_the_secret_key_is_a_fernet_key_made_once_and_kept(make_root):
    root = make_root()
    key = root.config()["MICROCREDS_SECRET_KEY"]
    assert len(key) == 44 and len(base64.urlsafe_b64decode(key)) == 32
    root.save()
    root.save("LMS_HOST=lms.example.org")
    assert root.config()["MICROCREDS_SECRET_KEY"] == key
    # Another site gets its own.
    assert make_root().config()["MICROCREDS_SECRET_KEY"] != key


def test_lms_and_cms_settings_compile_and_set_the_plugin(make_root):
    root = make_root("ENABLE_HTTPS=true", "LMS_HOST=lms.example.org")
    key = root.config()["MICROCREDS_SECRET_KEY"]
    for service, name in SETTINGS_FILES:
        source = root.env("apps", "openedx", "settings", service, name)
        compile(source, name, "exec")
        values = microcreds_assignments(source)
        assert values["MICROCREDS_SECRET_KEYS"] == [key], (service, name)
        assert values["MICROCREDS_ENABLED"] is True
        if name == "production.py":
            assert values["MICROCREDS_ISSUER_BASE_URL"] == "https://lms.example.org"
        else:
            # `tutor dev` serves the LMS on :8000; credential URLs follow LMS_ROOT_URL there.
            assert values["MICROCREDS_ISSUER_BASE_URL"] == ("name", "LMS_ROOT_URL")


def test_settings_follow_the_configuration(make_root):
    root = make_root(
        'MICROCREDS_OLD_SECRET_KEYS=["an old passphrase of at least 32 characters!"]',
        "MICROCREDS_ISSUER_BASE_URL=https://badges.example.org",
        "MICROCREDS_ENABLED=false",
    )
    values = microcreds_assignments(root.env("apps", "openedx", "settings", "lms", "production.py"))
    assert values["MICROCREDS_SECRET_KEYS"] == [
        root.config()["MICROCREDS_SECRET_KEY"],
        "an old passphrase of at least 32 characters!",
    ]
    assert values["MICROCREDS_ISSUER_BASE_URL"] == "https://badges.example.org"
    assert values["MICROCREDS_ENABLED"] is False
    # Without HTTPS the default base URL is http.
    plain = make_root("LMS_HOST=lms.example.org")
    values = microcreds_assignments(
        plain.env("apps", "openedx", "settings", "cms", "production.py")
    )
    assert values["MICROCREDS_ISSUER_BASE_URL"] == "http://lms.example.org"


def pip_installs(dockerfile: str) -> list[list[str]]:
    """The argument lists of the Dockerfile's RUN ... pip install commands (continuations
    joined), in order."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    runs = []
    for line in joined.splitlines():
        if line.startswith("RUN ") and " install " in line and "pip" in line:
            words = shlex.split(line)
            runs.append(words[words.index("install") + 1 :])
    return runs


def test_the_openedx_image_installs_the_package_before_the_operators_extras(make_root):
    root = make_root('OPENEDX_EXTRA_PIP_REQUIREMENTS=["some-xblock==1.0"]')
    installs = pip_installs(root.env("build", "openedx", "Dockerfile"))
    ours = installs.index(["openedx-microcreds==0.1.0"])
    assert installs.index(["some-xblock==1.0"]) > ours
    # A spec with shell characters stays one argument.
    spec = "openedx-microcreds @ git+https://github.com/example/openedx-microcreds@main"
    root.save(f"MICROCREDS_PIP_SPEC={spec}")
    assert [spec] in pip_installs(root.env("build", "openedx", "Dockerfile"))
