"""SLA deadlines and states, with exact moments across holidays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.case import Case, CaseKind, CaseSource, CaseStatus, CaseStatusChange
from crm_core.domain.ids import CaseId, DealerId
from crm_core.errors import ScheduleError, StandardsError, ValidationError
from crm_core.schedule.sla import (
    SlaDefinition,
    SlaState,
    SlaStatus,
    SlaUnit,
    evaluate_sla,
    load_sla_definitions,
    sla_deadline,
    sla_definitions,
    slas_for_case,
    slas_needing_attention,
)
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import WorkingTime

SH = ZoneInfo("Asia/Shanghai")
WT = WorkingTime(china_workday_calendar())
DEFS = {d.id: d for d in sla_definitions()}


def at(m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=SH)


def case(
    opened: datetime,
    *changes: tuple[CaseStatus, datetime],
    kind: CaseKind = CaseKind.COMPLAINT,
    source: CaseSource = CaseSource.CALLBACK,
    case_id: str = "K1",
    dealer: str = "D1",
) -> Case:
    history = (
        CaseStatusChange(CaseStatus.OPEN, opened),
        *(CaseStatusChange(s, t) for s, t in changes),
    )
    return Case(
        id=CaseId(case_id),
        dealer_id=DealerId(dealer),
        kind=kind,
        opened_at=opened,
        history=history,
        source=source,
    )


def test_shipped_definitions() -> None:
    assert list(DEFS) == [
        "complaint_to_general_manager",
        "complaint_answer",
        "written_request",
        "third_party_survey",
        "dissatisfied_revisit",
    ]
    gm = DEFS["complaint_to_general_manager"]
    assert (gm.amount, gm.unit, gm.target) == (
        Decimal("0.5"),
        SlaUnit.WORKING_DAYS,
        CaseStatus.ESCALATED,
    )
    assert DEFS["written_request"].amount == Decimal(48)


@pytest.mark.parametrize(
    ("sla_id", "start", "deadline"),
    [
        # a complaint found at 16:00 on the Friday before the Spring Festival holiday:
        # 2 h that afternoon, 2 h on the adjusted working Saturday 14 Feb
        ("complaint_to_general_manager", at(2, 13, 16), at(2, 14, 11)),
        # found on the adjusted Saturday at 15:00: 3 h left that day, then 1 h on 24 Feb
        ("complaint_to_general_manager", at(2, 14, 15), at(2, 24, 10)),
        ("complaint_answer", at(2, 14, 15), at(2, 24, 15)),
        # National Day: found 30 Sep 17:00, answered within one working day → 8 Oct
        ("complaint_answer", at(9, 30, 17), at(10, 8, 17)),
        # clock hours ignore the holiday
        ("written_request", at(2, 14, 15), at(2, 16, 15)),
        ("dissatisfied_revisit", at(9, 30, 17), at(10, 3, 17)),
    ],
)
def test_deadlines(sla_id: str, start: datetime, deadline: datetime) -> None:
    assert sla_deadline(DEFS[sla_id], start, WT) == deadline


def test_working_hours_unit() -> None:
    d = SlaDefinition(
        id="x", title="x", target=CaseStatus.ANSWERED, amount=Decimal(3), unit=SlaUnit.WORKING_HOURS
    )
    assert sla_deadline(d, at(9, 30, 17), WT) == at(10, 8, 11)


def test_complaint_lifecycle_states() -> None:
    opened = at(2, 13, 16)
    fresh = case(opened)
    gm = DEFS["complaint_to_general_manager"]
    answer = DEFS["complaint_answer"]

    s = evaluate_sla(fresh, gm, WT, at(2, 13, 16, 30))
    assert s is not None
    assert (s.state, s.deadline, s.used_share) == (SlaState.OPEN, at(2, 14, 11), 0.125)
    # evening and night do not use working time
    s = evaluate_sla(fresh, gm, WT, at(2, 13, 23))
    assert s is not None
    assert (s.state, s.used_share) == (SlaState.AT_RISK, 0.5)
    s = evaluate_sla(fresh, gm, WT, at(2, 14, 11, 1))
    assert s is not None
    assert s.state is SlaState.BREACHED

    pending = evaluate_sla(fresh, answer, WT, at(2, 14, 10))
    assert pending == SlaStatus(
        "complaint_answer", CaseId("K1"), DealerId("D1"), SlaState.NOT_STARTED, at(2, 14, 10)
    )

    handled = case(
        opened, (CaseStatus.ESCALATED, at(2, 14, 9, 30)), (CaseStatus.ANSWERED, at(2, 24, 16))
    )
    s = evaluate_sla(handled, gm, WT, at(3, 1))
    assert s is not None
    assert (s.state, s.reached_at, s.used_share) == (SlaState.MET, at(2, 14, 9, 30), 0.625)
    s = evaluate_sla(handled, answer, WT, at(3, 1))
    assert s is not None
    # clock started 14 Feb 09:30; one working day → 24 Feb 09:30; answered 16:00: late
    assert (s.state, s.started_at, s.deadline) == (
        SlaState.BREACHED,
        at(2, 14, 9, 30),
        at(2, 24, 9, 30),
    )
    # replaying an earlier `now` ignores later history
    s = evaluate_sla(handled, answer, WT, at(2, 24, 8))
    assert s is not None
    assert (s.state, s.reached_at) == (SlaState.AT_RISK, None)


def test_a_later_status_meets_an_earlier_target() -> None:
    skipped = case(at(3, 2, 10), (CaseStatus.RESOLVED, at(3, 2, 11)))
    statuses = {s.sla_id: s for s in slas_for_case(skipped, sla_definitions(), WT, at(3, 3))}
    assert set(statuses) == {
        "complaint_to_general_manager",
        "complaint_answer",
        "dissatisfied_revisit",
    }
    assert {s.state for s in statuses.values()} == {SlaState.MET}
    assert statuses["complaint_answer"].started_at == at(3, 2, 11)


def test_applicability() -> None:
    written = case(at(3, 2, 10), kind=CaseKind.INQUIRY, source=CaseSource.WRITTEN_REQUEST)
    assert [s.sla_id for s in slas_for_case(written, sla_definitions(), WT, at(3, 2, 11))] == [
        "written_request"
    ]
    hotline = case(at(3, 2, 10), source=CaseSource.HOTLINE)
    assert slas_for_case(hotline, sla_definitions(), WT, at(3, 2, 11)) == ()
    assert evaluate_sla(hotline, DEFS["written_request"], WT, at(3, 2, 11)) is None


def test_needing_attention_across_dealers_most_urgent_first() -> None:
    now = at(3, 4, 12)
    cases = [
        case(
            at(3, 2, 10), kind=CaseKind.INQUIRY, source=CaseSource.WRITTEN_REQUEST, case_id="W-late"
        ),
        case(
            at(3, 3, 0),
            kind=CaseKind.INQUIRY,
            source=CaseSource.THIRD_PARTY_SURVEY,
            case_id="S-risk",
            dealer="D2",
        ),
        case(at(3, 4, 9), case_id="C-new"),
        case(
            at(3, 2, 10),
            (CaseStatus.ANSWERED, at(3, 2, 12)),
            kind=CaseKind.INQUIRY,
            source=CaseSource.WRITTEN_REQUEST,
            case_id="W-done",
        ),
    ]
    per_dealer = {DealerId("D1"): WT, DealerId("D2"): WT}
    found = slas_needing_attention(cases, sla_definitions(), per_dealer, now)
    assert [(s.case_id, s.sla_id, s.state) for s in found] == [
        ("W-late", "written_request", SlaState.BREACHED),  # deadline 4 Mar 10:00
        (
            "C-new",
            "complaint_to_general_manager",
            SlaState.AT_RISK,
        ),  # due 4 Mar 14:00, 3 of 4 h used
        ("S-risk", "third_party_survey", SlaState.AT_RISK),  # due 5 Mar 00:00, 75 % used
    ]
    with pytest.raises(ScheduleError, match="D2"):
        slas_needing_attention(cases, sla_definitions(), {DealerId("D1"): WT}, now)


def test_bad_input() -> None:
    with pytest.raises(ValidationError, match="aware"):
        evaluate_sla(case(at(3, 2)), DEFS["written_request"], WT, datetime(2026, 3, 2))  # noqa: DTZ001
    with pytest.raises(ValidationError, match="positive"):
        attrs.evolve(DEFS["written_request"], amount=Decimal(0))
    with pytest.raises(ValidationError, match="at most 1"):
        attrs.evolve(DEFS["written_request"], at_risk_share=Decimal("1.5"))
    with pytest.raises(ValidationError, match="after the start"):
        attrs.evolve(DEFS["complaint_answer"], target=CaseStatus.ESCALATED)


_SLA = """
format = 1
[[slas]]
id = "s"
title = "t"
target = "{target}"
amount = {amount}
unit = "{unit}"
"""


@pytest.mark.parametrize(
    ("target", "amount", "unit", "field", "message"),
    [
        ("answered", '"0"', "hours", "amount", "positive"),
        ("answered", '"1"', "weeks", "unit", "weeks"),
        ("done", '"1"', "hours", "target", "done"),
        ("answered", "0.5", "hours", "amount", "decimal string"),
    ],
)
def test_bad_sla_files(target: str, amount: str, unit: str, field: str, message: str) -> None:
    with pytest.raises(StandardsError, match=message) as info:
        load_sla_definitions(_SLA.format(target=target, amount=amount, unit=unit), source="s.toml")
    assert (info.value.source, info.value.rule, info.value.field) == ("s.toml", "s", field)


def test_duplicate_and_format() -> None:
    one = _SLA.format(target="answered", amount='"1"', unit="hours")
    with pytest.raises(StandardsError, match="duplicate"):
        load_sla_definitions(one + one.replace("format = 1", ""), source="s.toml")
    with pytest.raises(StandardsError, match="format"):
        load_sla_definitions("", source="s.toml")


MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2026, 12, 1),  # noqa: DTZ001
    timezones=st.just(SH),
)


@given(opened=MOMENTS, minutes=st.integers(min_value=0, max_value=5 * 24 * 60))
def test_state_is_consistent_with_deadline(opened: datetime, minutes: int) -> None:
    now = opened + timedelta(minutes=minutes)
    for definition in sla_definitions():
        if definition.start is not None:
            continue
        s = evaluate_sla(case(opened), definition, WT, now)
        if s is None:
            continue
        assert s.deadline is not None
        assert s.deadline > opened
        assert s.used_share is not None
        if s.state is SlaState.BREACHED:
            assert now > s.deadline
        else:
            assert now <= s.deadline
            assert (s.state is SlaState.AT_RISK) == (
                s.used_share >= float(definition.at_risk_share)
            )


def test_now_must_be_an_aware_datetime() -> None:
    fresh, gm = case(at(2, 13, 16)), sla_definitions()[0]
    with pytest.raises(ValidationError, match=r"^now: must be timezone-aware$"):
        evaluate_sla(fresh, gm, WT, datetime(2026, 2, 13, 17))  # noqa: DTZ001
    not_a_datetime = r"^now: must be a timezone-aware datetime, not date$"
    with pytest.raises(ValidationError, match=not_a_datetime):
        evaluate_sla(fresh, gm, WT, at(2, 13, 17).date())  # type: ignore[arg-type]


@pytest.mark.parametrize("definition_id", sorted(DEFS))
def test_a_deadline_past_the_calendar_is_a_schedule_error(definition_id: str) -> None:
    # clock time overflowed in timedelta arithmetic; working time has no schedule for 9999
    definition = DEFS[definition_id]
    start = datetime(9999, 12, 31, 12, tzinfo=UTC)
    with pytest.raises(ScheduleError) as caught:
        sla_deadline(definition, start, WT)
    if definition.unit in (SlaUnit.HOURS, SlaUnit.DAYS):
        assert f"SLA {definition_id}" in str(caught.value)
        assert "outside the years 1 to 9999" in str(caught.value)
