"""Reports: awards per definition over time (issued, and revoked, per day, week or month), as
rows and as CSV. Counted by the database, one query per report whatever its size."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from .models import Award
from .problems import InvalidInput, Problem

PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
COLUMNS = ("period", "course_key", "definition", "name", "issued", "revoked")


@dataclass(frozen=True)
class ReportRow:
    period: date  # the first day of the period (weeks start on Monday), UTC
    course_key: str | None
    definition: str  # the slug
    name: str
    issued: int  # awards issued in the period (renewals included)
    revoked: int  # awards revoked in the period (and revoked still)


def awards_over_time(
    awards: QuerySet[Award],
    *,
    period: str = "month",
    since: date | None = None,
    until: date | None = None,
) -> list[ReportRow]:
    """Per definition of ``awards`` and per ``period``: how many were issued and revoked, from
    ``since`` to ``until`` (inclusive, UTC days). Newest period first, then by course and slug."""
    if period not in PERIODS:
        raise InvalidInput(
            [Problem("$.period", "invalid_choice", f"must be one of {', '.join(PERIODS)}")]
        )
    if since and until and since > until:
        raise InvalidInput([Problem("$.since", "invalid_range", "must not be after until")])
    trunc = PERIODS[period]
    keys = ("definition__slug", "definition__name", "definition__course_key", "bucket")
    issued = _bucketed(awards, "issued_at", trunc, since, until).values(*keys)
    revoked = _bucketed(
        awards.filter(revoked_at__isnull=False), "revoked_at", trunc, since, until
    ).values(*keys)
    totals: dict[tuple, list[int]] = {}
    for column, query in ((0, issued), (1, revoked)):
        for row in query.annotate(count=Count("pk")).order_by():
            bucket = row["bucket"]
            day = bucket.date() if isinstance(bucket, datetime) else bucket
            key = (
                day,
                row["definition__course_key"],
                row["definition__slug"],
                row["definition__name"],
            )
            totals.setdefault(key, [0, 0])[column] = row["count"]
    rows = [ReportRow(*key, *values) for key, values in totals.items()]
    rows.sort(key=lambda row: (-row.period.toordinal(), row.course_key or "", row.definition))
    return rows


def _bucketed(awards, column, trunc, since, until):
    query = awards
    if since:
        query = query.filter(**{f"{column}__date__gte": since})
    if until:
        query = query.filter(**{f"{column}__date__lte": until})
    return query.annotate(bucket=trunc(column, tzinfo=UTC))


def as_csv(rows: Iterable[ReportRow]) -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.period.isoformat(),
                row.course_key or "",
                row.definition,
                row.name,
                row.issued,
                row.revoked,
            ]
        )
    return output.getvalue()
