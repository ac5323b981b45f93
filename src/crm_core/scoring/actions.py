"""Open and overdue corrective / preventive actions (seed 001).

The service manager reviews the month's callback report, and every issue in it gets an
action with an owner and a deadline; the general manager follows up on the ones that slip.
This report answers the three questions of that meeting: what is still open, what is past
its deadline (and whose), and which issues found this month have no action at all.

>>> from datetime import UTC, date, datetime
>>> from crm_core.domain.action import ActionKind, CorrectiveAction
>>> a = CorrectiveAction(id="A1", dealer_id="D1", kind=ActionKind.CORRECTIVE,
...     issue="waiting_time", description="add a second reception desk", owner_id="S7",
...     deadline=date(2026, 3, 20), opened_at=datetime(2026, 3, 2, tzinfo=UTC))
>>> r = action_report([a], date(2026, 3, 31), issues=["waiting_time", "car_not_clean"])
>>> r.open, [(o.id, o.days_overdue) for o in r.overdue], r.issues_without_action
(1, [('A1', 11)], ('car_not_clean',))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

import attrs

from crm_core.domain.action import ActionId, ActionStatus, CorrectiveAction
from crm_core.domain.ids import DealerId, StaffId
from crm_core.scoring.kpi import KpiValue, rate
from crm_core.scoring.period import Period, zone

__all__ = ["ActionReport", "OverdueAction", "action_report"]


@attrs.frozen(slots=True)
class OverdueAction:
    """A corrective or preventive action still open after its deadline, and whose it is.

    One line of :attr:`ActionReport.overdue`; ``days_overdue`` counts from the deadline
    day to the report's ``as_of``.
    """

    id: ActionId
    owner_id: StaffId
    issue: str
    deadline: date
    days_overdue: int


@attrs.frozen(slots=True)
class ActionReport:
    """Seed 001's follow-up of callback issues: open and overdue actions, issues left unanswered.

    What :func:`action_report` returns: the open actions (in all and per owner), the
    overdue ones most overdue first, the share closed on time in the period (``None``
    without a period), and the issue codes no action answers.
    """

    as_of: date
    open: int
    overdue: tuple[OverdueAction, ...]  # most overdue first
    open_by_owner: Mapping[StaffId, int]
    closed_on_time: KpiValue | None  # done in the period by the deadline / done in the period
    issues_without_action: tuple[str, ...]


def action_report(
    actions: Iterable[CorrectiveAction],
    as_of: date,
    *,
    period: Period | None = None,
    issues: Iterable[str] = (),
    dealer_id: DealerId | None = None,
    timezone: str = "Asia/Shanghai",
) -> ActionReport:
    """Open and overdue actions on ``as_of`` (one pass).

    An action is overdue when it is still open after its deadline day. With ``period``,
    ``closed_on_time`` is the share of actions done in the period that were done by their
    deadline. ``issues`` are issue codes found (e.g. a callback report's ``top_issues``);
    those no action ever answered are listed.
    """
    tz = zone(timezone)
    open_count = 0
    overdue: list[OverdueAction] = []
    by_owner: dict[StaffId, int] = {}
    covered: set[str] = set()
    done = on_time = 0
    for a in actions:
        if dealer_id is not None and a.dealer_id != dealer_id:
            continue
        if a.opened_at.astimezone(tz).date() > as_of:
            continue
        covered.add(a.issue)
        closed_day = a.closed_at.astimezone(tz).date() if a.closed_at is not None else None
        if closed_day is None or closed_day > as_of:
            open_count += 1
            by_owner[a.owner_id] = by_owner.get(a.owner_id, 0) + 1
            if a.deadline < as_of:
                overdue.append(
                    OverdueAction(a.id, a.owner_id, a.issue, a.deadline, (as_of - a.deadline).days)
                )
        elif (
            period is not None and a.status is ActionStatus.DONE and period.contains_day(closed_day)
        ):
            done += 1
            on_time += closed_day <= a.deadline
    overdue.sort(key=lambda o: (o.deadline, o.id))
    missing = tuple(sorted({issue for issue in issues if issue not in covered}))
    return ActionReport(
        as_of=as_of,
        open=open_count,
        overdue=tuple(overdue),
        open_by_owner=MappingProxyType(dict(sorted(by_owner.items()))),
        closed_on_time=rate("closed_on_time", on_time, done) if period is not None else None,
        issues_without_action=missing,
    )
