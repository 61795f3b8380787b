"""check's JUnit and SARIF output validate against the published schemas and load in CI tools.

The schemas come from the npm registry at CI install time (`.ci/run` puts them in
the folder named by AOMI18N_SCHEMAS); these tests skip with the reason when absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

SCHEMAS = Path(os.environ.get("AOMI18N_SCHEMAS", Path(__file__).resolve().parents[1] / ".ci" / "schemas"))


def _schema(name: str) -> Path:
    path = SCHEMAS / name
    if not path.is_file() or path.stat().st_size == 0:
        pytest.skip(f"{path} not found (fetched by .ci/run from the npm registry)")
    return path


def test_sarif_validates_against_the_sarif_2_1_0_schema(run, project):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(_schema("sarif-2.1.0.json").read_text(encoding="utf-8"))
    out = json.loads(run(["check", str(project), "--format", "sarif"]).stdout)
    jsonschema.validate(out, schema, cls=jsonschema.Draft4Validator)
    # and the validator does reject a broken log, so the pass above means something
    out["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(out, schema, cls=jsonschema.Draft4Validator)


@pytest.mark.parametrize("xsd", ["jenkins-junit.xsd", "ant-junit.xsd"])
def test_junit_validates_against_the_junit_schemas(run, project, xsd, tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(_schema(xsd)))
    schema.validate(run(["check", str(project), "--format", "junit"]).stdout)


def test_junit_loads_in_junitparser_with_one_failure_per_finding(run, project, tmp_path):
    junitparser = pytest.importorskip("junitparser")
    path = tmp_path / "report.xml"
    path.write_text(run(["check", str(project), "--format", "junit"]).stdout, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    failures = [r for suite in xml for case in suite for r in case.result if isinstance(r, junitparser.Failure)]
    data = json.loads(run(["check", str(project), "--format", "json"]).stdout)
    assert len(failures) == len(data["findings"]) == 7
    assert {f.type for f in failures} == {f["kind"] for f in data["findings"]}
