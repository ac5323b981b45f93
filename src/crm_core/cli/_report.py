"""``crm-core report --month YYYY-MM``: the month's KPIs, the monthly callback report,
the satisfaction surveys and the corrective-action report.

The records are streamed from the store page by page (the KPI functions read each stream
once), so the report's memory does not grow with the database; the month's insurance
terms and survey responses come from the store's indexed range queries.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from crm_core.adapters.planning import every
from crm_core.cli._common import EXIT_OK, UsageError, month, now
from crm_core.cli._store import open_storage
from crm_core.cli._ui import Ui
from crm_core.domain.dealer import Dealer
from crm_core.domain.ids import DealerId
from crm_core.domain.ports.storage import DateRange, UnitOfWork
from crm_core.domain.survey import SurveyKind
from crm_core.scoring import (
    ActionReport,
    CallbackReport,
    KpiSet,
    KpiValue,
    Period,
    SurveySummary,
    action_report,
    callback_reports,
    dealer_kpis,
    survey_summaries,
)
from crm_core.scoring.kpi import NOT_APPLICABLE

__all__ = ["month_report", "register", "render_report"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "report",
        parents=[common],
        help="the month's KPIs and the monthly callback report",
        description=__doc__,
    )
    p.add_argument("--db", required=True, metavar="URL", help="SQLite file or PostgreSQL URL")
    p.add_argument(
        "--month", type=month, metavar="YYYY-MM", help="the month (default: the current one)"
    )
    p.add_argument("--dealer", metavar="ID", help="only this dealer (default: all)")
    p.set_defaults(handler=run)


def month_report(
    uow: UnitOfWork, dealer: Dealer, first_day: date, *, today: date | None = None
) -> dict[str, Any]:
    """The KPI set, callback report, survey summaries and corrective-action report of
    ``dealer`` for the month of ``first_day``. Actions are reported open or overdue as
    of the month's last day, or ``today`` if that comes first (the running month)."""
    period = Period.month(first_day.year, first_day.month, dealer.timezone)
    did = DealerId(dealer.id)

    def stream(repo: Any) -> Iterator[Any]:
        return every(repo, did)

    # the renewal rate's terms: those ending in the month, and their renewals whenever sold
    ending = uow.insurance_policies.ending_between(
        did, DateRange(period.first_day, period.last_day)
    )
    policies = [*ending, *uow.insurance_policies.renewals_of(did, [p.id for p in ending])]
    surveys = uow.survey_responses.answered_between(did, period.start, period.end)

    kpis = dealer_kpis(
        period,
        ownerships=stream(uow.ownerships),
        customers=stream(uow.customers),
        tasks=stream(uow.tasks),
        interactions=stream(uow.interactions),
        points=stream(uow.points),
        members=stream(uow.club_members),
        referrals=stream(uow.referrals),
        policies=policies,
        surveys=surveys,
        dealer_id=did,
    )[did]
    callbacks = callback_reports(
        period, stream(uow.tasks), stream(uow.interactions), dealer_id=did
    )[did]
    summaries = survey_summaries(period, surveys, dealer_id=did)
    actions = action_report(
        stream(uow.corrective_actions),
        period.last_day if today is None else min(today, period.last_day),
        period=period,
        issues=[issue for issue, _ in callbacks.top_issues],
        dealer_id=did,
        timezone=dealer.timezone,
    )
    return {
        "dealer": dealer.id,
        "dealer_name": dealer.name,
        "month": period.label,
        "kpis": [_kpi(v) for v in _ordered(kpis)],
        "callbacks": _callbacks(callbacks),
        "surveys": [_survey(summaries[did, kind]) for kind in SurveyKind],
        "actions": _actions(actions),
    }


def _ordered(kpis: KpiSet) -> list[KpiValue]:
    return list(kpis)


def _number(value: Decimal | object) -> float | None:
    return None if value is NOT_APPLICABLE or not isinstance(value, Decimal) else float(value)


def _kpi(value: KpiValue) -> dict[str, Any]:
    return {
        "code": value.code,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "value": _number(value.value),
        "outcome": value.outcome.value if value.outcome is not None else None,
    }


def _callbacks(report: CallbackReport) -> dict[str, Any]:
    return {
        "due": report.due,
        "made": _kpi(report.made),
        "successful": _kpi(report.successful),
        "satisfaction": _number(report.satisfaction.value),
        "questions": {q.question: _number(q.mean.value) for q in report.questions},
        "top_issues": [{"issue": issue, "count": n} for issue, n in report.top_issues],
        "compliance": [
            {
                "window": w.key,
                "days": f"{w.min_days}-{w.max_days}",
                "due": w.due,
                "inside": w.inside,
                "early": w.early,
                "late": w.late,
                "not_done": w.not_done,
                "inside_rate": _number(w.inside_rate.value),
            }
            for w in report.compliance
        ],
    }


def _survey(summary: SurveySummary) -> dict[str, Any]:
    return {
        "kind": summary.kind.value,
        "responses": summary.responses,
        "overall": _number(summary.overall.value),
        "completely_satisfied": _kpi(summary.completely_satisfied),
        "definitely_recommend": _kpi(summary.definitely_recommend),
        "recommend": {level.value: n for level, n in summary.recommend.items()},
    }


def _actions(report: ActionReport) -> dict[str, Any]:
    assert report.closed_on_time is not None  # the month is always given
    return {
        "as_of": report.as_of,
        "open": report.open,
        "overdue": [
            {
                "id": o.id,
                "owner": o.owner_id,
                "issue": o.issue,
                "deadline": o.deadline,
                "days_overdue": o.days_overdue,
            }
            for o in report.overdue
        ],
        "open_by_owner": dict(report.open_by_owner),
        "closed_on_time": _kpi(report.closed_on_time),
        "issues_without_action": list(report.issues_without_action),
    }


def run(args: argparse.Namespace, ui: Ui) -> int:
    today = now().date()
    first_day = args.month or today.replace(day=1)
    storage = open_storage(args.db)
    try:
        with storage.unit_of_work() as uow:
            dealers = uow.dealers.all()
            if args.dealer is not None:
                dealers = [d for d in dealers if d.id == args.dealer]
                if not dealers:
                    raise UsageError(f"no dealer {args.dealer!r} in the database")
            with ui.progress(ui.t("reporting"), len(dealers)) as bar:
                reports = []
                for dealer in dealers:
                    reports.append(month_report(uow, dealer, first_day, today=today))
                    bar.advance()
    finally:
        storage.close()
    result = {"reports": reports}
    if ui.json:
        ui.print_json(result)
    else:
        for report in reports:
            render_report(ui, report)
    return EXIT_OK


def _show(value: float | None, denominator: int | None) -> str:
    """A count as a number, a rate as a percentage, "n/a" when the rate has no base."""
    if value is None:
        return "n/a"
    if denominator is None:
        return f"{value:g}"
    return f"{value * 100:.1f} %"


def render_report(ui: Ui, report: dict[str, Any]) -> None:
    ui.heading(ui.t("report_heading", dealer=report["dealer_name"], month=report["month"]))
    ui.table(
        [ui.t("kpi"), ui.t("value"), ui.t("numerator"), ui.t("denominator"), ui.t("outcome")],
        [
            [
                ui.t("kpi." + k["code"]),
                _show(k["value"], k["denominator"]),
                k["numerator"],
                "" if k["denominator"] is None else k["denominator"],
                ui.t("outcome." + k["outcome"]) if k["outcome"] else "",
            ]
            for k in report["kpis"]
        ],
        title=ui.t("kpis"),
    )
    cb = report["callbacks"]
    made, ok = cb["made"], cb["successful"]
    ui.table(
        [ui.t("measure"), ui.t("value")],
        [
            [ui.t("callbacks_due"), cb["due"]],
            [ui.t("callbacks_made"), f"{made['numerator']} ({_show(made['value'], 1)})"],
            [ui.t("callbacks_successful"), f"{ok['numerator']} ({_show(ok['value'], 1)})"],
            [ui.t("satisfaction"), _show(cb["satisfaction"], None)],
            *([f"{ui.t('question')}: {q}", _show(v, None)] for q, v in cb["questions"].items()),
            *(
                [ui.t("issue"), f"{ui.code('issue', i['issue'])} × {i['count']}"]
                for i in cb["top_issues"]
            ),
        ],
        title=ui.t("callback_report"),
    )
    _render_surveys(ui, report["surveys"])
    _render_actions(ui, report["actions"])
    if cb["compliance"]:
        ui.table(
            [
                ui.t("window"),
                ui.t("days"),
                ui.t("due"),
                ui.t("inside"),
                ui.t("late"),
                ui.t("not_done"),
            ],
            [
                [
                    ui.code("anchor", w["window"]),
                    w["days"],
                    w["due"],
                    w["inside"],
                    w["late"],
                    w["not_done"],
                ]
                for w in cb["compliance"]
            ],
            title=ui.t("compliance"),
        )


def _render_surveys(ui: Ui, surveys: list[dict[str, Any]]) -> None:
    ui.table(
        [
            ui.t("survey"),
            ui.t("responses"),
            ui.t("overall"),
            ui.t("completely_satisfied"),
            ui.t("definitely_recommend"),
        ],
        [
            [
                ui.t("survey." + s["kind"]),
                s["responses"],
                _show(s["overall"], None),
                _show(s["completely_satisfied"]["value"], 1),
                _show(s["definitely_recommend"]["value"], 1),
            ]
            for s in surveys
        ],
        title=ui.t("surveys"),
    )


def _render_actions(ui: Ui, actions: dict[str, Any]) -> None:
    on_time = actions["closed_on_time"]
    ui.table(
        [ui.t("measure"), ui.t("value")],
        [
            [ui.t("actions_open"), actions["open"]],
            [ui.t("actions_overdue"), len(actions["overdue"])],
            [
                ui.t("actions_closed_on_time"),
                f"{on_time['numerator']} / {on_time['denominator']} ({_show(on_time['value'], 1)})",
            ],
            *(
                [ui.t("issue_without_action"), ui.code("issue", issue)]
                for issue in actions["issues_without_action"]
            ),
        ],
        title=ui.t("actions_heading", as_of=actions["as_of"]),
    )
    if actions["overdue"]:
        ui.table(
            [ui.t("action"), ui.t("owner"), ui.t("issue"), ui.t("deadline"), ui.t("days_overdue")],
            [
                [
                    o["id"],
                    o["owner"],
                    ui.code("issue", o["issue"]),
                    o["deadline"],
                    o["days_overdue"],
                ]
                for o in actions["overdue"]
            ],
            title=ui.t("actions_overdue"),
        )
