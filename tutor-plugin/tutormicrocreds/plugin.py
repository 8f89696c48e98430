"""Tutor plugin for openedx-microcreds.

What it does, each part in its own place:

* the Python package goes into the openedx image (patch
  ``openedx-dockerfile-post-python-requirements``), so the LMS, Studio and their workers get it;
* settings: the encryption key of signing keys (a "unique" value, generated once and kept in
  config.yml) and the public base URL (patches ``openedx-common-settings`` and the
  production/development settings patches);
* init: the plugin's migrations and, once, the site's first issuer with its signing key
  (``templates/microcreds/tasks/lms/init``);
* renewal: Tutor runs no Celery beat, so a small scheduler service runs the renewal and the
  retry commands (or, by choice, a beat process) in docker-compose and Kubernetes;
* the frontend plugin goes into the authoring, learner-dashboard and learning MFEs (tutor-mfe
  patches, and the ``PLUGIN_SLOTS`` filter places its three components).
"""

from __future__ import annotations

import base64
import os
import secrets
import shlex
from glob import glob

import importlib_resources
from tutor import hooks
from tutor.__about__ import __version__ as tutor_version
from tutormfe.hooks import PLUGIN_SLOTS

from .__about__ import __version__

HERE = importlib_resources.files("tutormicrocreds")

#: How renewal is scheduled (MICROCREDS_SCHEDULER).
SCHEDULERS = ("cron", "beat", "none")

config: dict[str, dict] = {
    "defaults": {
        "VERSION": __version__,
        # Anything pip (uv pip) accepts: a pinned release, a git URL, a wheel URL.
        "PIP_SPEC": "openedx-microcreds=={{ MICROCREDS_VERSION }}",
        # The npm package's name is what env.config.jsx imports; the spec is what npm installs
        # (a version, a tarball URL, a registry alias).
        "NPM_PACKAGE": "@openedx-microcreds/frontend-plugin-microcreds",
        "NPM_SPEC": "{{ MICROCREDS_NPM_PACKAGE }}@{{ MICROCREDS_VERSION }}",
        # False: leave the MFEs alone (the plugin's Django pages still serve learners).
        "MFE_PLUGINS": True,
        # Public base of credential, status-list and DID URLs. Credentials already issued carry
        # it: choose it before the first award and keep it.
        "ISSUER_BASE_URL": "{{ 'https' if ENABLE_HTTPS else 'http' }}://{{ LMS_HOST }}",
        # Former encryption keys, still accepted for decryption after a rotation.
        "OLD_SECRET_KEYS": [],
        "ENABLED": True,
        # Init creates the site's first issuer and its signing key, once.
        "CREATE_ISSUER": True,
        "ISSUER_NAME": "{{ PLATFORM_NAME }}",
        "ISSUER_URL": "{{ MICROCREDS_ISSUER_BASE_URL }}",
        "ISSUER_EMAIL": "{{ CONTACT_EMAIL }}",
        # With HTTPS the issuer gets this site's did:web, so its key can be rotated later
        # (did:web needs https; without HTTPS it signs as its key's did:key).
        "ISSUER_DID_WEB": True,
        # "cron": a scheduler service runs microcreds_renew and microcreds_evaluate
        # --retry-failed; "beat": a Celery beat service runs CELERYBEAT_SCHEDULE; "none".
        "SCHEDULER": "cron",
        "RENEW_INTERVAL_SECONDS": 6 * 3600,
        "RETRY_INTERVAL_SECONDS": 10 * 60,
    },
    "unique": {
        # The first entry of MICROCREDS_SECRET_KEYS: it encrypts the issuers' signing keys in
        # the database. Generated once and kept in config.yml; losing it makes every stored
        # signing key unreadable.
        "SECRET_KEY": "{{ microcreds_new_fernet_key() }}",
    },
}


def new_fernet_key() -> str:
    """A Fernet key (urlsafe base64 of 32 random bytes), as openedx-microcreds expects."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def tutor_major_version() -> int:
    return int(tutor_version.split(".")[0])


def slot_ids(major: int) -> dict[str, str]:
    """The slot ids of the release this Tutor deploys.

    Teak (Tutor 20) gave the slots namespaced ids and kept the old ones as aliases; Sumac
    (Tutor 19) knows only the old Studio id. The namespaced ids are used where they exist:
    Studio's Pages & Resources treats a configuration under the old alias as a sign that a
    "Content permissions" plugin is present and shows that section.
    """
    if major >= 20:
        return {
            "authoring": "org.openedx.frontend.authoring.additional_course_plugin.v1",
            "learner-dashboard": "org.openedx.frontend.learner_dashboard.widget_sidebar.v1",
            "learning": "org.openedx.frontend.learning.course_outline_tab_notifications.v1",
        }
    return {
        "authoring": "additional_course_plugin",
        "learner-dashboard": "widget_sidebar_slot",
        # The course outline slot arrived with Teak: on Sumac this entry is simply unused.
        "learning": "outline_tab_notifications_slot",
    }


#: (MFE, widget id, exported component, priority): what goes where.
WIDGETS = (
    ("authoring", "microcreds_course_app_card", "MicrocredsCourseAppCard", 50),
    # Before the dashboard's own "Looking for a challenge?" card (priority 50).
    ("learner-dashboard", "microcreds_my_credentials", "MyCredentialsWidget", 30),
    ("learning", "microcreds_course_credentials", "CourseCredentialsPanel", 50),
)


def slot_entries(major: int) -> list[tuple[str, str, str]]:
    """PLUGIN_SLOTS items: each inserts one of the package's components, which the
    ``mfe-env-config-runtime-definitions-<mfe>`` patch imported under the same name."""
    ids = slot_ids(major)
    return [
        (
            mfe,
            ids[mfe],
            f"""{{
          op: PLUGIN_OPERATIONS.Insert,
          widget: {{
            id: '{widget_id}',
            type: DIRECT_PLUGIN,
            priority: {priority},
            RenderWidget: {component},
          }},
        }}""",
        )
        for mfe, widget_id, component, priority in WIDGETS
    ]


def runtime_definitions(mfe: str) -> str:
    """The ``mfe-env-config-runtime-definitions-<mfe>`` patch: the MFE's components, imported
    from the package; with MICROCREDS_MFE_PLUGINS off, components that render nothing (the slot
    entries are registered either way: tutor-mfe's filter cannot read the configuration)."""
    names = ", ".join(component for name, _id, component, _p in WIDGETS if name == mfe)
    empty = "\n".join(
        f"      const {component} = () => null;"
        for name, _id, component, _p in WIDGETS
        if name == mfe
    )
    return (
        "{% if MICROCREDS_MFE_PLUGINS %}\n"
        f"      const {{ {names} }} = await import({{{{ MICROCREDS_NPM_PACKAGE|tojson }}}});\n"
        "{% else %}\n"
        f"{empty}\n"
        "{% endif %}"
    )


# --- configuration ---------------------------------------------------------------------------

hooks.Filters.CONFIG_DEFAULTS.add_items(
    [(f"MICROCREDS_{key}", value) for key, value in config["defaults"].items()]
)
hooks.Filters.CONFIG_UNIQUE.add_items(
    [(f"MICROCREDS_{key}", value) for key, value in config["unique"].items()]
)
hooks.Filters.ENV_TEMPLATE_VARIABLES.add_items(
    [
        ("microcreds_new_fernet_key", new_fernet_key),
    ]
)

# --- templates and patches -------------------------------------------------------------------

# Partials included by the patches (nothing of ours is rendered as a file of its own).
hooks.Filters.ENV_TEMPLATE_ROOTS.add_item(str(HERE / "templates"))
# Values that land in shell commands (init, Dockerfile) are quoted for the shell.
hooks.Filters.ENV_TEMPLATE_FILTERS.add_item(("microcreds_shell_quote", shlex.quote))

for path in glob(str(HERE / "patches" / "*")):
    with open(path, encoding="utf-8") as patch_file:
        hooks.Filters.ENV_PATCHES.add_item((os.path.basename(path), patch_file.read()))

# The three MFEs import the package only inside their own APP_ID branch, and only they install
# it, so the other MFEs build as before.
for mfe in ("authoring", "learner-dashboard", "learning"):
    hooks.Filters.ENV_PATCHES.add_items(
        [
            (
                f"mfe-dockerfile-post-npm-install-{mfe}",
                "{% if MICROCREDS_MFE_PLUGINS %}"
                "RUN --mount=type=cache,target=/root/.npm,sharing=shared "
                "npm install --no-audit --no-fund --registry=$NPM_REGISTRY "
                "{{ MICROCREDS_NPM_SPEC|microcreds_shell_quote }}"
                "{% endif %}",
            ),
            (f"mfe-env-config-runtime-definitions-{mfe}", runtime_definitions(mfe)),
        ]
    )

PLUGIN_SLOTS.add_items(slot_entries(tutor_major_version()))

# --- init ------------------------------------------------------------------------------------

with open(HERE / "templates" / "microcreds" / "tasks" / "lms" / "init", encoding="utf-8") as f:
    hooks.Filters.CLI_DO_INIT_TASKS.add_item(("lms", f.read()))

# `tutor mounts add /path/to/openedx-microcreds`: the checkout is installed (editable) in the
# openedx images instead of the released package, for development.
hooks.Filters.MOUNTED_DIRECTORIES.add_item(("openedx", "openedx-microcreds"))
