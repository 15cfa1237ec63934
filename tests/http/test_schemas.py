"""``/schemas/pith-number/v1.json``: the record schema, named by every record's ``schema_url``."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from _api_seed import CENTRE, SeededGraph
from starlette.testclient import TestClient

from pith_graph.config import Settings

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "pith-number-record.schema.json"


def test_records_name_our_schema_and_validate_against_it(
    seeded: SeededGraph, http: TestClient, settings: Settings
) -> None:
    record = http.get(f"/pith/{CENTRE}.json").json()
    assert record["schema_url"] == settings.public_base_url + "/schemas/pith-number/v1.json"
    response = http.get(urlsplit(record["schema_url"]).path)
    assert response.status_code == 200
    schema = response.json()
    assert schema["$id"] == record["schema_url"]
    assert {k: v for k, v in schema.items() if k != "$id"} == {
        k: v for k, v in json.loads(SCHEMA_FILE.read_text("utf-8")).items() if k != "$id"
    }
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(record, schema, cls=jsonschema.Draft202012Validator)
