"""microcreds_rules export / import: rules as code."""

import copy
import io
import json
import subprocess
import sys

import pytest
from django.core.management.base import CommandError

from openedx_microcreds.models import CredentialDefinition, Issuer
from sandbox import scenario

pytestmark = pytest.mark.django_db

EXPORTED_KEYS = {
    "slug",
    "issuer",
    "course_key",
    "name",
    "description",
    "criteria_narrative",
    "image_url",
    "achievement_type",
    "validity_days",
    "alignments",
    "rule",
    "state",
    "revoke_on_certificate_revoked",
}


def _export(run, tmp_path, *args):
    path = tmp_path / "definitions.json"
    out = run("microcreds_rules", "export", str(path), *args).stdout
    return path, json.loads(path.read_text()), out


def _write(tmp_path, document, name="import.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    return str(path)


def _snapshot():
    return {
        d.slug: (d.version, d.modified, d.rule, d.name, d.state)
        for d in CredentialDefinition.objects.all()
    }


# --- export ----------------------------------------------------------------------------------


def test_export_writes_every_definition(run, catalogue, tmp_path):
    _path, document, out = _export(run, tmp_path)
    assert "Exported 3 definition(s)" in out
    assert document["format"] == "openedx-microcreds-definitions" and document["version"] == 1
    by_slug = {d["slug"]: d for d in document["definitions"]}
    assert list(by_slug) == ["data-analyst", "data-pathway", "data-visualizer"]  # sorted
    analyst = by_slug["data-analyst"]
    assert set(analyst) == EXPORTED_KEYS
    assert analyst["rule"] == scenario.ANALYST_RULE
    assert analyst["issuer"] == "Example University"
    assert analyst["course_key"] == scenario.DATA_COURSE
    assert analyst["validity_days"] == 730 and analyst["state"] == "active"
    assert by_slug["data-pathway"]["course_key"] is None
    assert analyst["revoke_on_certificate_revoked"] is False


def test_export_one_course(run, catalogue, tmp_path):
    _path, document, _out = _export(run, tmp_path, "--course", scenario.VIZ_COURSE)
    assert [d["slug"] for d in document["definitions"]] == ["data-visualizer"]


def test_export_to_stdout(run, catalogue):
    document = json.loads(run("microcreds_rules", "export", "-").stdout)
    assert len(document["definitions"]) == 3


def test_export_errors(run, catalogue, tmp_path):
    with pytest.raises(CommandError, match="'nonsense' is not a course key"):
        run("microcreds_rules", "export", str(tmp_path / "x.json"), "--course", "nonsense")
    with pytest.raises(CommandError, match="no credential definitions for course"):
        run("microcreds_rules", "export", str(tmp_path / "x.json"), "--course", "course-v1:A+B+C")
    with pytest.raises(CommandError, match="does not exist"):
        run("microcreds_rules", "export", str(tmp_path / "missing" / "x.json"))


# --- import ----------------------------------------------------------------------------------


def test_round_trip_changes_nothing(run, catalogue, tmp_path):
    path, _document, _out = _export(run, tmp_path)
    before = _snapshot()
    out = run("microcreds_rules", "import", str(path)).stdout
    assert "0 created, 0 updated, 3 unchanged" in out
    assert _snapshot() == before


def test_import_creates_and_updates_by_slug(run, catalogue, tmp_path):
    _path, document, _out = _export(run, tmp_path)
    definitions = {d["slug"]: d for d in document["definitions"]}
    definitions["data-analyst"]["rule"]["of"][1]["min"] = 0.85
    definitions["data-visualizer"]["name"] = "Data Visualiser"
    definitions["data-visualizer"]["revoke_on_certificate_revoked"] = True
    new = copy.deepcopy(definitions["data-visualizer"])
    new.update(slug="viz-exam", name="Viz exam", state="draft")
    document["definitions"].append(new)
    out = run("microcreds_rules", "import", _write(tmp_path, document)).stdout

    assert "1 created, 2 updated, 1 unchanged" in out
    assert "created: viz-exam" in out and "updated: data-analyst, data-visualizer" in out
    analyst = CredentialDefinition.objects.get(slug="data-analyst")
    assert analyst.rule["of"][1]["min"] == 0.85 and analyst.version == 2
    visualizer = CredentialDefinition.objects.get(slug="data-visualizer")
    assert visualizer.name == "Data Visualiser" and visualizer.revoke_on_certificate_revoked
    created = CredentialDefinition.objects.get(slug="viz-exam")
    assert created.issuer == catalogue and created.state == "draft"
    assert created.course_key == scenario.VIZ_COURSE

    # Importing the same file again changes nothing.
    again = run("microcreds_rules", "import", _write(tmp_path, document)).stdout
    assert "0 created, 0 updated, 4 unchanged" in again


def test_fields_left_out_keep_their_value(run, catalogue, tmp_path):
    document = [{"slug": "data-analyst", "description": "New text."}]
    out = run("microcreds_rules", "import", _write(tmp_path, document)).stdout
    assert "0 created, 1 updated, 0 unchanged" in out
    analyst = CredentialDefinition.objects.get(slug="data-analyst")
    assert analyst.description == "New text." and analyst.rule == scenario.ANALYST_RULE


def test_dry_run_writes_nothing(run, catalogue, tmp_path):
    _path, document, _out = _export(run, tmp_path)
    document["definitions"][0]["name"] = "Renamed"
    document["definitions"].append({**document["definitions"][2], "slug": "brand-new"})
    before = _snapshot()
    out = run("microcreds_rules", "import", _write(tmp_path, document), "--dry-run").stdout
    assert "1 would be created, 1 would be updated, 2 unchanged (dry run" in out
    assert _snapshot() == before


def test_invalid_rules_refuse_the_whole_import(run, catalogue, tmp_path):
    _path, document, _out = _export(run, tmp_path)
    definitions = {d["slug"]: d for d in document["definitions"]}
    definitions["data-visualizer"]["name"] = "A valid change"
    definitions["data-analyst"]["rule"]["of"][1]["min"] = 3
    definitions["data-analyst"]["rule"]["of"].append({"type": "no_such_clause"})
    document["definitions"].append(
        {**definitions["data-visualizer"], "slug": "another", "rule": {"type": "all"}}
    )
    before = _snapshot()
    with pytest.raises(CommandError) as raised:
        run("microcreds_rules", "import", _write(tmp_path, document))
    message = str(raised.value)
    assert "nothing imported" in message
    lines = message.splitlines()[1:]
    assert len(lines) >= 3
    assert all(line.split(": ")[0] in {"data-analyst", "another"} for line in lines)
    assert any(line.startswith("data-analyst: rule: $.of[1].min: ") for line in lines)
    assert any(line.startswith("data-analyst: rule: $.of[3].type: ") for line in lines)
    assert any(line.startswith("another: rule: $.of: ") for line in lines)
    assert _snapshot() == before
    assert not CredentialDefinition.objects.filter(slug="another").exists()


def test_pathways_must_name_their_courses(run, catalogue, tmp_path):
    document = [
        {
            "slug": "data-pathway",
            "rule": {"type": "all", "of": [{"type": "course_passed"}]},
        }
    ]
    with pytest.raises(CommandError, match=r"data-pathway: rule: \$\.of\[0\]"):
        run("microcreds_rules", "import", _write(tmp_path, document))


def test_field_problems_are_reported_per_definition(run, catalogue, tmp_path):
    document = {
        "definitions": [
            {"slug": "data-analyst", "course_key": "not a key", "colour": "red"},
            {"slug": "data-visualizer", "issuer": "Nobody", "achievement_type": "Trophy"},
            {"slug": "data-visualizer"},
            {"slug": "fresh", "name": "Fresh"},
            {"slug": "data-pathway", "alignments": [{"targetName": "x"}], "validity_days": -1},
            {"name": "no slug"},
            "not an object",
        ]
    }
    with pytest.raises(CommandError) as raised:
        run("microcreds_rules", "import", _write(tmp_path, document))
    message = str(raised.value)
    for expected in (
        "data-analyst: colour: unknown field",
        "data-visualizer: issuer: no issuer named 'Nobody'",
        "data-visualizer: slug: appears more than once",
        "fresh: issuer: is required for a new definition",
        "fresh: course_key: is required for a new definition",
        "fresh: rule: is required for a new definition",
        "data-pathway: alignments: $[0].targetUrl: is required in an alignment",
        "definitions[5]: slug: is required",
        "definitions[6]: $: must be an object",
    ):
        assert expected in message, expected
    assert not CredentialDefinition.objects.filter(slug="fresh").exists()

    bad_values = [
        {
            "slug": "data-analyst",
            "course_key": "not a key",
            "validity_days": -1,
            "revoke_on_certificate_revoked": "maybe",
        }
    ]
    with pytest.raises(CommandError) as raised:
        run("microcreds_rules", "import", _write(tmp_path, bad_values))
    assert "data-analyst: course_key: not a key is not a course key." in str(raised.value)
    assert "data-analyst: validity_days: " in str(raised.value)
    assert "data-analyst: revoke_on_certificate_revoked: " in str(raised.value)


def test_a_draft_may_have_an_empty_rule_but_not_an_active_definition(run, catalogue, tmp_path):
    draft = {
        "slug": "later",
        "issuer": "Example University",
        "name": "Later",
        "course_key": scenario.DATA_COURSE,
        "state": "draft",
        "rule": {},
    }
    assert "1 created" in run("microcreds_rules", "import", _write(tmp_path, [draft])).stdout
    with pytest.raises(CommandError, match=r"later: rule: \$\.type: is required"):
        run("microcreds_rules", "import", _write(tmp_path, [{**draft, "state": "active"}]))


def test_requiring_an_unknown_credential_is_a_warning(run, catalogue, tmp_path):
    document = [
        {
            "slug": "data-pathway",
            "rule": {"type": "holds_credential", "credential": "not-yet-defined"},
        }
    ]
    result = run("microcreds_rules", "import", _write(tmp_path, document))
    assert "requires credential 'not-yet-defined', which does not exist" in result.stderr
    assert "1 updated" in result.stdout


def test_ambiguous_issuer_names_are_refused(run, catalogue, tmp_path):
    Issuer.objects.create(name="Example University", url="https://other.example.edu")
    document = [{"slug": "data-analyst", "issuer": "Example University"}]
    with pytest.raises(CommandError, match="several issuers are named"):
        run("microcreds_rules", "import", _write(tmp_path, document))


def test_invalid_json_names_line_and_column(run, catalogue, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "definitions": [\n    {"slug": "x",}\n  ]\n}\n')
    with pytest.raises(CommandError, match=r"broken\.json: invalid JSON at line 3, column 18"):
        run("microcreds_rules", "import", str(path))


def test_import_file_errors(run, catalogue, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("microcreds_rules", "import", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="expected"):
        run("microcreds_rules", "import", _write(tmp_path, {"rules": []}))
    with pytest.raises(CommandError, match="version: 2 is not supported"):
        run("microcreds_rules", "import", _write(tmp_path, {"version": 2, "definitions": []}))


def test_import_from_stdin(run, catalogue, monkeypatch):
    document = [{"slug": "data-analyst", "name": "From stdin"}]
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(document)))
    assert "1 updated" in run("microcreds_rules", "import", "-").stdout
    assert CredentialDefinition.objects.get(slug="data-analyst").name == "From stdin"


# --- hostile files ---------------------------------------------------------------------------


def _deep_rule_text(levels: int) -> str:
    return '{"type": "all", "of": [' * levels + '{"type": "course_passed"}' + "]}" * levels


def test_a_rule_nested_too_deeply_is_refused_with_its_path(run, catalogue, tmp_path):
    text = '[{"slug": "data-analyst", "rule": ' + _deep_rule_text(40) + "}]"
    path = tmp_path / "deep.json"
    path.write_text(text)
    before = _snapshot()
    with pytest.raises(CommandError) as raised:
        run("microcreds_rules", "import", str(path))
    assert str(raised.value).splitlines()[1:] == [
        "data-analyst: rule: $"
        + ".of[0]" * 16
        + ": is nested too deeply: JSON here may nest at most 32 levels"
    ]
    assert _snapshot() == before


def test_a_file_nested_thousands_deep_is_refused_before_parsing(run, catalogue, tmp_path):
    """Python's JSON parser raised RecursionError on these (a traceback, nothing said)."""
    path = tmp_path / "bomb.json"
    path.write_text('[{"slug": "data-analyst", "rule": ' + _deep_rule_text(5_000) + "}]")
    with pytest.raises(CommandError) as raised:
        run("microcreds_rules", "import", str(path))
    assert str(raised.value) == (
        f"{path}: $[0].rule" + ".of[0]" * 99 + ": is nested too deeply: JSON here may nest at "
        "most 200 levels"
    )
    path.write_text("[" * 1_000_000)
    with pytest.raises(CommandError, match=r"bomb\.json: \$(\[0\])+: is nested too deeply"):
        run("microcreds_rules", "import", str(path))


def test_a_file_too_large_is_refused_before_parsing(tmp_path):
    from openedx_microcreds.management.utils import read_json_file

    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"slug": "x", "description": "y" * 1000}]))
    with pytest.raises(CommandError, match=r"big\.json: \$: is too large: at most 500 characters"):
        read_json_file(str(path), max_size=500)


def test_urls_in_imported_definitions_are_checked(run, catalogue, tmp_path):
    document = [
        {
            "slug": "data-analyst",
            "image_url": 'https://img.example/"badge".png',
            "alignments": [{"targetName": "Evil", "targetUrl": "javascript:alert(1)"}],
        }
    ]
    before = _snapshot()
    with pytest.raises(CommandError) as raised:
        run("microcreds_rules", "import", _write(tmp_path, document))
    lines = str(raised.value).splitlines()[1:]
    expected = 'alignments: $[0].targetUrl: must be an http(s) URL, got "javascript:alert(1)"'
    assert f"data-analyst: {expected}" in lines
    assert any(
        line.startswith("data-analyst: image_url: must be an http(s) URL without") for line in lines
    )
    assert _snapshot() == before


def test_the_command_exits_1_with_one_line_and_no_traceback(tmp_path):
    """Through manage.py, as an operator runs it: exit status 1 and the message, not a crash."""
    from tests.plugin.helpers import MANAGE, REPO, manage, sandbox_env

    env = sandbox_env(tmp_path / "db.sqlite3")
    manage("lms", "migrate", "--no-input", env=env)
    path = tmp_path / "bomb.json"
    path.write_text('[{"slug": "x", "rule": ' + _deep_rule_text(50_000) + "}]")
    result = subprocess.run(
        [sys.executable, str(MANAGE), "lms", "microcreds_rules", "import", str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"CommandError: {path}: $[0].rule.of[0]")
    assert "is nested too deeply" in result.stderr
