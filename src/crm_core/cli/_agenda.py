"""``crm-core agenda``: the day's follow-up list per role, each task with its explanation.

Reads only the customers who can be due (the planner's anchor windows through the store's
indexed query), plans them, stores the tasks (idempotently: running the agenda twice
stores each task once) and prints them by role. ``--forecast N`` prints the number of
tasks per role per day for the next N days instead.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import attrs

from crm_core.adapters.outbox import DealerContact, MessageComposer, Skipped, store_plan
from crm_core.adapters.planning import customer_facts, due_customer_ids, festival_in_windows
from crm_core.cli._common import EXIT_OK, UsageError, iso_date, now
from crm_core.cli._store import open_storage
from crm_core.cli._ui import Ui
from crm_core.domain.dealer import Dealer, Staff, StaffRole
from crm_core.domain.ids import DealerId
from crm_core.domain.ports.storage import UnitOfWork
from crm_core.domain.task import FollowUpTask
from crm_core.errors import StandardsError
from crm_core.schedule.calendars import Calendar, load_calendar, load_standard
from crm_core.schedule.planner import (
    CustomerFacts,
    Plan,
    PlanningContext,
    agenda,
    anchor_windows,
    forecast,
)
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import WorkingTime
from crm_core.texts.render import TextRenderer

__all__ = ["STANDARD_CALENDARS", "DayAgenda", "plan_day", "register"]

STANDARD_CALENDARS = ("svw", "dfpeugeot", "skoda")
# A dealer's brand name -> the standard calendar its carmaker trains it on.
_BRAND_CALENDARS = {"大众": "svw", "上汽大众": "svw", "东风标致": "dfpeugeot", "斯柯达": "skoda"}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "agenda",
        parents=[common],
        help="the day's follow-up list per role, with each task's explanation",
        description=__doc__,
    )
    p.add_argument("--db", required=True, metavar="URL", help="SQLite file or PostgreSQL URL")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="the day (today)")
    p.add_argument("--role", choices=[r.value for r in StaffRole], help="only this role's tasks")
    p.add_argument(
        "--calendar",
        metavar="NAME|FILE",
        help="svw, dfpeugeot, skoda or a calendar file (default: from the dealer's brand)",
    )
    p.add_argument("--dealer", metavar="ID", help="only this dealer (default: all)")
    p.add_argument(
        "--forecast",
        type=_forecast_days,
        metavar="N",
        help=f"tasks per role per day, next N days (1 to {_FORECAST_DAYS})",
    )
    p.add_argument("--limit", type=_positive, default=20, help="tasks shown per role (20)")
    p.set_defaults(handler=run)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


_FORECAST_DAYS = 366
"""A year ahead at most: further on, the holidays are not announced yet (and a huge N ran
the dates off the calendar)."""


def _forecast_days(value: str) -> int:
    days = _positive(value)
    if days > _FORECAST_DAYS:
        raise argparse.ArgumentTypeError(f"at most {_FORECAST_DAYS} days: {value}")
    return days


def calendar_for(choice: str | None, dealer: Dealer) -> Calendar:
    """The calendar named on the command line, or the one the dealer's brand works by."""
    if choice is None:
        name = next((_BRAND_CALENDARS[b] for b in dealer.brands if b in _BRAND_CALENDARS), "svw")
        return load_standard(name)
    if choice in STANDARD_CALENDARS:
        return load_standard(choice)
    path = Path(choice)
    if not path.is_file():
        raise UsageError(
            f"unknown calendar {choice!r}: use {', '.join(STANDARD_CALENDARS)} or a calendar file"
        )
    try:
        return load_calendar(path)
    except StandardsError as exc:
        raise UsageError(f"invalid calendar: {exc}") from exc


def planning_context(dealer: Dealer, calendar: Calendar) -> PlanningContext:
    return PlanningContext(
        calendar=calendar, working_time=WorkingTime.for_dealer(dealer, china_workday_calendar())
    )


@attrs.frozen(slots=True)
class DayAgenda:
    """One dealer's planned day: the plans, and what was stored."""

    dealer: Dealer
    calendar: Calendar
    plans: tuple[Plan, ...]
    inserted: int
    subjects: int
    names: Mapping[str, str]  # customer id -> name, for the operator's list
    queued: int = 0  # texts put in the outbox
    unsent: tuple[Skipped, ...] = ()  # texts store_plan could not queue, with the reason

    @property
    def tasks(self) -> Iterator[FollowUpTask]:
        for plan in self.plans:
            yield from plan.tasks


def message_composer(dealer: Dealer, staff: Iterable[Staff]) -> MessageComposer | None:
    """The composer for the dealer's customer texts. The texts give customers a number to
    call back: the CR manager's (else any staff member's); without one, no text goes out
    and the tasks stay calls."""
    phones = [s for s in staff if s.phone and s.active]
    phones.sort(key=lambda s: s.role is not StaffRole.CR_MANAGER)
    if not phones or phones[0].phone is None:
        return None
    return MessageComposer(TextRenderer(dealer), DealerContact(hotline=phones[0].phone))


def plan_day(storage: Any, dealer: Dealer, calendar: Calendar, at: datetime) -> DayAgenda:
    """Plan ``dealer``'s day at ``at`` from the store; store the tasks (deferred ones with
    their reason) and queue their texts in the outbox in one transaction, and open the
    complaint cases the planner proposes."""
    ctx = planning_context(dealer, calendar)
    day = ctx.working_time.local(at).date()
    windows = anchor_windows(calendar, day, config=ctx.config)
    festival = festival_in_windows(calendar, windows, ctx.festivals)
    names: dict[str, str] = {}

    def named(facts: Iterable[CustomerFacts]) -> Iterator[CustomerFacts]:
        for item in facts:
            names[item.customer.id] = item.customer.name
            yield item

    with storage.unit_of_work() as uow:
        ids = due_customer_ids(uow, dealer.id, windows, ctx.working_time.zone, festival=festival)
        plans = tuple(agenda(named(customer_facts(uow, dealer.id, ids)), ctx, now=at))
        composer = message_composer(dealer, uow.staff.by_dealer(dealer.id))
    tasks = [t for p in plans for t in (*p.tasks, *p.deferred)]
    queued = 0
    unsent: tuple[Skipped, ...] = ()
    if composer is not None:
        written = store_plan(storage.unit_of_work(), tasks, composer)
        inserted, queued, unsent = len(written.tasks.inserted), len(written.queued), written.skipped
    else:
        with storage.unit_of_work() as uow:
            inserted = len(uow.tasks.upsert(tasks).inserted)
    proposed = {c.id: c for p in plans for c in p.cases}
    if proposed:
        with storage.unit_of_work() as uow:
            known = uow.cases.get_many(dealer.id, list(proposed))
            for case_id, case in proposed.items():
                if case_id not in known:
                    uow.cases.add(case)
    return DayAgenda(dealer, calendar, plans, inserted, len(ids), names, queued, unsent)


def _moment(day: date | None, tz: Any) -> datetime:
    if day is None:
        return now()
    # a day given on the command line is planned as of its morning, before work starts
    return datetime.combine(day, time(8), tz)


def _dealers(uow: UnitOfWork, wanted: str | None) -> list[Dealer]:
    dealers = uow.dealers.all()
    if wanted is not None:
        dealers = [d for d in dealers if d.id == wanted]
        if not dealers:
            raise UsageError(f"no dealer {wanted!r} in the database")
    if not dealers:
        raise UsageError("the database holds no dealer (crm-core demo creates one)")
    return dealers


def run(args: argparse.Namespace, ui: Ui) -> int:
    storage = open_storage(args.db)
    try:
        with storage.unit_of_work() as uow:
            dealers = _dealers(uow, args.dealer)
            calendars = {d.id: calendar_for(args.calendar, d) for d in dealers}
            if args.forecast:
                result = _forecast(uow, dealers, calendars, args)
        if not args.forecast:
            days = []
            with ui.progress(ui.t("planning"), len(dealers)) as bar:
                for dealer in dealers:
                    zone = planning_context(dealer, calendars[dealer.id]).working_time.zone
                    days.append(
                        plan_day(storage, dealer, calendars[dealer.id], _moment(args.date, zone))
                    )
                    bar.advance()
            result = agenda_result(days, role=args.role, limit=args.limit)
    finally:
        storage.close()
    if ui.json:
        ui.print_json(result)
    elif args.forecast:
        render_forecast(ui, result)
    else:
        render_agenda(ui, result)
    return EXIT_OK


def agenda_result(
    days: Sequence[DayAgenda], *, role: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The agenda as JSON-ready data: per dealer, per role, tasks in priority order."""
    out: list[dict[str, Any]] = []
    for day in days:
        names = {p.customer_id: p for p in day.plans}
        by_role: dict[str, list[dict[str, Any]]] = {}
        counts: Counter[str] = Counter()
        for task in sorted(day.tasks, key=lambda t: (-t.priority, t.due_until, t.id)):
            if role is not None and task.role.value != role:
                continue
            counts[task.role.value] += 1
            shown = by_role.setdefault(task.role.value, [])
            if limit is None or len(shown) < limit:
                shown.append(_task_row(task, day.names.get(task.customer_id, "")))
        skipped = Counter(s.reason.value for p in day.plans for s in p.skipped)
        deferred = sum(len(p.deferred) for p in day.plans)
        out.append(
            {
                "dealer": day.dealer.id,
                "dealer_name": day.dealer.name,
                "calendar": day.calendar.id,
                "customers_read": day.subjects,
                "customers_due": len(names),
                "tasks": dict(counts),
                "stored": day.inserted,
                "messages_queued": day.queued,
                "messages_not_queued": [
                    {"task": u.task_id, "channel": u.channel.value, "reason": u.reason}
                    for u in day.unsent
                ],
                "deferred": deferred,
                "skipped": dict(skipped),
                "by_role": by_role,
            }
        )
    return {"dealers": out}


def _task_row(task: FollowUpTask, name: str) -> dict[str, Any]:
    return {
        "task": task.id,
        "customer": task.customer_id,
        "name": name,
        "vehicle": task.vehicle_id,
        "rule": task.rule_id,
        "due_from": task.due_from,
        "due_until": task.due_until,
        "channels": [c.value for c in task.channels],
        "assignee": task.assignee_id,
        "priority": task.priority,
        "attempt": task.attempt,
        "explanation": task.explanation,
    }


def render_agenda(ui: Ui, result: dict[str, Any]) -> None:
    for dealer in result["dealers"]:
        ui.heading(
            ui.t(
                "agenda_heading",
                dealer=dealer["dealer_name"],
                calendar=dealer["calendar"],
                tasks=sum(dealer["tasks"].values()),
                customers=dealer["customers_due"],
            )
        )
        if not dealer["by_role"]:
            ui.line(ui.t("nothing_due"))
        for role, rows in dealer["by_role"].items():
            ui.table(
                [ui.t("due"), ui.t("customer"), ui.t("rule"), ui.t("assignee"), ui.t("why")],
                [
                    [
                        f"{_short(r['due_from'])} – {_short(r['due_until'])}",
                        f"{r['name']} ({r['customer']})",
                        r["rule"],
                        r["assignee"] or "",
                        r["explanation"],
                    ]
                    for r in rows
                ],
                title=f"{ui.t('role.' + role)} ({dealer['tasks'][role]})",
            )
            if len(rows) < dealer["tasks"][role]:
                ui.line(ui.t("more_tasks", hidden=dealer["tasks"][role] - len(rows)))
        if dealer["deferred"] or dealer["skipped"]:
            skipped = _counted(ui, "skip", dealer["skipped"])
            ui.line(ui.t("agenda_footer", deferred=dealer["deferred"], skipped=skipped or "0"))
        if dealer["messages_not_queued"]:
            per_channel = Counter(u["channel"] for u in dealer["messages_not_queued"])
            ui.line(ui.t("messages_not_queued", channels=_counted(ui, "channel", per_channel)))


def _counted(ui: Ui, kind: str, counts: Mapping[str, int]) -> str:
    """``免打扰 19, 拒绝回访 26``: each code's label and count, in code order."""
    return ", ".join(f"{ui.t(f'{kind}.{code}')} {n}" for code, n in sorted(counts.items()))


def _short(moment: datetime) -> str:
    return moment.strftime("%m-%d %H:%M")


def _forecast(
    uow: UnitOfWork,
    dealers: list[Dealer],
    calendars: Mapping[DealerId, Calendar],
    args: argparse.Namespace,
) -> dict[str, Any]:
    out = []
    for dealer in dealers:
        ctx = planning_context(dealer, calendars[dealer.id])
        at = _moment(args.date, ctx.working_time.zone)
        first = ctx.working_time.local(at).date()
        windows = anchor_windows(
            ctx.calendar, first, first + timedelta(days=args.forecast - 1), config=ctx.config
        )
        festival = festival_in_windows(ctx.calendar, windows, ctx.festivals)
        ids = due_customer_ids(uow, dealer.id, windows, ctx.working_time.zone, festival=festival)
        result = forecast(customer_facts(uow, dealer.id, ids), ctx, now=at, days=args.forecast)
        roles = [r for r in StaffRole if args.role in (None, r.value) and result.total(r)]
        out.append(
            {
                "dealer": dealer.id,
                "dealer_name": dealer.name,
                "calendar": ctx.calendar.id,
                "days": [
                    {
                        "date": first + timedelta(days=n),
                        **{r.value: result.on(first + timedelta(days=n), r) for r in roles},
                    }
                    for n in range(args.forecast)
                ],
                "roles": [r.value for r in roles],
            }
        )
    return {"dealers": out}


def render_forecast(ui: Ui, result: dict[str, Any]) -> None:
    for dealer in result["dealers"]:
        ui.heading(
            ui.t("forecast_heading", dealer=dealer["dealer_name"], calendar=dealer["calendar"])
        )
        ui.table(
            [ui.t("date"), *(ui.t("role." + r) for r in dealer["roles"])],
            [[d["date"], *(d[r] for r in dealer["roles"])] for d in dealer["days"]],
        )
