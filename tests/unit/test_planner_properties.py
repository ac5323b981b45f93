"""Properties of the planner over generated customers, histories and days (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType
from crm_core.domain.ids import CustomerId, DealerId, InteractionId, StaffId, VehicleId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    Interaction,
    InteractionKind,
    RepairOrder,
    Sale,
)
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import UsageNature, Vehicle
from crm_core.schedule.calendars import STANDARD_CALENDARS, Calendar, load_standard
from crm_core.schedule.consent import ContactPolicy
from crm_core.schedule.planner import (
    AnchorWindows,
    CustomerFacts,
    Plan,
    PlannerConfig,
    PlanningContext,
    _plan_one,
    _Planning,
    agenda,
    plan,
)
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import WorkingTime

SH = ZoneInfo("Asia/Shanghai")
D = DealerId("D1")
WT = WorkingTime(china_workday_calendar())
CALENDARS: dict[str, Calendar] = {name: load_standard(name) for name in STANDARD_CALENDARS}
CONTEXTS = {
    name: PlanningContext(cal, WT, PlannerConfig(contact=ContactPolicy(max_contacts=2)))
    for name, cal in CALENDARS.items()
}
# the shipped working-day calendar knows 2024-2026: anchors from March 2024, days up to
# the end of November 2026 keep every window inside known years
FIRST = datetime(2024, 3, 1, tzinfo=SH)
LAST = datetime(2026, 11, 30, 23, 0, tzinfo=SH)

moments = st.integers(0, int((LAST - FIRST).total_seconds() // 600)).map(
    lambda n: FIRST + timedelta(minutes=10 * n)
)
days_now = st.integers(0, int((LAST - datetime(2025, 1, 15, tzinfo=SH)).days)).flatmap(
    lambda n: st.integers(0, 23).map(
        lambda h: datetime(2025, 1, 15, tzinfo=SH) + timedelta(days=n, hours=h)
    )
)


rarely = st.sampled_from([False] * 7 + [True])


def near(now: datetime) -> st.SearchStrategy[datetime]:
    """Moments in the 45 days before ``now`` (where tasks are due), sometimes anywhere."""
    recent = st.integers(0, 45 * 24 * 6).map(lambda n: now - timedelta(minutes=10 * n))
    return st.one_of(recent, recent, recent, moments).filter(lambda m: m >= FIRST)


@st.composite
def customer_facts(draw: st.DrawFn, now: datetime, cid: str = "C1") -> CustomerFacts:
    moments_near = near(now)
    customer = Customer(
        id=CustomerId(cid),
        dealer_id=D,
        type=draw(st.sampled_from(CustomerType)),
        name="客户",
        birthday=draw(st.none() | st.dates(date(1950, 1, 1), date(2005, 12, 31))),
        do_not_disturb=draw(rarely),
        blacklisted=draw(rarely),
        redlisted=draw(st.booleans()),
        opted_out_channels=draw(
            st.sampled_from([frozenset[Channel]()] * 3)
            | st.frozensets(st.sampled_from([Channel.PHONE, Channel.SMS]))
        ),
    )
    vehicle = Vehicle(
        id=VehicleId(f"{cid}-V"),
        dealer_id=D,
        vin="LSVAU2180N2183294",
        usage=draw(st.sampled_from(UsageNature)),
        is_used=draw(st.booleans()),
        insurance_expiry=draw(st.none() | st.dates(date(2024, 6, 1), date(2027, 6, 1))),
    )
    interactions: list[Interaction] = []

    def add(kind: InteractionKind, when: datetime, detail: object = None) -> None:
        interactions.append(
            Interaction(
                id=InteractionId(f"{cid}-I{len(interactions)}"),
                dealer_id=D,
                kind=kind,
                occurred_at=when,
                customer_id=customer.id,
                vehicle_id=vehicle.id,
                staff_id=StaffId(draw(st.sampled_from(["S1", "S2"]))),
                detail=detail,  # type: ignore[arg-type]
            )
        )

    if draw(st.booleans()):
        add(InteractionKind.DELIVERY, draw(moments_near), Sale())
    for when in draw(st.lists(moments_near, max_size=3)):
        add(
            InteractionKind.REPAIR_ORDER,
            when,
            RepairOrder(
                handed_back_at=when + timedelta(hours=3), callback_consent=draw(st.booleans())
            ),
        )
    for when in draw(st.lists(moments_near, max_size=3)):
        add(
            InteractionKind.CALLBACK,
            when,
            Callback(
                outcome=draw(st.sampled_from(CallbackOutcome)),
                satisfaction=draw(st.none() | st.integers(1, 5)),
                rule_id=draw(
                    st.none()
                    | st.sampled_from(["svw.cr.delivery_satisfaction", "dfp.service.callback"])
                ),
            ),
        )
    return CustomerFacts(customer, (vehicle,), (), tuple(interactions))


cases = days_now.flatmap(lambda now: st.tuples(customer_facts(now), st.just(now)))


def _all(
    result_tasks: tuple[FollowUpTask, ...], deferred: tuple[FollowUpTask, ...]
) -> list[FollowUpTask]:
    return [*result_tasks, *deferred]


@settings(max_examples=40, deadline=None)
@given(case=cases, name=st.sampled_from(STANDARD_CALENDARS))
def test_planning_twice_gives_the_same_plan(
    case: tuple[CustomerFacts, datetime], name: str
) -> None:
    facts, now = case
    first = plan(facts, CONTEXTS[name], now=now)
    assert plan(facts, CONTEXTS[name], now=now) == first
    ids = [t.id for t in _all(first.tasks, first.deferred)]
    assert len(ids) == len(set(ids))


@settings(max_examples=40, deadline=None)
@given(case=cases, name=st.sampled_from(STANDARD_CALENDARS))
def test_never_contact_a_do_not_disturb_or_blacklisted_customer(
    case: tuple[CustomerFacts, datetime], name: str
) -> None:
    facts, now = case
    result = plan(facts, CONTEXTS[name], now=now)
    if not facts.customer.contactable:
        for task in _all(result.tasks, result.deferred):
            assert task.channels == (Channel.INTERNAL,)
    for task in _all(result.tasks, result.deferred):
        assert not set(task.channels) & facts.customer.opted_out_channels


@settings(max_examples=40, deadline=None)
@given(case=cases, name=st.sampled_from(STANDARD_CALENDARS))
def test_windows_hold_a_moment_when_the_task_can_be_done(
    case: tuple[CustomerFacts, datetime], name: str
) -> None:
    """A rule that asks for working time gets a window that starts at a working moment
    (so it contains one); any other contact task starts outside quiet hours."""
    facts, now = case
    calendar = CALENDARS[name]
    result = plan(facts, CONTEXTS[name], now=now)
    for task in _all(result.tasks, result.deferred):
        rule = calendar.rule(task.rule_id)
        assert task.due_from <= task.due_until
        if rule.working_time:
            assert WT.is_working_time(task.due_from), task
        elif rule.is_contact:
            assert not WT.is_quiet(task.due_from), task
        # the task is due on the planned day, or overdue by at most a week
        assert task.due_from.astimezone(SH).date() <= now.date() or task in result.deferred


@settings(max_examples=12, deadline=None)
@given(
    data=days_now.flatmap(
        lambda now: st.tuples(
            st.just(now), st.tuples(*(customer_facts(now, f"C{i}") for i in range(4)))
        )
    )
)
def test_agenda_is_plan_per_customer(data: tuple[datetime, tuple[CustomerFacts, ...]]) -> None:
    now, fleet = data
    context = CONTEXTS["svw"]
    expected = [p for p in (plan(f, context, now=now) for f in fleet) if p]
    assert list(agenda(iter(fleet), context, now=now)) == expected


def test_generated_histories_do_produce_tasks() -> None:
    """Guard for the properties above: the strategy must reach the interesting cases."""
    found = 0
    for year, month in ((2025, 3), (2025, 9), (2026, 3)):
        now = datetime(year, month, 10, 10, tzinfo=SH)
        delivered = now - timedelta(days=8)
        facts = CustomerFacts(
            Customer(id=CustomerId("C"), dealer_id=D, type=CustomerType.INDIVIDUAL, name="x"),
            (Vehicle(id=VehicleId("V"), dealer_id=D, vin="x"),),
            (),
            (
                Interaction(
                    id=InteractionId("I"),
                    dealer_id=D,
                    kind=InteractionKind.DELIVERY,
                    occurred_at=delivered,
                    customer_id=CustomerId("C"),
                    vehicle_id=VehicleId("V"),
                    detail=Sale(),
                ),
            ),
        )
        found += len(plan(facts, CONTEXTS["svw"], now=now).tasks)
    assert found >= 3


def _unfiltered(facts: CustomerFacts, name: str, now: datetime, since: date | None) -> Plan:
    """The plan with the anchor pre-check switched off: every anchor, every rule."""
    ctx = CONTEXTS[name]
    everything = ((date.min, date.max),)
    day = now.astimezone(SH).date()
    first = since or day
    windows = AnchorWindows(
        first,
        day,
        dict.fromkeys(AnchorKind, everything),
        {rule.id: everything for rule in ctx.calendar.rules},
    )
    return _plan_one(_Planning(ctx, now, first, day, windows, since is not None), facts)


@settings(max_examples=40, deadline=None)
@given(case=cases, name=st.sampled_from(STANDARD_CALENDARS), daily=st.booleans())
def test_anchor_windows_never_hide_a_due_task(
    case: tuple[CustomerFacts, datetime], name: str, daily: bool
) -> None:
    """The contract with storage: a subject outside the windows has nothing due, so
    selecting subjects by anchor_windows loses no task."""
    facts, now = case
    since = now.date() if daily else None
    assert plan(facts, CONTEXTS[name], now=now, since=since) == _unfiltered(facts, name, now, since)


@settings(max_examples=20, deadline=None)
@given(case=cases, days=st.integers(1, 6))
def test_daily_runs_emit_each_task_once_and_catch_up_equals_them(
    case: tuple[CustomerFacts, datetime], days: int
) -> None:
    facts, end = case
    context = CONTEXTS["dfpeugeot"]
    first = end - timedelta(days=days - 1)
    seen: dict[str, date] = {}
    for n in range(days):
        now = first + timedelta(days=n)
        result = plan(facts, context, now=now, since=now.date())
        for task in _all(result.tasks, result.deferred):
            assert task.id not in seen, (task.id, seen.get(task.id), now.date())
            seen[task.id] = now.date()
    catch_up = plan(facts, context, now=end, since=first.date())
    assert {t.id for t in _all(catch_up.tasks, catch_up.deferred)} == set(seen)
