"""The NCMD export: each closed case against its documented schema (``export.SCHEMA``, checked
here by a small validator of the JSON Schema keywords it uses, as ``jsonschema`` is not
installed), the mapping table in docs/cdop-ncmd-export.md against the schema, what the export
leaves out, and the downloads (members only, audited, not stored)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import export, services
from safeguarding.cdop.models import Agency, ChildDeath
from safeguarding.workspaces.models import Membership
from tests.cdop.access_cdop_reports import COMPLETE, closed_case, ready_case
from tests.cdop.conftest import NOTIFIER, VALID_NHS
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "cdop-ncmd-export.md"
TYPES = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "array": list,
    "object": dict,
    "null": type(None),
}


def problems(value: Any, schema: dict[str, Any], path: str = "$") -> Iterator[str]:
    """Where ``value`` breaks ``schema`` (the keywords ``export.SCHEMA`` uses)."""
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not list(problems(value, s, path))]
        if len(passing) != 1:
            yield f"{path}: matches {len(passing)} of oneOf"
        return
    if "const" in schema and value != schema["const"]:
        yield f"{path}: {value!r} is not {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        yield f"{path}: {value!r} not in {schema['enum']}"
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        is_bool = isinstance(value, bool)
        if not any(
            isinstance(value, TYPES[t]) and (t == "boolean" or not is_bool) for t in allowed
        ):
            yield f"{path}: {value!r} is not {allowed}"
            return
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            yield f"{path}: {value!r} does not match {schema['pattern']}"
        if schema.get("format") == "date":
            date.fromisoformat(value)
    if isinstance(value, int) and "minimum" in schema and value < schema["minimum"]:
        yield f"{path}: {value} is below {schema['minimum']}"
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                yield f"{path}: {name} is missing"
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            for name in value.keys() - properties.keys():
                yield f"{path}: {name} is not in the schema"
        for name, inner in properties.items():
            if name in value:
                yield from problems(value[name], inner, f"{path}.{name}")
    if isinstance(value, list):
        if schema.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            yield f"{path}: items repeat"
        for number, item in enumerate(value):
            yield from problems(item, schema.get("items", {}), f"{path}[{number}]")


def test_the_validator_finds_what_breaks_the_schema() -> None:
    schema = export.SCHEMA["properties"]["child"]
    good = {
        "local_reference": "CDOP-2026-001",
        "nhs_number": None,
        "date_of_birth": "2020-01-01",
        "date_of_death": "2024-01-01",
        "age_band": "1-4",
        "sex": None,
        "ethnicity": None,
        "unexpected": True,
        "resident_in_area": True,
        "died_in_area": False,
    }
    assert list(problems(good, schema)) == []
    assert list(problems({**good, "nhs_number": "123"}, schema))
    assert list(problems({**good, "age_band": "adult"}, schema))
    assert list(problems({**good, "unexpected": 1}, schema))
    assert list(problems({**good, "name": "Someone"}, schema))
    assert list(problems({k: v for k, v in good.items() if k != "sex"}, schema))


def test_a_closed_case_exports_as_its_schema_says() -> None:
    case = closed_case(nhs_number=VALID_NHS, ethnicity="Invented ethnicity")
    record = export.ncmd_record(case)

    assert list(problems(record, export.SCHEMA)) == []
    assert record["schema_version"] == export.SCHEMA_VERSION
    assert record["child"]["nhs_number"] == VALID_NHS
    assert record["child"]["local_reference"] == case.reference
    assert record["analysis"]["category"] == "9"
    assert record["analysis"]["modifiable_factors"] is True
    assert [d["domain"] for d in record["analysis"]["domains"]] == [
        "child",
        "parenting",
        "environment",
        "services",
    ]
    assert record["reporting_forms"] == [{"kind": "reporting", "requested": 3, "returned": 2}]
    stages = [s["stage"] for s in record["stages"]]
    assert stages == ["notified", "review_meeting", "ready", "reviewed", "closed"]
    assert record["joint_agency_response"] is None
    assert record["referred_to_safeguarding_partners"] is False


def test_a_joint_agency_response_and_no_nhs_number_export_too() -> None:
    case = ready_case()
    services.jar_record(
        case=ChildDeath.objects.get(pk=case.pk),
        started_on=case.date_of_death + timedelta(days=1),
        agencies=[Agency.POLICE, Agency.HEALTH],
        notes="Invented notes",
        actor=case.opened_by,
    )
    services.analysis_save(
        case=case,
        data=COMPLETE,
        actor=case.opened_by,
        complete=True,
    )
    services.case_close(case=case, actor=case.opened_by)
    record = export.ncmd_record(ChildDeath.objects.get(pk=case.pk))

    assert list(problems(record, export.SCHEMA)) == []
    assert record["child"]["nhs_number"] is None
    assert record["joint_agency_response"]["agencies"] == ["health", "police"]
    assert "Invented notes" not in json.dumps(record)


def test_the_export_leaves_out_what_ncmd_does_not_need_from_here() -> None:
    case = closed_case(home_address="1 Invented Street, Norwich", gp_practice="Invented Surgery")
    text = export.ncmd_json(export.ncmd_record(case)).decode()

    for left_out in (
        "Invented Child",  # the child's name
        "Invented Street",
        "Invented Surgery",
        "Invented circumstances",
        NOTIFIER.name,
        NOTIFIER.email,
        "Invented Professional",
        "professional@example.org",
        "Invented agency",
    ):
        assert left_out not in text


def test_an_open_case_is_not_exported() -> None:
    with pytest.raises(export.NotExportable):
        export.ncmd_record(ready_case())


def test_the_statistics_csv_has_coded_values_and_no_identifier_but_the_reference() -> None:
    case = closed_case(nhs_number=VALID_NHS)
    record = export.ncmd_record(case)
    rows = list(csv.reader(io.StringIO(export.statistics_csv([record]))))

    assert rows[0] == list(export.STATISTICS_COLUMNS)
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["local_reference"] == case.reference
    assert line["category"] == "9"
    assert line["modifiable_factors"] == "yes"
    assert line["child_contribution"] == "2"
    assert line["forms_requested"] == "3"
    assert line["forms_returned"] == "2"
    assert line["days_to_jar"] == ""
    assert int(line["days_to_closed"]) == (timezone.localdate() - case.date_of_death).days
    text = "".join(rows[1])
    assert VALID_NHS not in text
    assert case.date_of_birth.isoformat() not in text


# --- The documented mapping table ---------------------------------------------------------


def leaf_fields(schema: dict[str, Any], prefix: str = "") -> Iterator[str]:
    if "oneOf" in schema:
        yield prefix  # documented itself: an object, or null
        for option in schema["oneOf"]:
            yield from leaf_fields(option, prefix)
        return
    if schema.get("type") == "object":
        for name, inner in schema["properties"].items():
            yield from leaf_fields(inner, f"{prefix}.{name}" if prefix else name)
        return
    if schema.get("type") == "array" and schema["items"].get("type") == "object":
        yield from leaf_fields(schema["items"], f"{prefix}[]")
        return
    if schema.get("type") not in ("null", "object"):
        yield prefix


def documented_fields() -> dict[str, str]:
    """Field -> its "Allowed values" cell, from the mapping table."""
    found = {}
    for line in DOC.read_text().splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|", line)
        if match:
            found[match.group(1)] = match.group(4)
    return found


def test_every_field_of_the_schema_is_in_the_mapping_table_and_no_other() -> None:
    documented = documented_fields()

    assert set(documented) == set(leaf_fields(export.SCHEMA))


def test_the_mapping_table_lists_each_fields_allowed_codes() -> None:
    documented = documented_fields()

    def enums(schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, list[str]]]:
        for option in schema.get("oneOf", []):
            yield from enums(option, prefix)
        if "enum" in schema:
            yield prefix, schema["enum"]
        for name, inner in schema.get("properties", {}).items():
            yield from enums(inner, f"{prefix}.{name}" if prefix else name)
        if "items" in schema:
            items = schema["items"]
            yield from enums(items, f"{prefix}[]" if items.get("type") == "object" else prefix)

    for field, values in enums(export.SCHEMA):
        if field.endswith("category_label"):
            continue  # the labels of the category codes, listed once
        for value in values:
            assert f"`{value}`" in documented[field], (field, value)


def test_the_docs_name_the_schema_version() -> None:
    assert f"`schema_version` {export.SCHEMA_VERSION}" in DOC.read_text()


# --- The downloads --------------------------------------------------------------------------


def test_a_member_downloads_the_export_audited_and_not_stored(client: Client) -> None:
    member = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    case = closed_case(members=((member, "member"),))
    sign_in(client, member)

    response = client.get(reverse("cdop:staff_ncmd_json", args=[case.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    record = json.loads(response.content)
    assert list(problems(record, export.SCHEMA)) == []
    entry = AuditEntry.objects.filter(action="cdop.export.made").get()
    assert entry.details == {"format": "json", "schema_version": export.SCHEMA_VERSION}
    assert entry.target_id == str(case.pk)

    response = client.get(reverse("cdop:staff_ncmd_csv", args=[case.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.content.decode().startswith('"schema_version"')
    assert AuditEntry.objects.filter(action="cdop.export.made").count() == 2


def test_the_export_page_says_what_it_holds_and_links_the_downloads(client: Client) -> None:
    lead = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    case = closed_case(lead)
    sign_in(client, lead)

    response = client.get(reverse("cdop:staff_ncmd", args=[case.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("cdop:staff_ncmd_json", args=[case.pk]) in page
    assert "Not recorded yet" in page
    assert "Invented Child" not in page
    assert not AuditEntry.objects.filter(action="cdop.export.made").exists()


def test_outsiders_and_reviewers_cannot_download_it(client: Client) -> None:
    reviewer = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    administrator = UserFactory(roles=[str(Role.PARTNERSHIP_ADMINISTRATOR)])
    case = closed_case(members=((reviewer, "reviewer"),))
    url = reverse("cdop:staff_ncmd_json", args=[case.pk])

    sign_in(client, administrator)
    assert client.get(url).status_code == 404
    sign_in(client, reviewer)
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="cdop.export.made").exists()


def test_an_open_case_has_no_export_to_download(client: Client) -> None:
    case = ready_case()
    sign_in(client, case.opened_by)

    assert client.get(reverse("cdop:staff_ncmd_json", args=[case.pk])).status_code == 404


def test_a_former_member_cannot_download_it(client: Client) -> None:
    member = UserFactory()
    case = closed_case(members=((member, "member"),))
    Membership.objects.filter(user=member).update(
        revoked_at=timezone.now(), revoked_by=case.opened_by, revocation_reason="Invented: left"
    )
    sign_in(client, member)

    assert client.get(reverse("cdop:staff_ncmd_json", args=[case.pk])).status_code == 404
