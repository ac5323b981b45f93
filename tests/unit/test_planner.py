"""The planner replayed on concrete dates of 2026: the Spring Festival holiday (15–23 Feb,
with 14 and 28 Feb as adjusted working Saturdays) and National Day (1–7 Oct, 10 Oct
working). Every expected due moment is written out; business hours are the default
09:00–12:00 and 13:00–18:00, quiet hours 21:00–08:00."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.case import CaseKind, CaseSource
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType
from crm_core.domain.dealer import StaffRole
from crm_core.domain.ids import (
    CustomerId,
    DealerId,
    InteractionId,
    OwnershipId,
    StaffId,
    TaskId,
    VehicleId,
)
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    Interaction,
    InteractionKind,
    RepairOrder,
    Sale,
)
from crm_core.domain.task import TaskStatus
from crm_core.domain.vehicle import Ownership, UsageNature, Vehicle
from crm_core.errors import ScheduleError, ValidationError
from crm_core.schedule.calendars import Calendar, load_standard
from crm_core.schedule.consent import ContactPolicy, SkipReason
from crm_core.schedule.planner import (
    CustomerFacts,
    Plan,
    PlannerConfig,
    PlanningContext,
    agenda,
    anchor_dates,
    anchor_windows,
    forecast,
    plan,
)
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import WorkingTime

SH = ZoneInfo("Asia/Shanghai")
D = DealerId("D1")
WT = WorkingTime(china_workday_calendar())
# a roomy cap so that replays see every task; the cap has its own tests
ROOMY = PlannerConfig(contact=ContactPolicy(max_contacts=20))


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def end(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=SH)


def ctx(name: str, config: PlannerConfig = ROOMY) -> PlanningContext:
    return PlanningContext(load_standard(name), WT, config)


def customer(cid: str = "C1", **flags: Any) -> Customer:
    return Customer(
        id=CustomerId(cid), dealer_id=D, type=CustomerType.INDIVIDUAL, name="王芳", **flags
    )


def vehicle(vid: str = "V1", **fields: Any) -> Vehicle:
    return Vehicle(id=VehicleId(vid), dealer_id=D, vin="LSVAU2180N2183294", **fields)


def delivery(
    when: datetime, vid: str = "V1", staff: str = "S-sales", iid: str = "DEL1"
) -> Interaction:
    return Interaction(
        id=InteractionId(iid),
        dealer_id=D,
        kind=InteractionKind.DELIVERY,
        occurred_at=when,
        customer_id=CustomerId("C1"),
        vehicle_id=VehicleId(vid),
        staff_id=StaffId(staff),
        detail=Sale(),
    )


def repair(handed_back: datetime, iid: str = "RO1", **detail: object) -> Interaction:
    return Interaction(
        id=InteractionId(iid),
        dealer_id=D,
        kind=InteractionKind.REPAIR_ORDER,
        occurred_at=handed_back - timedelta(hours=6),
        customer_id=CustomerId("C1"),
        vehicle_id=VehicleId("V1"),
        staff_id=StaffId("S-advisor"),
        detail=RepairOrder(handed_back_at=handed_back, **detail),  # type: ignore[arg-type]
    )


def callback(when: datetime, outcome: CallbackOutcome, iid: str, **detail: object) -> Interaction:
    return Interaction(
        id=InteractionId(iid),
        dealer_id=D,
        kind=InteractionKind.CALLBACK,
        occurred_at=when,
        customer_id=CustomerId("C1"),
        vehicle_id=VehicleId("V1"),
        staff_id=StaffId("S-cr"),
        detail=Callback(outcome=outcome, **detail),  # type: ignore[arg-type]
    )


def facts(*interactions: Interaction, cust: Customer | None = None, **kw: Any) -> CustomerFacts:
    return CustomerFacts(cust or customer(), (vehicle(**kw),), (), interactions)


def due(result: Plan) -> dict[str, tuple[datetime, datetime]]:
    return {t.rule_id: (t.due_from, t.due_until) for t in result.tasks}


# --- replays across the 2026 holidays -----------------------------------------------------


def test_svw_service_callback_for_a_repair_handed_back_the_day_before_spring_festival() -> None:
    # Saturday 14 Feb is a working day; 3–7 days later (17–21 Feb) all lie in the holiday,
    # so the window moves with its length to the first working moment, Tue 24 Feb 09:00
    f = facts(repair(at(2026, 2, 14, 16)))
    assert "svw.cr.service_satisfaction" not in due(plan(f, ctx("svw"), now=at(2026, 2, 20, 10)))
    result = plan(f, ctx("svw"), now=at(2026, 2, 24, 10))
    assert due(result)["svw.cr.service_satisfaction"] == (at(2026, 2, 24, 9), end(2026, 2, 28))
    task = next(t for t in result.tasks if t.rule_id == "svw.cr.service_satisfaction")
    assert task.explanation == (
        "After-sales satisfaction callback: repair handed back 2026-02-14, window 3–7 days"
    )
    assert (task.anchor, task.anchor_date, task.role) == (
        "repair_handed_back",
        date(2026, 2, 14),
        StaffRole.CR_REPRESENTATIVE,
    )


def test_svw_service_callback_not_for_taxis_and_to_the_reporter() -> None:
    ro = repair(at(2026, 3, 2, 15), reporter_name="李四", reporter_phone="13812345678")
    result = plan(facts(ro), ctx("svw"), now=at(2026, 3, 5, 10))
    task = next(t for t in result.tasks if t.rule_id == "svw.cr.service_satisfaction")
    assert (task.due_from, task.due_until) == (at(2026, 3, 5, 9), end(2026, 3, 9))
    assert (task.contact_name, task.contact_phone) == ("李四", "13812345678")
    taxi = plan(facts(ro, usage=UsageNature.TAXI), ctx("svw"), now=at(2026, 3, 5, 10))
    assert "svw.cr.service_satisfaction" not in due(taxi)


def test_svw_delivery_callback_across_national_day() -> None:
    # delivered Thu 24 Sep; 7–14 days = 1–8 Oct; 1–7 Oct are holidays, 8 Oct works
    f = facts(delivery(at(2026, 9, 24, 15, 30)), delivery_date=date(2026, 9, 24))
    result = plan(f, ctx("svw"), now=at(2026, 10, 8, 9, 30))
    assert due(result)["svw.cr.delivery_satisfaction"] == (at(2026, 10, 8, 9), end(2026, 10, 8))
    task = next(t for t in result.tasks if t.rule_id == "svw.cr.delivery_satisfaction")
    assert task.explanation == "CR satisfaction callback: delivered 2026-09-24, window 7–14 days"
    assert task.assignee_id is None
    assert plan(f, ctx("svw"), now=at(2026, 10, 5, 10)).tasks == () or (
        "svw.cr.delivery_satisfaction" not in due(plan(f, ctx("svw"), now=at(2026, 10, 5, 10)))
    )


def test_svw_sales_consultant_calls_go_to_the_seller() -> None:
    f = facts(delivery(at(2026, 11, 12, 15, 30), staff="S-zhang"))
    day1 = plan(f, ctx("svw"), now=at(2026, 11, 13, 10))
    task = next(t for t in day1.tasks if t.rule_id == "svw.sales.call_day1")
    assert (task.due_from, task.due_until) == (at(2026, 11, 13, 9), end(2026, 11, 13))
    assert task.assignee_id == "S-zhang"
    # day 3 is Sunday 15 Nov: moved to Monday 16 Nov
    day3 = plan(f, ctx("svw"), now=at(2026, 11, 16, 10))
    assert due(day3)["svw.sales.call_day3"] == (at(2026, 11, 16, 9), end(2026, 11, 16))


def test_svw_ownership_month_callback_lands_on_an_adjusted_saturday() -> None:
    # delivered 31 Mar 2025; 12-1 = 11 months later = 28 Feb 2026 (month end clamped),
    # an adjusted working Saturday
    f = facts(delivery(at(2025, 3, 31, 10)))
    result = plan(f, ctx("svw"), now=at(2026, 2, 28, 10))
    assert due(result)["svw.periodic.ownership_month"] == (at(2026, 2, 28, 9), end(2026, 3, 28))
    task = next(t for t in result.tasks if t.rule_id == "svw.periodic.ownership_month")
    assert task.explanation.endswith("window 11–12 months (occurrence 1 of 5)")


def test_svw_greetings_ignore_working_days_but_respect_quiet_hours() -> None:
    cust = customer(birthday=date(1988, 2, 17))
    f = CustomerFacts(cust)
    result = plan(f, ctx("svw"), now=at(2026, 2, 17, 7))
    by_rule = {t.rule_id: t for t in result.tasks}
    # Spring Festival 17 Feb 2026: greeting from the eve, after quiet hours end at 08:00
    assert (
        by_rule["svw.greeting.spring_festival"].due_from,
        by_rule["svw.greeting.spring_festival"].due_until,
    ) == (
        at(2026, 2, 16, 8),
        end(2026, 2, 17),
    )
    assert (
        by_rule["svw.greeting.birthday"].due_from,
        by_rule["svw.greeting.birthday"].due_until,
    ) == (
        at(2026, 2, 17, 8),
        end(2026, 2, 17),
    )
    assert by_rule["svw.greeting.birthday"].channels == (Channel.SMS,)
    company = CustomerFacts(
        Customer(
            id=CustomerId("C2"),
            dealer_id=D,
            type=CustomerType.COMPANY,
            name="公司",
            birthday=date(1990, 2, 17),
        )
    )
    assert "svw.greeting.birthday" not in due(plan(company, ctx("svw"), now=at(2026, 2, 17, 10)))


def test_dfp_delivery_callback_two_hours_after_drive_away() -> None:
    # driven away Fri 13 Feb 17:00; +2 h is 19:00, after hours; the next working moment
    # is the adjusted working Saturday 14 Feb 09:00; window ends with that working day
    f = facts(delivery(at(2026, 2, 13, 17), staff="S-li"))
    result = plan(f, ctx("dfpeugeot"), now=at(2026, 2, 14, 9, 30))
    task = next(t for t in result.tasks if t.rule_id == "dfp.delivery.thanks")
    assert (task.due_from, task.due_until) == (at(2026, 2, 14, 9), end(2026, 2, 14))
    assert task.channels == (Channel.PHONE, Channel.SMS)
    assert task.assignee_id == "S-li"
    assert task.explanation == (
        "Post-delivery callback: delivered 2026-02-13, from 2 hours after, for 1 working day"
    )
    # delivered Wed 4 Nov 10:00 → +2 h is 12:00, the lunch break: due from 13:00
    g = facts(delivery(at(2026, 11, 4, 10)))
    assert due(plan(g, ctx("dfpeugeot"), now=at(2026, 11, 4, 12, 30)))["dfp.delivery.thanks"] == (
        at(2026, 11, 4, 13),
        end(2026, 11, 5),
    )


def test_dfp_accompany_callbacks_each_with_its_focus() -> None:
    f = facts(delivery(at(2026, 11, 2, 10)))
    foci: dict[str, tuple[str | None, date]] = {}
    for day in range(3, 34):
        now = at(2026, 11, 2, 10) + timedelta(days=day)
        for task in plan(f, ctx("dfpeugeot"), now=now).tasks:
            if task.rule_id.startswith("dfp.accompany."):
                foci.setdefault(task.rule_id, (task.focus, task.due_from.date()))
    assert foci == {
        "dfp.accompany.day3": ("vehicle_functions", date(2026, 11, 5)),
        "dfp.accompany.day7": ("delivery_satisfaction", date(2026, 11, 9)),
        "dfp.accompany.day14": ("usage_experience_and_referral", date(2026, 11, 16)),
        "dfp.accompany.day30": ("services_and_first_maintenance", date(2026, 12, 2)),
    }


def test_dfp_after_sales_callback_only_with_consent_at_the_preferred_number() -> None:
    # handed back Fri 13 Feb: one working day later is Saturday 14 Feb (adjusted); the
    # window runs two working days from there: 24 and 25 Feb
    agreed = repair(
        at(2026, 2, 13, 16),
        callback_consent=True,
        callback_phone="13900001111",
        reporter_phone="13812345678",
        preferred_callback_time="09:00-11:00",
    )
    result = plan(facts(agreed), ctx("dfpeugeot"), now=at(2026, 2, 14, 10))
    task = next(t for t in result.tasks if t.rule_id == "dfp.service.callback")
    assert (task.due_from, task.due_until) == (at(2026, 2, 14, 9), end(2026, 2, 25))
    assert (task.contact_phone, task.preferred_time) == ("13900001111", "09:00-11:00")
    refused = repair(at(2026, 2, 13, 16), callback_consent=False)
    assert "dfp.service.callback" not in due(
        plan(facts(refused), ctx("dfpeugeot"), now=at(2026, 2, 14, 10))
    )


def test_dfp_complaint_escalation_in_working_hours_and_a_proposed_case() -> None:
    # complaint found Fri 13 Feb 17:00: half a working day (4 h) = 17–18 Fri + 09–12 Sat
    found = callback(
        at(2026, 2, 13, 17), CallbackOutcome.COMPLAINT_FOUND, "CB1", rule_id="dfp.service.callback"
    )
    result = plan(facts(found), ctx("dfpeugeot"), now=at(2026, 2, 13, 17, 30))
    assert due(result)["dfp.complaint.escalate"] == (at(2026, 2, 13, 17), at(2026, 2, 14, 12))
    # one working day (8 h) = 1 h Fri + 3 h + 4 h Sat → Sat 17:00
    assert due(result)["dfp.complaint.answer"] == (at(2026, 2, 13, 17), at(2026, 2, 14, 17))
    answer = next(t for t in result.tasks if t.rule_id == "dfp.complaint.answer")
    assert answer.role is StaffRole.SERVICE_MANAGER
    assert len(result.cases) == 1
    case = result.cases[0]
    assert (case.kind, case.source, case.origin_interaction_id, case.opened_at) == (
        CaseKind.COMPLAINT,
        CaseSource.CALLBACK,
        "CB1",
        at(2026, 2, 13, 17),
    )
    # once stored, the case is not proposed again
    stored = CustomerFacts(customer(), (vehicle(),), (), (found,), (case,))
    assert plan(stored, ctx("dfpeugeot"), now=at(2026, 2, 13, 17, 30)).cases == ()


def test_svw_dissatisfied_customer_flow() -> None:
    low = callback(at(2026, 2, 14, 10), CallbackOutcome.REACHED, "CB2", satisfaction=2)
    result = plan(facts(low), ctx("svw"), now=at(2026, 2, 14, 11))
    assert due(result)["svw.dissatisfied.report"] == (at(2026, 2, 14, 9), end(2026, 2, 14))
    assert due(result)["svw.dissatisfied.revisit"] == (at(2026, 2, 14, 9), end(2026, 2, 17))
    report = next(t for t in result.tasks if t.rule_id == "svw.dissatisfied.report")
    assert (report.role, report.channels) == (StaffRole.CR_MANAGER, (Channel.INTERNAL,))
    fine = callback(at(2026, 2, 14, 10), CallbackOutcome.REACHED, "CB3", satisfaction=4)
    assert not any(
        t.anchor == "dissatisfaction"
        for t in plan(facts(fine), ctx("svw"), now=at(2026, 2, 14, 11)).tasks
    )
    issues = callback(
        at(2026, 2, 14, 10),
        CallbackOutcome.REACHED,
        "CB4",
        satisfaction=5,
        issues=("waiting_time",),
    )
    assert "svw.dissatisfied.revisit" in due(
        plan(facts(issues), ctx("svw"), now=at(2026, 2, 14, 11))
    )


def test_skoda_trial_follow_up_unless_the_prospect_bought() -> None:
    drive = Interaction(
        id=InteractionId("TD1"),
        dealer_id=D,
        kind=InteractionKind.TEST_DRIVE,
        occurred_at=at(2026, 2, 13, 15),
        customer_id=CustomerId("C1"),
        staff_id=StaffId("S-wu"),
    )
    prospect = CustomerFacts(customer(), (), (), (drive,))
    result = plan(prospect, ctx("skoda"), now=at(2026, 2, 14, 10))
    task = next(t for t in result.tasks if t.rule_id == "skoda.trial.follow_up")
    assert (task.due_from, task.due_until, task.assignee_id) == (
        at(2026, 2, 14, 9),
        end(2026, 2, 24),
        "S-wu",
    )
    bought = CustomerFacts(customer(), (vehicle(),), (), (drive, delivery(at(2026, 2, 14, 9, 30))))
    assert "skoda.trial.follow_up" not in due(plan(bought, ctx("skoda"), now=at(2026, 2, 14, 10)))


# --- retries, done tasks, ids ------------------------------------------------------------


def _cr_task_id(f: CustomerFacts, now: datetime) -> TaskId:
    return next(
        t.id
        for t in plan(f, ctx("svw"), now=now).tasks
        if t.rule_id == "svw.cr.delivery_satisfaction"
    )


def test_not_reached_is_retried_next_working_day_up_to_the_limit() -> None:
    base = [delivery(at(2026, 2, 5, 10))]
    f = facts(*base)
    first = _cr_task_id(f, at(2026, 2, 12, 10))
    miss1 = callback(at(2026, 2, 14, 10), CallbackOutcome.NOT_REACHED, "CB1", task_id=first)
    result = plan(facts(*base, miss1), ctx("svw"), now=at(2026, 2, 24, 10))
    retry = next(t for t in result.tasks if t.rule_id == "svw.cr.delivery_satisfaction")
    assert (retry.id, retry.attempt) == (f"{first}.2", 2)
    assert (retry.due_from, retry.due_until) == (at(2026, 2, 24, 9), end(2026, 2, 24))
    assert retry.explanation.endswith("attempt 2 of 3, not reached 1 time(s), last on 2026-02-14")
    # not on the holiday in between
    assert "svw.cr.delivery_satisfaction" not in due(
        plan(facts(*base, miss1), ctx("svw"), now=at(2026, 2, 20, 10))
    )
    miss2 = callback(
        at(2026, 2, 24, 10), CallbackOutcome.NOT_REACHED, "CB2", task_id=TaskId(f"{first}.2")
    )
    miss3 = callback(
        at(2026, 2, 25, 10), CallbackOutcome.NOT_REACHED, "CB3", task_id=TaskId(f"{first}.3")
    )
    exhausted = plan(facts(*base, miss1, miss2, miss3), ctx("svw"), now=at(2026, 2, 26, 10))
    assert "svw.cr.delivery_satisfaction" not in due(exhausted)
    skip = next(s for s in exhausted.skipped if s.task.rule_id == "svw.cr.delivery_satisfaction")
    assert skip.reason is SkipReason.ATTEMPTS_EXHAUSTED


def test_done_tasks_and_reached_callbacks_close_a_task() -> None:
    base = delivery(at(2026, 11, 12, 10))
    now = at(2026, 11, 20, 10)
    task_id = _cr_task_id(facts(base), now)
    reached = callback(
        at(2026, 11, 19, 10), CallbackOutcome.REACHED, "CB1", satisfaction=5, task_id=task_id
    )
    assert "svw.cr.delivery_satisfaction" not in due(
        plan(facts(base, reached), ctx("svw"), now=now)
    )
    by_rule = callback(
        at(2026, 11, 19, 10),
        CallbackOutcome.REACHED,
        "CB2",
        satisfaction=5,
        rule_id="svw.cr.delivery_satisfaction",
    )
    assert "svw.cr.delivery_satisfaction" not in due(
        plan(facts(base, by_rule), ctx("svw"), now=now)
    )
    stored = next(t for t in plan(facts(base), ctx("svw"), now=now).tasks if t.id == task_id)
    done = CustomerFacts(
        customer(),
        (vehicle(),),
        (),
        (base,),
        (),
        (attrs.evolve(stored, status=TaskStatus.DONE),),
    )
    assert "svw.cr.delivery_satisfaction" not in due(plan(done, ctx("svw"), now=now))


def test_same_facts_same_tasks_and_ids_depend_on_rule_subject_anchor() -> None:
    f = facts(delivery(at(2026, 11, 12, 10)), repair(at(2026, 11, 18, 16)))
    now = at(2026, 11, 20, 10)
    assert plan(f, ctx("svw"), now=now) == plan(f, ctx("svw"), now=now)
    ids = [t.id for t in plan(f, ctx("svw"), now=now).tasks]
    assert len(set(ids)) == len(ids)
    other = CustomerFacts(customer("C2"), (vehicle(),), (), f.interactions)
    assert not set(ids) & {t.id for t in plan(other, ctx("svw"), now=now).tasks}


def test_sold_vehicles_plan_nothing_for_the_former_owner() -> None:
    sold = Ownership(
        id=OwnershipId("O1"), dealer_id=D, customer_id=CustomerId("C1"), vehicle_id=VehicleId("V1"),
        since=date(2026, 11, 12), until=date(2026, 11, 15),
    )  # fmt: skip
    f = CustomerFacts(customer(), (vehicle(),), (sold,), (delivery(at(2026, 11, 12, 10)),))
    assert not plan(f, ctx("svw"), now=at(2026, 11, 20, 10)).tasks


def test_redlisted_customers_come_first() -> None:
    f = facts(delivery(at(2026, 11, 12, 10)))
    vip = facts(delivery(at(2026, 11, 12, 10)), cust=customer(redlisted=True))
    now = at(2026, 11, 20, 10)
    normal = plan(f, ctx("svw"), now=now).tasks[0].priority
    assert plan(vip, ctx("svw"), now=now).tasks[0].priority == normal + 1000


# --- the consent gate --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"do_not_disturb": True}, SkipReason.DO_NOT_DISTURB),
        ({"blacklisted": True}, SkipReason.BLACKLISTED),
    ],
)
def test_no_contact_for_do_not_disturb_or_blacklisted(
    flags: dict[str, Any], reason: SkipReason
) -> None:
    f = facts(delivery(at(2026, 11, 12, 10)), cust=customer(**flags))
    result = plan(f, ctx("svw"), now=at(2026, 11, 20, 10))
    assert result.tasks == ()
    assert result.skipped
    assert {s.reason for s in result.skipped} == {reason}


def test_refusal_and_opt_out_remove_channels() -> None:
    refused = callback(at(2026, 11, 13, 10), CallbackOutcome.REFUSED, "CB9")
    f = facts(delivery(at(2026, 11, 12, 10)), refused)
    result = plan(f, ctx("dfpeugeot"), now=at(2026, 11, 16, 10))
    day3 = next(t for t in result.tasks if t.rule_id == "dfp.accompany.day3")
    assert day3.channels == (Channel.SMS,)  # phone refused, SMS left
    assert {s.reason for s in result.skipped} == set()  # nothing phone-only due that day
    opted = facts(
        delivery(at(2026, 11, 12, 10)), cust=customer(opted_out_channels=frozenset({Channel.PHONE}))
    )
    result = plan(opted, ctx("svw"), now=at(2026, 11, 20, 10))
    assert result.tasks == ()
    assert {s.reason for s in result.skipped} == {SkipReason.CHANNEL_OPT_OUT}


def test_contact_cap_merges_and_defers_with_a_reason() -> None:
    tight = PlannerConfig(contact=ContactPolicy(max_contacts=1, per_days=7))
    earlier = callback(at(2026, 11, 16, 10), CallbackOutcome.REACHED, "CB1", satisfaction=5)
    f = facts(delivery(at(2026, 11, 12, 10)), repair(at(2026, 11, 16, 16)), earlier)
    result = plan(f, ctx("svw", tight), now=at(2026, 11, 20, 10))
    assert result.tasks == ()  # the one contact of the week was on 16 Nov
    deferred = {t.rule_id: t for t in result.deferred}
    assert set(deferred) >= {"svw.cr.delivery_satisfaction", "svw.cr.service_satisfaction"}
    for task in deferred.values():
        assert task.status is TaskStatus.DEFERRED
        assert task.due_from >= at(2026, 11, 23, 9)
    lead = deferred["svw.cr.delivery_satisfaction"]
    assert lead.status_reason == (
        "contact cap: at most 1 contacts in 7 days, 1 already; deferred to 2026-11-23"
    )
    free = plan(
        facts(delivery(at(2026, 11, 12, 10)), repair(at(2026, 11, 16, 16))),
        ctx("svw", tight),
        now=at(2026, 11, 20, 10),
    )
    cr = [t for t in free.tasks if t.role is StaffRole.CR_REPRESENTATIVE]
    assert len(cr) == 2
    assert sorted(t.status_reason or "" for t in cr)[1].startswith("merged into call t-")


# --- agenda, forecast, anchor windows ----------------------------------------------------


def _fleet(n: int) -> list[CustomerFacts]:
    out = []
    for i in range(n):
        cid = f"C{i}"
        v = vehicle(f"V{i}")
        delivered = at(2026, 1, 5, 10) + timedelta(days=(i * 37) % 320)
        d = Interaction(
            id=InteractionId(f"DEL{i}"),
            dealer_id=D,
            kind=InteractionKind.DELIVERY,
            occurred_at=delivered,
            customer_id=CustomerId(cid),
            vehicle_id=VehicleId(f"V{i}"),
            staff_id=StaffId("S1"),
            detail=Sale(),
        )
        out.append(
            CustomerFacts(
                customer(cid, birthday=date(1980, 1 + i % 12, 1 + i % 28)), (v,), (), (d,)
            )
        )
    return out


def test_agenda_equals_plan_per_customer_and_windows_select_the_same() -> None:
    fleet = _fleet(60)
    now = at(2026, 11, 20, 10)
    context = ctx("svw")
    expected = [p for p in (plan(f, context, now=now) for f in fleet) if p]
    assert list(agenda(iter(fleet), context, now=now)) == expected
    windows = anchor_windows(context.calendar, now.date(), config=context.config)
    selected = [
        f
        for f in fleet
        if any(windows.contains(AnchorKind.DELIVERY, i.occurred_at.date()) for i in f.interactions)
        or (f.customer.birthday and windows.contains(AnchorKind.BIRTHDAY, f.customer.birthday))
    ]
    assert len(selected) < len(fleet)
    assert list(agenda(selected, context, now=now)) == expected


def test_anchor_windows_cover_every_due_task() -> None:
    context = ctx("svw")
    day = date(2026, 2, 24)
    windows = anchor_windows(context.calendar, day, config=context.config)
    assert windows.contains(AnchorKind.REPAIR_HANDED_BACK, date(2026, 2, 14))
    assert not windows.contains(AnchorKind.REPAIR_HANDED_BACK, date(2025, 12, 1))
    assert windows.contains(AnchorKind.NOT_REACHED, date(2026, 2, 14))
    assert windows.contains(AnchorKind.COMPLAINT, day)
    for kind, spans in windows.ranges.items():
        assert list(spans) == sorted(spans), kind
        assert all(a <= b for a, b in spans)


def test_festival_days_make_everyone_a_subject() -> None:
    context = ctx("svw")
    quiet = anchor_windows(context.calendar, date(2026, 11, 23), festivals=context.festivals)
    assert (quiet.festival_days, quiet.everyone) == ((), False)
    assert AnchorKind.HOLIDAY in quiet.ranges
    assert AnchorKind.HOLIDAY not in quiet.subject_ranges
    # Mid-Autumn 2026 is 25 Sep: its greeting window opens on the eve
    eve = anchor_windows(
        context.calendar, date(2026, 9, 24), opening=True, festivals=context.festivals
    )
    assert date(2026, 9, 25) in eve.festival_days
    assert eve.everyone


def test_forecast_counts_tasks_per_role_and_day() -> None:
    fleet = _fleet(40)
    now = at(2026, 11, 20, 10)
    result = forecast(fleet, ctx("svw"), now=now, days=14)
    planned = sum(
        1
        for f in fleet
        for t in plan(f, ctx("svw"), now=now).tasks
        if t.role is StaffRole.SALES_CONSULTANT and t.due_from.date() <= now.date()
    )
    assert result.on(now.date(), StaffRole.SALES_CONSULTANT) >= planned
    assert all(now.date() <= d < now.date() + timedelta(days=14) for d in result.counts)
    assert result.total(StaffRole.CR_REPRESENTATIVE) > 0
    blocked = [
        CustomerFacts(customer(f.customer.id, do_not_disturb=True), f.vehicles, (), f.interactions)
        for f in fleet
    ]
    assert forecast(blocked, ctx("svw"), now=now, days=14).total(StaffRole.CR_REPRESENTATIVE) == 0


def test_unknown_year_is_an_error_not_a_guess() -> None:
    from crm_core.errors import UnknownCalendarYearError

    f = facts(delivery(at(2027, 3, 1, 10)))
    with pytest.raises(UnknownCalendarYearError):
        plan(f, ctx("svw"), now=at(2027, 3, 9, 10))


def test_calendar_type_is_reexported_for_hosts() -> None:
    assert isinstance(ctx("svw").calendar, Calendar)


def test_inspection_reminder_uses_the_national_rules() -> None:
    # a private small car registered 15 Jun 2020: under the 2022 reform its year-6
    # on-site inspection is due by the end of June 2026; the reminder window opens a
    # month before (Sat 30 May, not a working day: Mon 1 Jun 09:00)
    f = CustomerFacts(customer(), (vehicle(first_registration=date(2020, 6, 15)),))
    result = plan(f, ctx("svw"), now=at(2026, 6, 1, 10))
    task = next(t for t in result.tasks if t.rule_id == "svw.reminder.inspection")
    assert (task.due_from, task.due_until) == (at(2026, 6, 1, 9), end(2026, 6, 30))
    assert task.explanation == (
        "Annual-inspection reminder: inspection due 2026-06-30, from 1 month before, for 1 month"
    )
    unregistered = CustomerFacts(customer(), (vehicle(),))
    assert "svw.reminder.inspection" not in due(
        plan(unregistered, ctx("svw"), now=at(2026, 6, 1, 10))
    )


def test_a_proposed_complaint_case_carries_its_slas() -> None:
    found = callback(at(2026, 2, 13, 17), CallbackOutcome.COMPLAINT_FOUND, "CB1")
    result = plan(facts(found), ctx("dfpeugeot"), now=at(2026, 2, 13, 17, 30))
    slas = {s.sla_id: s for s in result.slas}
    assert slas["complaint_to_general_manager"].deadline == at(2026, 2, 14, 12)
    assert slas["complaint_to_general_manager"].case_id == result.cases[0].id
    assert slas["complaint_answer"].deadline is None  # starts when escalated


def test_since_plans_only_tasks_opening_in_the_period() -> None:
    f = facts(delivery(at(2026, 11, 12, 10)))
    context = ctx("svw")
    # 19 Nov: the CR callback window (7–14 days) opens; the day-7 sales call is due
    opening = plan(f, context, now=at(2026, 11, 19, 8), since=date(2026, 11, 19))
    assert sorted(due(opening)) == ["svw.cr.delivery_satisfaction", "svw.sales.call_day7"]
    # the next day nothing opens, though both are still open
    assert plan(f, context, now=at(2026, 11, 20, 8), since=date(2026, 11, 20)).tasks == ()
    assert "svw.cr.delivery_satisfaction" in due(plan(f, context, now=at(2026, 11, 20, 8)))
    with pytest.raises(ValidationError):
        plan(f, context, now=at(2026, 11, 20, 8), since=date(2026, 11, 21))


@pytest.mark.parametrize(
    ("now", "message"),
    [
        (date(2026, 11, 23), "now: must be a timezone-aware datetime, not date"),
        (datetime(2026, 11, 23, 9), "now: must be timezone-aware"),  # noqa: DTZ001
        ("2026-11-23T09:00+08:00", "now: must be a timezone-aware datetime, not str"),
    ],
)
def test_now_that_is_not_an_aware_datetime_is_refused_by_name(now: Any, message: str) -> None:
    # a date is the natural slip ("plan today"); it failed with an AttributeError before
    for run in (
        lambda: plan(facts(), ctx("svw"), now=now),
        lambda: list(agenda([facts()], ctx("svw"), now=now)),
        lambda: forecast([facts()], ctx("svw"), now=now, days=3),
    ):
        with pytest.raises(ValidationError) as caught:
            run()
        assert str(caught.value) == message
        assert caught.value.field == "now"


@pytest.mark.parametrize(
    "now",
    [
        datetime(9999, 12, 31, 20, tzinfo=UTC),  # already year 10000 in Shanghai
        datetime(9999, 12, 20, tzinfo=SH),  # the windows reach past 9999-12-31
        datetime(1, 1, 2, tzinfo=UTC),  # overdue tasks reach back before year 1
    ],
)
def test_a_day_at_the_end_of_the_calendar_is_a_schedule_error(now: datetime) -> None:
    planning = ctx("svw")
    facts = [CustomerFacts(customer())]
    with pytest.raises(ScheduleError, match="outside the years 1 to 9999"):
        plan(facts[0], planning, now=now)
    with pytest.raises(ScheduleError, match="outside the years 1 to 9999"):
        list(agenda(facts, planning, now=now))
    with pytest.raises(ScheduleError, match="outside the years 1 to 9999"):
        forecast(facts, planning, now=now, days=3)
    with pytest.raises(ScheduleError, match="outside the years 1 to 9999"):
        anchor_windows(planning.calendar, now.date())


def test_a_record_at_the_end_of_the_calendar_names_its_customer() -> None:
    # 9999-12-31 23:59 UTC is a valid aware datetime, but not a day in Shanghai
    facts = CustomerFacts(
        customer("C9"), (vehicle(),), interactions=(delivery(datetime.max.replace(tzinfo=UTC)),)
    )
    planning = ctx("svw")
    now = at(2026, 11, 23, 10)
    for run in (
        lambda: plan(facts, planning, now=now),
        lambda: list(agenda([facts], planning, now=now)),
        lambda: forecast([facts], planning, now=now, days=7),
        lambda: list(anchor_dates([facts], planning, on=now.date())),
    ):
        with pytest.raises(ScheduleError, match="customer C9: a date falls outside"):
            run()


def test_a_forecast_over_negative_days_is_refused() -> None:
    with pytest.raises(ValidationError, match="cannot forecast -1 days") as caught:
        forecast([], ctx("svw"), now=at(2026, 11, 23, 10), days=-1)
    assert caught.value.field == "days"
    assert forecast([], ctx("svw"), now=at(2026, 11, 23, 10), days=0).counts == {}
