"""The export of a closed child death review for the National Child Mortality Database (NCMD):
a documented, versioned structure (``docs/cdop-ncmd-export.md``), as JSON, and a CSV of its
coded statistics.

It carries what NCMD needs to count and analyse the death and to match it with other
notifications of the same child (the NHS number, the dates of birth and death), and the
panel's analysis. It leaves out what NCMD does not need from this system: the child's name
and address, the GP practice, the notifiers, the professionals asked for reporting forms and
their answers (agencies send these to NCMD themselves), the family, and the panel's local
actions. Nothing is stored: each export is built when it is downloaded, and the download is
audited (``cdop.export.made``).

``SCHEMA`` is the JSON Schema (draft 2020-12) of the structure; a change to the structure
changes ``SCHEMA_VERSION`` (a new field: the minor number; a field removed or changed: the
major number) and the mapping table in the docs.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from safeguarding.cdop.models import (
    STAGE_ORDER,
    AgeBand,
    Agency,
    Analysis,
    Category,
    ChildDeath,
    Contribution,
    Domain,
    FormKind,
    JointAgencyResponse,
    Stage,
)
from safeguarding.core.spreadsheets import SafeWriter

SCHEMA_VERSION = "1.0"

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_OPTIONAL_DATE = {"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT = {"type": "string"}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Child death review export for the National Child Mortality Database",
    **_object(
        {
            "schema_version": {"const": SCHEMA_VERSION},
            "exported_on": _DATE,
            "child": _object(
                {
                    "local_reference": {"type": "string", "pattern": r"^CDOP-\d{4}-\d{3,}$"},
                    "nhs_number": {"type": ["string", "null"], "pattern": r"^\d{10}$"},
                    "date_of_birth": _DATE,
                    "date_of_death": _DATE,
                    "age_band": {"enum": list(AgeBand.values)},
                    "sex": {"type": ["string", "null"]},
                    "ethnicity": {"type": ["string", "null"]},
                    "unexpected": {"type": "boolean"},
                    "resident_in_area": {"type": "boolean"},
                    "died_in_area": {"type": "boolean"},
                }
            ),
            "stages": {
                "type": "array",
                "items": _object(
                    {
                        "stage": {"enum": list(Stage.values)},
                        "reached_on": _DATE,
                        "days_after_death": {"type": "integer", "minimum": 0},
                    }
                ),
            },
            "joint_agency_response": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "started_on": _DATE,
                            "agencies": {
                                "type": "array",
                                "items": {"enum": list(Agency.values)},
                                "uniqueItems": True,
                            },
                        }
                    ),
                ]
            },
            "reporting_forms": {
                "type": "array",
                "items": _object(
                    {
                        "kind": {"enum": list(FormKind.values)},
                        "requested": {"type": "integer", "minimum": 0},
                        "returned": {"type": "integer", "minimum": 0},
                    }
                ),
            },
            "analysis": _object(
                {
                    "category": {"enum": list(Category.values)},
                    "category_label": {"enum": list(Category.labels)},
                    "modifiable_factors": {"type": "boolean"},
                    "completed_on": _DATE,
                    "summary": _TEXT,
                    "learning": _TEXT,
                    "domains": {
                        "type": "array",
                        "items": _object(
                            {
                                "domain": {"enum": list(Domain.values)},
                                "contribution": {"enum": list(Contribution.values)},
                                "modifiable": {"type": "boolean"},
                                "factors": _TEXT,
                            }
                        ),
                    },
                }
            ),
            "referred_to_safeguarding_partners": {"type": "boolean"},
        }
    ),
}


class NotExportable(Exception):
    """The case is not closed, or its analysis is not complete."""


def exportable(case: ChildDeath) -> bool:
    return case.is_closed


def _case_with_details(case: ChildDeath) -> ChildDeath:
    """The case again, with everything the export reads, in a fixed number of queries."""
    return (
        ChildDeath.objects.select_related("analysis", "joint_agency_response")
        .prefetch_related("stage_records", "analysis__domains")
        .get(pk=case.pk)
    )


def _days(on: date, case: ChildDeath) -> int:
    return max((on - case.date_of_death).days, 0)


def _forms(case: ChildDeath) -> list[dict[str, Any]]:
    # Requests outstanding when the case closed were withdrawn by the closure (at the moment
    # it closed): they count as requested and not returned; earlier withdrawals do not count.
    asked = Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=case.closed_at)
    counts = (
        case.reporting_forms.filter(asked)
        .values("kind")
        .annotate(requested=Count("pk"), returned=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by("kind")
    )
    return [
        {"kind": row["kind"], "requested": row["requested"], "returned": row["returned"]}
        for row in counts
    ]


def _analysis(analysis: Analysis) -> dict[str, Any]:
    assert analysis.completed_at is not None  # noqa: S101 - a closed case's analysis is complete
    return {
        "category": analysis.category,
        "category_label": Category(analysis.category).label,
        "modifiable_factors": bool(analysis.modifiable_factors),
        "completed_on": timezone.localdate(analysis.completed_at).isoformat(),
        "summary": analysis.summary,
        "learning": analysis.learning,
        "domains": [
            {
                "domain": assessment.domain,
                "contribution": assessment.contribution,
                "modifiable": assessment.modifiable,
                "factors": assessment.factors,
            }
            for assessment in sorted(
                analysis.domains.all(), key=lambda d: Domain.values.index(d.domain)
            )
        ],
    }


def ncmd_record(case: ChildDeath, *, today: date | None = None) -> dict[str, Any]:
    """The export of one closed case, as ``SCHEMA`` describes it (decrypts the fields it
    carries)."""
    if not exportable(case):
        raise NotExportable("Only a closed review is sent to the national database.")
    case = _case_with_details(case)
    analysis = getattr(case, "analysis", None)
    if analysis is None or analysis.completed_at is None:
        raise NotExportable("The panel's analysis of this review is not complete.")
    reached = {record.stage: record.on for record in case.stage_records.all()}
    try:
        response: JointAgencyResponse | None = case.joint_agency_response
    except JointAgencyResponse.DoesNotExist:
        response = None
    return {
        "schema_version": SCHEMA_VERSION,
        "exported_on": (today or timezone.localdate()).isoformat(),
        "child": {
            "local_reference": case.reference,
            "nhs_number": case.nhs_number or None,
            "date_of_birth": case.date_of_birth.isoformat(),
            "date_of_death": case.date_of_death.isoformat(),
            "age_band": case.age_band,
            "sex": case.sex or None,
            "ethnicity": case.ethnicity or None,
            "unexpected": case.unexpected,
            "resident_in_area": case.resident_in_area,
            "died_in_area": case.died_in_area,
        },
        "stages": [
            {
                "stage": stage.value,
                "reached_on": reached[stage].isoformat(),
                "days_after_death": _days(reached[stage], case),
            }
            for stage in STAGE_ORDER
            if stage in reached
        ],
        "joint_agency_response": None
        if response is None
        else {"started_on": response.started_on.isoformat(), "agencies": list(response.agencies)},
        "reporting_forms": _forms(case),
        "analysis": _analysis(analysis),
        "referred_to_safeguarding_partners": case.referred_to_id is not None,
    }


def ncmd_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, indent=2, ensure_ascii=False).encode()


# --- The statistics CSV: coded values only, no date, no identifier but the local reference --

DAYS_TO = (Stage.JOINT_AGENCY_RESPONSE, Stage.REVIEW_MEETING, Stage.PANEL_REVIEWED, Stage.CLOSED)
STATISTICS_COLUMNS: tuple[str, ...] = (
    "schema_version",
    "local_reference",
    "year_of_death",
    "age_band",
    "unexpected",
    "resident_in_area",
    "died_in_area",
    "category",
    "modifiable_factors",
    *(f"{domain}_contribution" for domain in Domain.values),
    *(f"{domain}_modifiable" for domain in Domain.values),
    *(f"days_to_{stage.value}" for stage in DAYS_TO),
    "forms_requested",
    "forms_returned",
    "referred_to_safeguarding_partners",
)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def statistics_row(record: dict[str, Any]) -> dict[str, str | int]:
    """The coded statistics of one exported record (``ncmd_record``)."""
    child, analysis = record["child"], record["analysis"]
    domains = {d["domain"]: d for d in analysis["domains"]}
    days = {s["stage"]: s["days_after_death"] for s in record["stages"]}
    row: dict[str, str | int] = {
        "schema_version": record["schema_version"],
        "local_reference": child["local_reference"],
        "year_of_death": int(child["date_of_death"][:4]),
        "age_band": child["age_band"],
        "unexpected": _yes_no(child["unexpected"]),
        "resident_in_area": _yes_no(child["resident_in_area"]),
        "died_in_area": _yes_no(child["died_in_area"]),
        "category": analysis["category"],
        "modifiable_factors": _yes_no(analysis["modifiable_factors"]),
        "forms_requested": sum(f["requested"] for f in record["reporting_forms"]),
        "forms_returned": sum(f["returned"] for f in record["reporting_forms"]),
        "referred_to_safeguarding_partners": _yes_no(record["referred_to_safeguarding_partners"]),
    }
    for domain in Domain.values:
        found = domains.get(domain)
        row[f"{domain}_contribution"] = found["contribution"] if found else ""
        row[f"{domain}_modifiable"] = _yes_no(found["modifiable"]) if found else ""
    for stage in DAYS_TO:
        row[f"days_to_{stage.value}"] = days.get(stage.value, "")
    return row


def statistics_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(STATISTICS_COLUMNS)
    for record in records:
        row = statistics_row(record)
        writer.writerow(row[column] for column in STATISTICS_COLUMNS)
    return buffer.getvalue()


def filename(case: ChildDeath, extension: str) -> str:
    return f"{case.reference}-ncmd-v{SCHEMA_VERSION}.{extension}"
