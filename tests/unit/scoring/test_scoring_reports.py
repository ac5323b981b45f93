"""The monthly callback report and compliance, survey summaries, the action report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from scoring_builders import action, at, from_value_strings, inter, survey, task

from crm_core.domain.action import ActionStatus
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.ids import DealerId, TaskId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    Interaction,
    Recommendation,
    SurveyAnswer,
)
from crm_core.domain.interaction import InteractionKind as K
from crm_core.domain.survey import SurveyId, SurveyKind, SurveyResponse, SurveySource
from crm_core.domain.task import TaskStatus
from crm_core.errors import ValidationError
from crm_core.scoring.actions import action_report
from crm_core.scoring.callbacks import CallbackReportConfig, CallbackWindow, callback_reports
from crm_core.scoring.kpi import NOT_APPLICABLE
from crm_core.scoring.period import Period
from crm_core.scoring.surveys import SurveyConfig, survey_summaries

MARCH = Period.month(2026, 3)
D1 = DealerId("D1")
RB = AnchorKind.REPAIR_HANDED_BACK


def call(
    n: str,
    task_id: str,
    when: datetime,
    outcome: CallbackOutcome = CallbackOutcome.REACHED,
    satisfaction: int | None = None,
    answers: tuple[tuple[str, int], ...] = (),
    issues: tuple[str, ...] = (),
) -> Interaction:
    detail = Callback(
        outcome=outcome,
        task_id=TaskId(task_id),
        satisfaction=satisfaction,
        answers=tuple(SurveyAnswer(q, s) for q, s in answers),
        issues=issues,
    )
    return inter(n, K.CALLBACK, when, "C1", detail)


TASKS = [
    # repairs handed back on 1, 2, 3, 4 and 10 March; due from day 3
    task("T1", RB, at(2026, 3, 4), date(2026, 3, 1)),
    task("T2", RB, at(2026, 3, 5), date(2026, 3, 2)),
    task("T3", RB, at(2026, 3, 6), date(2026, 3, 3)),
    task("T4", RB, at(2026, 3, 7), date(2026, 3, 4)),
    task("T5", RB, at(2026, 3, 13), date(2026, 3, 10)),
    task("T6", RB, at(2026, 3, 13), date(2026, 3, 10), rule="special"),
    task("T7", AnchorKind.DELIVERY, at(2026, 3, 13), date(2026, 3, 6)),  # not in scope
    task("T8", RB, at(2026, 3, 8), date(2026, 3, 5), status=TaskStatus.CANCELLED),
    task("T9", RB, at(2026, 2, 26), date(2026, 2, 23)),  # due in February
]
CALLS = [
    # T1: reached on day 5 (inside 3-7), satisfaction 4
    call(
        "I1",
        "T1",
        at(2026, 3, 6),
        satisfaction=4,
        answers=(("repair_quality", 4), ("waiting", 3)),
        issues=("waiting_time",),
    ),
    # T2: not reached on day 3, reached on day 9 (late), satisfaction 2
    call("I2", "T2", at(2026, 3, 5), CallbackOutcome.NOT_REACHED),
    call(
        "I3",
        "T2",
        at(2026, 3, 11),
        satisfaction=2,
        answers=(("repair_quality", 1),),
        issues=("repair_quality", "waiting_time"),
    ),
    # T3: a complaint found on day 2 (early) counts as successful
    call(
        "I4",
        "T3",
        at(2026, 3, 5),
        CallbackOutcome.COMPLAINT_FOUND,
        satisfaction=1,
        issues=("price",),
    ),
    # T4: refused: made, not successful
    call("I5", "T4", at(2026, 3, 8), CallbackOutcome.REFUSED),
    # T5: nothing; T6: reached on 1 April local time, 22 days after its anchor
    call("I6", "T6", datetime(2026, 3, 31, 17, tzinfo=UTC)),
    call("I7", "T7", at(2026, 3, 14), satisfaction=5),  # out of scope
    call("I8", "T9", at(2026, 3, 1), satisfaction=5),  # not due this month
    inter(  # another dealer's callback with the same task id
        "I9",
        K.CALLBACK,
        at(2026, 3, 6),
        "C1",
        Callback(CallbackOutcome.REACHED, task_id=TaskId("T1"), satisfaction=1),
        dealer="D2",
    ),
]
WINDOWS = (
    CallbackWindow("repair_handed_back", 3, 7, "after-sales"),
    CallbackWindow("special", 0, 30, "a host rule"),
)


def test_monthly_callback_report_hand_computed() -> None:
    report = callback_reports(MARCH, TASKS, CALLS, CallbackReportConfig(windows=WINDOWS))[D1]
    assert report.due == 6  # T1-T6
    assert (report.made.numerator, report.made.value) == (5, Decimal("0.8333"))  # T1-T4, T6
    assert (report.successful.numerator, report.successful.value) == (4, Decimal("0.6667"))
    # satisfaction over successful callbacks: 4, 2, 1 -> 7 / 3
    assert (report.satisfaction.numerator, report.satisfaction.denominator) == (7, 3)
    assert report.satisfaction.value == Decimal("2.33")
    assert [(q.question, q.mean.value) for q in report.questions] == [
        ("repair_quality", Decimal("2.50")),
        ("waiting", Decimal("3.00")),
    ]
    assert report.top_issues == (("waiting_time", 2), ("price", 1), ("repair_quality", 1))
    after, special = report.compliance
    # T1 inside, T2 late (9 days), T3 early (2 days), T4 and T5 not done
    assert (after.key, after.due, after.inside, after.early, after.late, after.not_done) == (
        "repair_handed_back",
        5,
        1,
        1,
        1,
        2,
    )
    assert after.inside_rate.value == Decimal("0.2000")
    # T6 reached 1 April (local), 22 days after its anchor: inside 0-30
    assert (special.due, special.inside) == (1, 1)


def test_scope_and_top_issues_are_configurable() -> None:
    cfg = CallbackReportConfig(anchors=frozenset({AnchorKind.DELIVERY}), top_issues=1)
    report = callback_reports(MARCH, TASKS, CALLS, cfg)[D1]
    assert (report.due, report.made.numerator, report.satisfaction.value) == (1, 1, Decimal("5.00"))
    assert report.compliance[0].key == "delivery"
    assert report.compliance[0].late == 0
    only_special = CallbackReportConfig(rule_ids=frozenset({"special"}), windows=WINDOWS)
    assert callback_reports(MARCH, TASKS, CALLS, only_special)[D1].due == 1


def test_a_month_without_due_callbacks_is_not_applicable() -> None:
    report = callback_reports(Period.month(2026, 5), TASKS, CALLS, dealer_id=D1)[D1]
    assert report.due == 0
    assert report.made.value is NOT_APPLICABLE
    assert report.successful.value is NOT_APPLICABLE
    assert report.satisfaction.value is NOT_APPLICABLE
    assert report.compliance == ()
    assert report.top_issues == ()


def test_callback_report_is_the_same_for_records_built_from_value_strings() -> None:
    """Tasks and callbacks whose status, kind, channels and outcome came in as plain
    strings are stored with the members, so the report counts them all."""
    cfg = CallbackReportConfig(windows=WINDOWS)
    tasks = [from_value_strings(t) for t in TASKS]
    calls = [from_value_strings(c) for c in CALLS]
    report = callback_reports(MARCH, tasks, calls, cfg)
    assert report == callback_reports(MARCH, TASKS, CALLS, cfg)
    assert (report[D1].due, report[D1].made.numerator) == (6, 5)  # as hand-computed above


def test_callback_report_reads_each_stream_once() -> None:
    def once(items: list[object]) -> Iterator[object]:
        yield from items

    cfg = CallbackReportConfig(windows=WINDOWS)
    assert callback_reports(MARCH, once(TASKS), once(CALLS), cfg) == callback_reports(  # type: ignore[arg-type]
        MARCH, TASKS, CALLS, cfg
    )


def test_windows_are_validated() -> None:
    with pytest.raises(ValidationError, match="min_days"):
        CallbackWindow("x", 5, 3)
    with pytest.raises(ValidationError, match="unique"):
        CallbackReportConfig(windows=(CallbackWindow("x", 1, 3), CallbackWindow("x", 2, 4)))


def response(
    n: str, kind: SurveyKind, overall: int, rec: Recommendation | None, **kw: object
) -> SurveyResponse:
    return SurveyResponse(
        id=SurveyId(n),
        dealer_id=D1,
        kind=kind,
        answered_at=at(2026, 3, 10),
        overall=overall,
        would_recommend=rec,
        **kw,  # type: ignore[arg-type]
    )


def test_survey_summaries_hand_computed() -> None:
    r = Recommendation
    items = [
        response("S1", SurveyKind.SALES, 5, r.DEFINITELY, answers=(SurveyAnswer("delivery", 5),)),
        response("S2", SurveyKind.SALES, 4, r.PROBABLY, answers=(SurveyAnswer("delivery", 3),)),
        response("S3", SurveyKind.SALES, 2, r.DEFINITELY_NOT),
        response("S4", SurveyKind.SALES, 5, None, source=SurveySource.THIRD_PARTY),
        response("S5", SurveyKind.AFTER_SALES, 3, r.PROBABLY_NOT),
        survey("S6", SurveyKind.SALES, 5, at(2026, 4, 1)),  # April
    ]
    sums = survey_summaries(MARCH, items)
    sales = sums[D1, SurveyKind.SALES]
    assert sales.responses == 4
    assert (sales.overall.numerator, sales.overall.value) == (16, Decimal("4.00"))
    assert (sales.completely_satisfied.numerator, sales.completely_satisfied.value) == (
        2,
        Decimal("0.5000"),
    )
    assert dict(sales.recommend) == {
        r.DEFINITELY: 1,
        r.PROBABLY: 1,
        r.PROBABLY_NOT: 0,
        r.DEFINITELY_NOT: 1,
    }
    assert sales.definitely_recommend.value == Decimal("0.3333")
    assert [(q.question, q.mean.value) for q in sales.questions] == [("delivery", Decimal("4.00"))]
    after = sums[D1, SurveyKind.AFTER_SALES]
    assert (after.completely_satisfied.value, after.definitely_recommend.value) == (
        Decimal(0),
        Decimal(0),
    )
    dealer_only = survey_summaries(
        MARCH, items, SurveyConfig(sources=frozenset({SurveySource.DEALER}))
    )
    assert dealer_only[D1, SurveyKind.SALES].responses == 3


def test_survey_summary_for_a_named_dealer_without_responses() -> None:
    sums = survey_summaries(MARCH, [], dealer_id=DealerId("D9"))
    summary = sums[DealerId("D9"), SurveyKind.AFTER_SALES]
    assert summary.responses == 0
    assert summary.completely_satisfied.value is NOT_APPLICABLE


def test_survey_scores_are_validated() -> None:
    with pytest.raises(ValidationError, match="overall"):
        response("S1", SurveyKind.SALES, 6, None)
    with pytest.raises(ValidationError, match="answers"):
        response("S1", SurveyKind.SALES, 5, None, answers=(SurveyAnswer("q", 0),))


def test_action_report_hand_computed() -> None:
    as_of = date(2026, 3, 31)
    actions = [
        action(
            "A1", "waiting_time", date(2026, 3, 20), at(2026, 3, 2), owner_id="S2"
        ),  # 11 days late
        action("A2", "price", date(2026, 4, 10), at(2026, 3, 2), owner_id="S1"),  # open, not due
        action("A3", "repair_quality", date(2026, 3, 1), at(2026, 2, 20), owner_id="S2"),  # 30 late
        action(
            "A4",
            "car_wash",
            date(2026, 3, 15),
            at(2026, 3, 1),
            status=ActionStatus.DONE,
            closed=at(2026, 3, 14),
        ),
        action(
            "A5",
            "car_wash",
            date(2026, 3, 15),
            at(2026, 3, 1),
            status=ActionStatus.DONE,
            closed=at(2026, 3, 20),
        ),
        action(
            "A6",
            "parking",
            date(2026, 3, 15),
            at(2026, 3, 1),
            status=ActionStatus.DONE,
            closed=at(2026, 4, 2),
        ),
        action("A7", "later", date(2026, 5, 1), at(2026, 4, 5)),  # opened after as_of
    ]
    report = action_report(
        actions, as_of, period=MARCH, issues=["waiting_time", "noise", "later", "noise"]
    )
    assert report.open == 4  # A1 A2 A3, and A6 (closed only in April)
    assert [(o.id, o.days_overdue) for o in report.overdue] == [("A3", 30), ("A6", 16), ("A1", 11)]
    assert dict(report.open_by_owner) == {"S1": 2, "S2": 2}
    assert report.closed_on_time is not None
    assert (report.closed_on_time.numerator, report.closed_on_time.denominator) == (1, 2)
    assert report.issues_without_action == ("later", "noise")
    assert action_report(actions, as_of).closed_on_time is None
