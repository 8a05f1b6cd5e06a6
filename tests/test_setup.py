"""What a fresh clone gives a new user: the ./strategy-pdf command and the editor set-up."""

import fnmatch
import json
import subprocess

from strategy_pdf import __version__

from .conftest import ROOT


def test_the_command_runs_from_the_project_folder_as_the_readme_writes_it():
    result = subprocess.run(["./strategy-pdf", "--version"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith(__version__) and result.stderr == ""


def test_vscode_maps_every_source_to_its_schema_and_recommends_the_yaml_extension():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    recommended = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))["recommendations"]
    assert "redhat.vscode-yaml" in recommended
    schemas = {}
    for schema, patterns in settings["yaml.schemas"].items():
        assert (ROOT / schema).is_file(), schema
        for path in sorted((ROOT / "source").glob("*.yaml")):
            name = path.relative_to(ROOT).as_posix()
            included = [p for p in patterns if not p.startswith("!") and fnmatch.fnmatch(name, p)]
            excluded = [p for p in patterns if p.startswith("!") and fnmatch.fnmatch(name, p[1:])]
            if included and not excluded:
                schemas.setdefault(name, []).append(schema)
    # Each source has exactly the schema its own first line names.
    for path in sorted((ROOT / "source").glob("*.yaml")):
        name = path.relative_to(ROOT).as_posix()
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert schemas[name] == ["./schema/" + first.rsplit("/", 1)[1]], name
    assert settings["files.insertFinalNewline"] is True
    assert settings["[yaml]"]["editor.insertSpaces"] is True
