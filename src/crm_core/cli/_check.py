"""``crm-core check FILE.csv``: validate a DMS export before it is imported.

Prints each violation with its row number, rule code and message, then the completeness
report (the OEM's fill-rate targets for sale reports and repair orders); exits 1 when an
error-level violation is found or a target is missed, so a script can gate an import.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date
from typing import Any

from crm_core.adapters.csv_import import (
    CsvFormatError,
    HeaderMapping,
    ParsedRow,
    RecordKind,
    Row,
    known_columns,
    parse_row,
    read_rows,
)
from crm_core.cli._common import EXIT_OK, EXIT_VIOLATIONS, UsageError, existing_file, now
from crm_core.cli._ui import Ui
from crm_core.domain.customer import Customer
from crm_core.domain.rules import (
    CompletenessReport,
    RepairReport,
    SaleReport,
    Severity,
    StaffPhones,
    Violation,
    check_customer,
    check_repair_order,
    check_sale_report,
    check_vehicle,
    repair_order_completeness,
    sale_report_completeness,
)
from crm_core.domain.vehicle import Vehicle

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "check",
        parents=[common],
        help="validate a DMS export (CSV) and print every violation",
        description=__doc__,
    )
    p.add_argument("file", type=existing_file, metavar="FILE.csv")
    p.add_argument(
        "--kind",
        choices=[k.value for k in RecordKind],
        help="what each row is (guessed from the headers when left out)",
    )
    p.add_argument(
        "--columns",
        type=existing_file,
        metavar="MAPPING",
        help='TOML or JSON: header = field, e.g. "联系手机" = "customer.mobile"',
    )
    p.add_argument("--encoding", help="the file's encoding (default: UTF-8, else GB18030)")
    p.add_argument(
        "--staff-phones",
        metavar="PHONES",
        default="",
        help="comma-separated staff numbers, so customers filed under them are caught",
    )
    p.set_defaults(handler=run)


def _guess_kind(headers: list[str], mapping: HeaderMapping) -> RecordKind:
    fields = {mapping.field(h) or "" for h in headers}
    if any(f.startswith("repair.") for f in fields):
        return RecordKind.REPAIRS
    has_vehicle = any(f.startswith("vehicle.") for f in fields)
    has_customer = any(f.startswith("customer.") for f in fields)
    if any(f.startswith("sale.") for f in fields) or (has_vehicle and has_customer):
        return RecordKind.SALES
    return RecordKind.VEHICLES if has_vehicle else RecordKind.CUSTOMERS


def _check(parsed: ParsedRow, staff: StaffPhones, today: date) -> tuple[Violation, ...]:
    record = parsed.record
    if isinstance(record, Customer):
        return check_customer(record, staff=staff, today=today)
    if isinstance(record, Vehicle):
        return check_vehicle(record)
    if isinstance(record, SaleReport):
        return check_sale_report(record, staff=staff, today=today)
    return check_repair_order(record, staff=staff, today=today)


def _rows(path: Any, encoding: str | None) -> Iterator[Row]:
    with path.open("rb") as handle:
        yield from read_rows(handle, encoding=encoding)


def run(args: argparse.Namespace, ui: Ui) -> int:
    mapping = HeaderMapping.load(args.columns) if args.columns else HeaderMapping.default()
    staff = StaffPhones.of(p for p in args.staff_phones.split(",") if p.strip())
    today = now().date()
    rows = _rows(args.file, args.encoding)
    try:
        first = next(rows, None)
    except CsvFormatError as exc:
        raise UsageError(f"{args.file}: {exc}") from exc
    if first is None:
        raise UsageError(f"{args.file}: no data rows")
    headers = list(first.cells)
    known = known_columns(headers, mapping)
    if not known:
        raise UsageError(
            f"{args.file}: none of the headers is a known field ({', '.join(headers[:5])}); "
            "map them with --columns"
        )
    kind = RecordKind(args.kind) if args.kind else _guess_kind(headers, mapping)
    findings: list[dict[str, Any]] = []
    count = 0

    def checked() -> Iterator[SaleReport | RepairReport]:
        """Check every row; pass the reports on to the completeness count (one pass)."""
        nonlocal count
        for row in _chain(first, rows):
            count += 1
            parsed = parse_row(kind, row, mapping)
            for v in (*parsed.problems, *_check(parsed, staff, today)):
                findings.append(
                    {
                        "row": row.number,
                        "code": v.code,
                        "field": v.field,
                        "severity": v.severity.value,
                        "message": v.message,
                    }
                )
            bar.advance()
            if isinstance(parsed.record, SaleReport | RepairReport):
                yield parsed.record

    fill: CompletenessReport | None = None
    with ui.progress(ui.t("checking"), None) as bar:
        try:
            if kind is RecordKind.SALES:
                fill = sale_report_completeness(r for r in checked() if isinstance(r, SaleReport))
            elif kind is RecordKind.REPAIRS:
                fill = repair_order_completeness(
                    r for r in checked() if isinstance(r, RepairReport)
                )
            else:
                for _ in checked():
                    pass
        except CsvFormatError as exc:
            raise UsageError(f"{args.file}: {exc}") from exc
    errors = sum(f["severity"] == Severity.ERROR.value for f in findings)
    result = {
        "file": str(args.file),
        "kind": kind.value,
        "rows": count,
        "errors": errors,
        "warnings": len(findings) - errors,
        "violations": findings,
        "completeness": completeness_result(fill),
        # a column the mapping does not know is not checked: say so, or a file whose
        # phone column is headed "联系手机" reads as customers without phones
        "ignored_columns": [h for h in headers if h not in known],
    }
    if ui.json:
        ui.print_json(result)
    else:
        _render(ui, result)
    short = fill is not None and not fill.passed
    return EXIT_VIOLATIONS if errors or short else EXIT_OK


def _chain(first: Row, rest: Iterator[Row]) -> Iterator[Row]:
    yield first
    yield from rest


def completeness_result(report: CompletenessReport | None) -> list[dict[str, Any]]:
    """The completeness lines as data (empty for kinds the OEM sets no targets for)."""
    if report is None:
        return []
    return [
        {
            "metric": line.metric.value,
            "filled": line.met,
            "of": line.total,
            "share": None if line.share is None else round(float(line.share), 4),
            "target": float(line.threshold),
            "met": line.passed,
        }
        for line in report.lines
    ]


def render_completeness(ui: Ui, lines: list[dict[str, Any]], title: str | None = None) -> None:
    if not lines:
        return
    ui.table(
        [ui.t("measure"), ui.t("filled"), ui.t("of"), ui.t("share"), ui.t("target"), ui.t("met")],
        [
            [
                ui.t("metric." + line["metric"]),
                line["filled"],
                line["of"],
                "-" if line["share"] is None else f"{line['share'] * 100:.1f} %",
                f"{line['target'] * 100:.0f} %",
                ui.t("yes") if line["met"] else ui.t("no"),
            ]
            for line in lines
        ],
        title=title or ui.t("completeness"),
    )


def _render(ui: Ui, result: dict[str, Any]) -> None:
    violations = result["violations"]
    if violations:
        ui.table(
            [ui.t("row"), ui.t("rule"), ui.t("severity"), ui.t("field"), ui.t("message")],
            [
                [v["row"], v["code"], ui.t("severity." + v["severity"]), v["field"], v["message"]]
                for v in violations
            ],
            title=ui.t("violations"),
        )
    else:
        ui.line(ui.t("no_violations"))
    render_completeness(ui, result["completeness"])
    ui.line(
        ui.t(
            "check_summary",
            rows=result["rows"],
            errors=result["errors"],
            warnings=result["warnings"],
        )
    )
    if result["ignored_columns"]:
        ui.line(ui.t("ignored_columns", columns=", ".join(result["ignored_columns"])))
