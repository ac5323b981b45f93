"""Service-level deadlines for cases, measured in clock or working time.

The seeds set deadlines on what happens after a customer complains: a complaint found in
a callback reaches the general manager within half a working day and the customer gets an
answer within one working day (seed 001); written requests and third-party survey findings
are handled within 48 hours, and a dissatisfied customer is called again within three days
(seed 000). The definitions are data (``schedule/data/slas.toml``); each case is measured
against its own status history (:meth:`crm_core.domain.case.Case.first_reached`).

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from crm_core.domain.case import Case, CaseKind, CaseSource, CaseStatus, CaseStatusChange
>>> from crm_core.schedule.workdays import china_workday_calendar
>>> from crm_core.schedule.working_time import WorkingTime
>>> sh = ZoneInfo("Asia/Shanghai")
>>> opened = datetime(2026, 2, 13, 16, 0, tzinfo=sh)       # Friday before the holiday
>>> case = Case(id="K1", dealer_id="D1", kind=CaseKind.COMPLAINT, opened_at=opened,
...             source=CaseSource.CALLBACK,
...             history=(CaseStatusChange(CaseStatus.OPEN, opened),))
>>> wt = WorkingTime(china_workday_calendar())
>>> now = datetime(2026, 2, 14, 10, 30, tzinfo=sh)
>>> [(s.sla_id, s.state.value, s.deadline.isoformat())
...  for s in slas_needing_attention([case], sla_definitions(), wt, now)]
[('complaint_to_general_manager', 'at_risk', '2026-02-14T11:00:00+08:00')]
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from crm_core.domain._validators import require_aware
from crm_core.domain.case import Case, CaseKind, CaseSource, CaseStatus
from crm_core.domain.ids import CaseId, DealerId
from crm_core.errors import ScheduleError, ValidationError
from crm_core.schedule._standards import load_entries, read_packaged
from crm_core.schedule.working_time import WorkingTime

__all__ = [
    "SlaDefinition",
    "SlaState",
    "SlaStatus",
    "SlaUnit",
    "evaluate_sla",
    "load_sla_definitions",
    "sla_deadline",
    "sla_definitions",
    "slas_for_case",
    "slas_needing_attention",
]

#: The order a case moves through; reaching a later status implies the earlier ones' goals
#: were met (a case answered without a recorded escalation was still passed on).
_STATUS_ORDER = (
    CaseStatus.OPEN,
    CaseStatus.ESCALATED,
    CaseStatus.ANSWERED,
    CaseStatus.RESOLVED,
    CaseStatus.CLOSED,
)


class SlaUnit(enum.StrEnum):
    """What an SLA's amount counts: clock hours, calendar days, working hours or working days.

    Seed 001's "half a working day" is 0.5 WORKING_DAYS; seed 000's "48 h" is 48 HOURS.
    """

    HOURS = "hours"  # clock hours
    DAYS = "days"  # calendar days
    WORKING_HOURS = "working_hours"  # business hours on working days
    WORKING_DAYS = "working_days"  # BusinessHours.working_day each


class SlaState(enum.StrEnum):
    """Where a case stands against one SLA: not started, open, at risk, breached or met.

    AT_RISK means ``at_risk_share`` of the allowed time is used; a target reached late
    stays BREACHED.
    """

    NOT_STARTED = "not_started"  # the status that starts the clock is not reached yet
    OPEN = "open"
    AT_RISK = "at_risk"  # at_risk_share of the allowed time used
    BREACHED = "breached"  # past the deadline (met late counts as breached)
    MET = "met"


def _share(_: Any, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not Decimal(0) < value <= Decimal(1):
        raise ValidationError("must be more than 0 and at most 1", field=attribute.name)


def _positive(_: Any, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if value <= 0:
        raise ValidationError("must be positive", field=attribute.name)


@attrs.frozen(slots=True)
class SlaDefinition:
    """A deadline on cases of some kinds and sources (empty sets match any)."""

    id: str
    title: str
    target: CaseStatus
    amount: Decimal = attrs.field(validator=_positive)
    unit: SlaUnit
    source: str = ""  # where the rule comes from ("seed 001")
    kinds: frozenset[CaseKind] = frozenset()
    sources: frozenset[CaseSource] = frozenset()
    start: CaseStatus | None = None  # None: when the case was opened
    at_risk_share: Decimal = attrs.field(default=Decimal("0.75"), validator=_share)

    def __attrs_post_init__(self) -> None:
        if self.start is not None and _rank(self.start) >= _rank(self.target):
            raise ValidationError("the target must come after the start status", field="target")

    def applies_to(self, case: Case) -> bool:
        return (not self.kinds or case.kind in self.kinds) and (
            not self.sources or case.source in self.sources
        )


@attrs.frozen(slots=True)
class SlaStatus:
    """Where one case stands against one definition at ``at``."""

    sla_id: str
    case_id: CaseId
    dealer_id: DealerId
    state: SlaState
    at: datetime
    started_at: datetime | None = None
    deadline: datetime | None = None
    reached_at: datetime | None = None
    used_share: float | None = None  # of the allowed time, at ``at`` or when reached


def _rank(status: CaseStatus) -> int:
    return _STATUS_ORDER.index(status)


def _reached(case: Case, status: CaseStatus) -> datetime | None:
    """When the case first reached ``status`` or any later one."""
    times = [t for s in _STATUS_ORDER[_rank(status) :] if (t := case.first_reached(s)) is not None]
    return min(times) if times else None


def sla_deadline(definition: SlaDefinition, start: datetime, working_time: WorkingTime) -> datetime:
    """The deadline of ``definition`` for a clock started at ``start``.

    A deadline past 9999-12-31 (a clock started near the end of the calendar, a huge
    ``amount``) is a :class:`~crm_core.errors.ScheduleError` naming the definition."""
    try:
        return _deadline(definition, start, working_time)
    except OverflowError as exc:
        raise ScheduleError(
            f"SLA {definition.id}: {definition.amount} {definition.unit.value} after "
            f"{start.isoformat()} falls outside the years 1 to 9999"
        ) from exc


def _deadline(definition: SlaDefinition, start: datetime, working_time: WorkingTime) -> datetime:
    match definition.unit:
        case SlaUnit.HOURS:
            return start + timedelta(hours=float(definition.amount))
        case SlaUnit.DAYS:
            return start + timedelta(days=float(definition.amount))
        case SlaUnit.WORKING_HOURS:
            return working_time.add_working_time(start, timedelta(hours=float(definition.amount)))
        case SlaUnit.WORKING_DAYS:
            return working_time.add_working_days(start, definition.amount)


def _used(
    definition: SlaDefinition,
    start: datetime,
    deadline: datetime,
    moment: datetime,
    working_time: WorkingTime,
) -> float:
    if definition.unit in (SlaUnit.HOURS, SlaUnit.DAYS):
        used, allowed = moment - start, deadline - start
    else:
        used = working_time.working_time_between(start, moment)
        allowed = working_time.working_time_between(start, deadline)
    return used / allowed


def evaluate_sla(
    case: Case, definition: SlaDefinition, working_time: WorkingTime, now: datetime
) -> SlaStatus | None:
    """Where one case stands against one SLA at ``now``, or ``None`` if the SLA does not apply.

    History after ``now`` is ignored, so replaying a past ``now`` gives the answer as it was
    then."""
    require_aware(now, "now")
    if not definition.applies_to(case):
        return None
    start = case.opened_at if definition.start is None else _reached(case, definition.start)
    base = SlaStatus(definition.id, case.id, case.dealer_id, SlaState.NOT_STARTED, now)
    if start is None or start > now:
        return base
    deadline = sla_deadline(definition, start, working_time)
    reached = _reached(case, definition.target)
    if reached is not None and reached <= now:
        share = _used(definition, start, deadline, reached, working_time)
        state = SlaState.MET if reached <= deadline else SlaState.BREACHED
        return attrs.evolve(
            base,
            state=state,
            started_at=start,
            deadline=deadline,
            reached_at=reached,
            used_share=share,
        )
    share = _used(definition, start, deadline, now, working_time)
    if now > deadline:
        state = SlaState.BREACHED
    elif share >= float(definition.at_risk_share):
        state = SlaState.AT_RISK
    else:
        state = SlaState.OPEN
    return attrs.evolve(base, state=state, started_at=start, deadline=deadline, used_share=share)


def _working_time_for(
    case: Case, working_time: WorkingTime | Mapping[DealerId, WorkingTime]
) -> WorkingTime:
    if isinstance(working_time, WorkingTime):
        return working_time
    try:
        return working_time[case.dealer_id]
    except KeyError:
        raise ScheduleError(f"no working time for dealer {case.dealer_id}") from None


def slas_for_case(
    case: Case,
    definitions: Iterable[SlaDefinition],
    working_time: WorkingTime | Mapping[DealerId, WorkingTime],
    now: datetime,
) -> tuple[SlaStatus, ...]:
    """Every applicable definition's status for ``case``, in definition order."""
    wt = _working_time_for(case, working_time)
    return tuple(s for d in definitions if (s := evaluate_sla(case, d, wt, now)) is not None)


def slas_needing_attention(
    cases: Iterable[Case],
    definitions: Sequence[SlaDefinition],
    working_time: WorkingTime | Mapping[DealerId, WorkingTime],
    now: datetime,
) -> list[SlaStatus]:
    """What is at risk or breached and still not done at ``now``, most urgent first.

    ``working_time`` is one dealer's, or a mapping from dealer id to each dealer's.
    Deadlines met late are history, not work, and are not listed.
    """
    found = [
        s
        for case in cases
        for s in slas_for_case(case, definitions, working_time, now)
        if s.state in (SlaState.AT_RISK, SlaState.BREACHED) and s.reached_at is None
    ]
    found.sort(key=lambda s: (s.deadline or now, s.case_id, s.sla_id))
    return found


def load_sla_definitions(text: str, *, source: str) -> tuple[SlaDefinition, ...]:
    """Parse and validate an SLA file in the format of ``slas.toml``."""
    return load_entries(text, SlaDefinition, source=source, key="slas", id_key="id")


@functools.cache
def sla_definitions() -> tuple[SlaDefinition, ...]:
    """The shipped SLA definitions: the seeds' deadlines on complaints and requests (cached).

    Hosts override by loading their own file or by ``attrs.evolve``-ing these."""
    name = "slas.toml"
    return load_sla_definitions(read_packaged(name), source=name)
