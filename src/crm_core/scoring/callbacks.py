"""Seed 001's monthly callback report (回访月报) and callback compliance with the
calendars' windows.

The report covers the callbacks due in the month — follow-up tasks whose due window opens
in the month, first attempts only, not cancelled — and counts those made (any callback
recorded against the task) and successful (the customer was reached), each as a share of
those due; the mean satisfaction with the last repair and per questionnaire item over the
successful callbacks; and the issues customers raised most often.

Compliance checks when the first successful callback happened against a window counted in
days from the task's anchor — seed 000's 7–14 days after delivery, 3–7 days after a
repair is handed back. Windows are plain data (:class:`CallbackWindow`), matched to a
task by its rule id first, then by its anchor kind, so a host's own calendar works too.

>>> from datetime import UTC, date, datetime
>>> from crm_core.domain.contact import Channel
>>> from crm_core.domain.dealer import StaffRole
>>> from crm_core.domain.interaction import Callback, CallbackOutcome, Interaction
>>> from crm_core.domain.interaction import InteractionKind
>>> from crm_core.domain.task import FollowUpTask
>>> from crm_core.scoring.period import Period
>>> def task(n):
...     return FollowUpTask(id=f"T{n}", dealer_id="D1", rule_id="svw.after_sales",
...         customer_id=f"C{n}", due_from=datetime(2026, 3, 4, tzinfo=UTC),
...         due_until=datetime(2026, 3, 8, tzinfo=UTC), role=StaffRole.CR_REPRESENTATIVE,
...         channels=(Channel.PHONE,), anchor="repair_handed_back",
...         anchor_date=date(2026, 3, 1), explanation="after-sales callback")
>>> call = Interaction(id="I1", dealer_id="D1", kind=InteractionKind.CALLBACK,
...     occurred_at=datetime(2026, 3, 5, 3, tzinfo=UTC), customer_id="C1",
...     detail=Callback(outcome=CallbackOutcome.REACHED, task_id="T1", satisfaction=4,
...                     issues=("waiting_time",)))
>>> r = callback_reports(Period.month(2026, 3), [task(1), task(2)], [call])["D1"]
>>> r.due, r.made.value, r.successful.value, r.satisfaction.value, r.top_issues
(2, Decimal('0.5000'), Decimal('0.5000'), Decimal('4.00'), (('waiting_time', 1),))
>>> c = r.compliance[0]
>>> (c.key, c.due, c.inside, c.not_done)
('repair_handed_back', 2, 1, 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from crm_core.domain._validators import non_negative
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.ids import DealerId, TaskId
from crm_core.domain.interaction import Callback, CallbackOutcome, Interaction, InteractionKind
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.errors import ValidationError
from crm_core.scoring.kpi import KpiValue, anchor_kinds, decimal_places, mean, rate
from crm_core.scoring.period import Period
from crm_core.scoring.surveys import QuestionScore, QuestionTally

__all__ = [
    "CallbackReport",
    "CallbackReportConfig",
    "CallbackWindow",
    "WindowCompliance",
    "callback_reports",
]


@attrs.frozen(slots=True)
class CallbackWindow:
    """The days after the anchor in which a callback counts as on time (7–14 after delivery).

    A callback is on time from ``min_days`` to ``max_days`` (inclusive) after the anchor
    day. ``key`` is a task rule id or an anchor kind."""

    key: str
    min_days: int
    max_days: int
    label: str = ""

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.min_days <= self.max_days:
            raise ValidationError("need 0 <= min_days <= max_days", field="max_days")


def _default_windows() -> tuple[CallbackWindow, ...]:
    return (
        CallbackWindow(AnchorKind.DELIVERY.value, 7, 14, "CR satisfaction callback after delivery"),
        CallbackWindow(
            AnchorKind.REPAIR_HANDED_BACK.value, 3, 7, "CR satisfaction callback after a repair"
        ),
    )


def _unique_keys(
    _: Any, attribute: attrs.Attribute[Any], value: tuple[CallbackWindow, ...]
) -> None:
    keys = [w.key for w in value]
    if len(set(keys)) != len(keys):
        raise ValidationError("window keys must be unique", field=attribute.name)


@attrs.frozen(slots=True)
class CallbackReportConfig:
    """What the monthly callback report covers and counts; by default after-sales callbacks.

    Which tasks the report covers (``anchors``, and ``rule_ids`` when set), which
    outcomes count as successful, the compliance windows, and how many issues to list. The
    default covers after-sales callbacks, seed 001's subject."""

    anchors: frozenset[str] = attrs.field(
        default=frozenset({AnchorKind.REPAIR_HANDED_BACK}), validator=anchor_kinds
    )
    rule_ids: frozenset[str] | None = None
    successful_outcomes: frozenset[CallbackOutcome] = frozenset(
        {CallbackOutcome.REACHED, CallbackOutcome.COMPLAINT_FOUND}
    )
    windows: tuple[CallbackWindow, ...] = attrs.field(
        factory=_default_windows, validator=_unique_keys
    )
    top_issues: int = attrs.field(default=5, validator=non_negative)
    places: int = attrs.field(default=4, validator=decimal_places)


@attrs.frozen(slots=True)
class WindowCompliance:
    """Tasks due under one window and when their first successful callback came."""

    key: str
    label: str
    min_days: int
    max_days: int
    due: int
    inside: int
    early: int
    late: int
    not_done: int
    inside_rate: KpiValue  # inside / due


@attrs.frozen(slots=True)
class CallbackReport:
    """Seed 001's monthly callback report of one dealer: due, made, successful, satisfaction.

    What :func:`callback_reports` returns per dealer: the callbacks due in the period, the
    share made and the share successful (of those due), the mean satisfaction with the last
    repair and per question, the issues customers raised most, and on-time compliance per
    callback window.
    """

    dealer_id: DealerId
    period: Period
    due: int  # 本月应回访数量
    made: KpiValue  # 实施回访数量 / due
    successful: KpiValue  # 成功回访数量 / due
    satisfaction: KpiValue  # mean satisfaction with the last repair (1..5)
    questions: tuple[QuestionScore, ...]  # 各个问题的满意度
    top_issues: tuple[tuple[str, int], ...]  # 客户反映比较多的问题, most frequent first
    compliance: tuple[WindowCompliance, ...]


_MADE = 1  # low bit of a due task's state; the first successful day ordinal sits above it


class _Acc:
    __slots__ = ("due", "issues", "questions", "sat_n", "sat_total", "state")

    def __init__(self) -> None:
        # task id -> (window index or -1, anchor day ordinal)
        self.due: dict[TaskId, tuple[int, int]] = {}
        self.state: dict[TaskId, int] = {}
        self.sat_total = self.sat_n = 0
        self.questions = QuestionTally()
        self.issues: Counter[str] = Counter()


def callback_reports(
    period: Period,
    tasks: Iterable[FollowUpTask],
    interactions: Iterable[Interaction],
    config: CallbackReportConfig | None = None,
    dealer_id: DealerId | None = None,
) -> dict[DealerId, CallbackReport]:
    """The callback report of ``period`` per dealer (or for ``dealer_id`` only).

    ``tasks`` is read first, then ``interactions``; memory holds the period's due tasks,
    not the interactions.
    """
    cfg = config or CallbackReportConfig()
    tz = period.tz
    start, end = period.start, period.end
    index = {w.key: n for n, w in enumerate(cfg.windows)}
    accs: dict[DealerId, _Acc] = {}
    if dealer_id is not None:
        accs[dealer_id] = _Acc()
    # enum members bound to locals: an enum class attribute costs a __getattr__ hook in
    # Python 3.11, and the interactions loop runs once per callback of the month
    cancelled, callback = TaskStatus.CANCELLED, InteractionKind.CALLBACK
    for t in tasks:
        if dealer_id is not None and t.dealer_id != dealer_id:
            continue
        if (
            t.attempt != 1
            or t.status is cancelled
            or t.anchor not in cfg.anchors
            or (cfg.rule_ids is not None and t.rule_id not in cfg.rule_ids)
            or not start <= t.due_from < end
        ):
            continue
        acc = accs.get(t.dealer_id)
        if acc is None:
            acc = accs[t.dealer_id] = _Acc()
        window = index.get(t.rule_id, index.get(t.anchor, -1))
        acc.due[t.id] = (window, t.anchor_date.toordinal())
    success = cfg.successful_outcomes
    for i in interactions:
        if i.kind is not callback:
            continue
        detail = i.detail
        if not isinstance(detail, Callback) or detail.task_id is None:
            continue
        acc = accs.get(i.dealer_id)
        if acc is None or detail.task_id not in acc.due:
            continue
        state = acc.state.get(detail.task_id, 0) | _MADE
        if detail.outcome in success:
            day = i.occurred_at.astimezone(tz).toordinal()
            first = state >> 1
            if first == 0 or day < first:
                state = day << 1 | _MADE
            if detail.satisfaction is not None:
                acc.sat_total += detail.satisfaction
                acc.sat_n += 1
            acc.questions.add(detail.answers)
            acc.issues.update(detail.issues)
        acc.state[detail.task_id] = state
    return {did: _report(did, period, acc, cfg) for did, acc in accs.items()}


def _report(did: DealerId, period: Period, acc: _Acc, cfg: CallbackReportConfig) -> CallbackReport:
    due = len(acc.due)
    made = successful = 0
    # per window: due, inside, early, late, not done
    tallies = [[0, 0, 0, 0, 0] for _ in cfg.windows]
    for task_id, (window, anchor) in acc.due.items():
        state = acc.state.get(task_id, 0)
        made += state & _MADE
        first = state >> 1
        successful += first > 0
        if window < 0:
            continue
        tally = tallies[window]
        tally[0] += 1
        w = cfg.windows[window]
        if first == 0:
            tally[4] += 1
        elif first - anchor < w.min_days:
            tally[2] += 1
        elif first - anchor > w.max_days:
            tally[3] += 1
        else:
            tally[1] += 1
    ranked = sorted(acc.issues.items(), key=lambda kv: (-kv[1], kv[0]))
    return CallbackReport(
        dealer_id=did,
        period=period,
        due=due,
        made=rate("callbacks_made", made, due, places=cfg.places),
        successful=rate("callbacks_successful", successful, due, places=cfg.places),
        satisfaction=mean("last_repair_satisfaction", acc.sat_total, acc.sat_n),
        questions=acc.questions.scores(),
        top_issues=tuple(ranked[: cfg.top_issues]),
        compliance=tuple(
            WindowCompliance(
                key=w.key,
                label=w.label,
                min_days=w.min_days,
                max_days=w.max_days,
                due=t[0],
                inside=t[1],
                early=t[2],
                late=t[3],
                not_done=t[4],
                inside_rate=rate(f"{w.key}_inside", t[1], t[0], places=cfg.places),
            )
            for w, t in zip(cfg.windows, tallies, strict=True)
            if t[0]
        ),
    )
