"""Hypothesis strategies that build valid crm_core records.

Shared by our own property tests and by the storage contract suites a host runs against
its adapter: a repository must store and return *any* valid record unchanged, including
Chinese text, unusual time zones and money with cents, so the contracts draw their records
from here rather than from a handful of hand-written fixtures.

Datetimes are aware and use zones without daylight-saving time after 2000 (fixed offsets,
Asia/Shanghai, Asia/Hong_Kong): an aware datetime in a DST fold compares unequal across
zones (PEP 495), which would make a correct round trip look broken.

Requires the ``hypothesis`` package (in the ``test`` extra); the core library does not.

>>> from hypothesis import given
>>> from crm_core.testing.strategies import customers
>>> @given(customers())
... def test_name_is_text(c):
...     assert isinstance(c.name, str)
>>> test_name_is_text()
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from crm_core.domain.action import ActionId, ActionKind, ActionStatus, CorrectiveAction
from crm_core.domain.case import Case, CaseKind, CaseSource, CaseStatus, CaseStatusChange
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType, Gender, IdDocumentType
from crm_core.domain.dealer import Dealer, Staff, StaffRole
from crm_core.domain.ids import (
    CaseId,
    CustomerId,
    DealerId,
    InteractionId,
    MessageId,
    OwnershipId,
    StaffId,
    TaskId,
    VehicleId,
)
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    ClubActivity,
    Detail,
    Interaction,
    InteractionKind,
    Recommendation,
    RepairOrder,
    Sale,
    ServiceKind,
    SurveyAnswer,
)
from crm_core.domain.membership import (
    ClubMember,
    MembershipStatus,
    PointsEntry,
    PointsKind,
    PointsSource,
    Referral,
    Tier,
)
from crm_core.domain.message import MessageStatus, OutboxMessage
from crm_core.domain.rules import id_card, plate, uscc, vin
from crm_core.domain.rules._cn_tables import AREA_CODES, DIVISION_CODES, MOBILE_PREFIXES
from crm_core.domain.survey import SurveyId, SurveyKind, SurveyResponse, SurveySource
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Ownership, UsageNature, Vehicle, VehicleClass

__all__ = [
    "RECORD_STRATEGIES",
    "aware_datetimes",
    "callbacks",
    "cases",
    "chinese_names",
    "club_activities",
    "club_members",
    "corrective_actions",
    "customers",
    "dates",
    "dealers",
    "details",
    "follow_up_tasks",
    "identifiers",
    "insurance_policies",
    "interactions",
    "landlines",
    "mobiles",
    "money",
    "outbox_messages",
    "ownerships",
    "plates",
    "points_entries",
    "referrals",
    "repair_orders",
    "resident_ids",
    "sales",
    "staff",
    "survey_answers",
    "survey_responses",
    "texts",
    "usccs",
    "vehicles",
    "vins",
]

T = TypeVar("T")

_ZONES: tuple[tzinfo, ...] = (
    UTC,
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=-5, minutes=-30)),
    timezone(timedelta(hours=5, minutes=45)),
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Asia/Hong_Kong"),
)
_MIN_DT = datetime(2000, 1, 1)  # noqa: DTZ001 - hypothesis bounds are naive by contract
_MAX_DT = datetime(2099, 12, 31)  # noqa: DTZ001

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐欧阳司马诸葛"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
_ID_ALPHABET = string.ascii_letters + string.digits + "-_:."
_COUNTY_CODES = sorted(code for code in DIVISION_CODES if not code.endswith("00"))


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Aware datetimes between 2000 and 2099 in DST-free zones."""
    return st.datetimes(min_value=_MIN_DT, max_value=_MAX_DT, timezones=st.sampled_from(_ZONES))


def dates() -> st.SearchStrategy[date]:
    """Calendar dates from 1930 to 2099: birthdays, deliveries, registrations."""
    return st.dates(min_value=date(1930, 1, 1), max_value=date(2099, 12, 31))


def texts(*, min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    """Any Unicode text UTF-8 can carry, Chinese characters drawn often enough to matter.

    Printable or not, control characters included; no lone surrogates."""
    chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    anything = st.characters(codec="utf-8")
    return st.text(alphabet=st.one_of(chinese, anything), min_size=min_size, max_size=max_size)


def chinese_names() -> st.SearchStrategy[str]:
    """Chinese personal names: a surname character and one or two given-name characters."""
    return st.builds(
        lambda s, g: s + g,
        st.sampled_from(_SURNAMES),
        st.text(alphabet=_GIVEN, min_size=1, max_size=2),
    )


def identifiers() -> st.SearchStrategy[str]:
    """Host-supplied ids: opaque, non-empty, never blank."""
    return st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=24)


def money() -> st.SearchStrategy[Decimal]:
    """Amounts in yuan with two decimal places, as a DMS stores them."""
    return st.decimals(
        min_value=Decimal("-1000000"),
        max_value=Decimal("10000000"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )


def mobiles() -> st.SearchStrategy[str]:
    """Valid mainland mobile numbers from every allocated block (11 digits)."""
    return st.builds(
        lambda prefix, rest: prefix + rest[: 11 - len(prefix)],
        st.sampled_from(sorted(MOBILE_PREFIXES)),
        st.text(alphabet=string.digits, min_size=8, max_size=8),
    )


def landlines() -> st.SearchStrategy[str]:
    """Valid landline numbers with area code, in compact form (``02162345678``)."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        area = draw(st.sampled_from(sorted(AREA_CODES)))
        length = draw(st.sampled_from(AREA_CODES[area]))
        first = draw(st.sampled_from("2345678"))
        rest = draw(st.text(alphabet=string.digits, min_size=length - 1, max_size=length - 1))
        return area + first + rest

    return build()


@st.composite
def vins(draw: st.DrawFn, wmi: str | None = None) -> str:
    """17-character VINs with a correct check digit and model-year code (any region)."""
    body = draw(st.text(alphabet=vin.ALPHABET, min_size=17, max_size=17))
    year = draw(st.sampled_from(sorted(vin.MODEL_YEAR_CODES)))
    if wmi is not None:
        body = wmi + body[len(wmi) :]
    body = body[:9] + year + body[10:]
    return body[:8] + vin.calc_check_digit(body) + body[9:]


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """Valid resident identity card numbers (GB 11643), 18 characters with a check character.

    Each has a listed division code, a real birth date and a correct check character."""
    area = draw(st.sampled_from(_COUNTY_CODES))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2015, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_card.calc_check_digit(first17)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """GB 32100 codes with a correct check character."""
    authority = draw(st.sampled_from("1589Y"))
    kind = draw(st.sampled_from("123"))
    area = draw(st.sampled_from(_COUNTY_CODES))
    org = draw(st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9))
    first17 = authority + kind + area + org
    return first17 + uscc.calc_check_digit(first17)


_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_SERIAL = _PLATE_LETTERS + string.digits


@st.composite
def plates(draw: st.DrawFn) -> str:
    """Plates in every GA 36-2018 form: ordinary, new energy, special suffixes."""
    province = draw(st.sampled_from(plate.PROVINCES))
    office = draw(st.sampled_from(_PLATE_LETTERS))
    digits = st.text(alphabet=string.digits, min_size=4, max_size=4)
    form = draw(st.sampled_from(["ordinary", "nev_small", "nev_large", "special", "hk"]))
    if form == "ordinary":
        return province + office + draw(st.text(alphabet=_SERIAL, min_size=5, max_size=5))
    if form == "nev_small":
        return (
            province
            + office
            + draw(st.sampled_from("DF"))
            + draw(st.sampled_from(_SERIAL))
            + draw(digits)
        )
    if form == "nev_large":
        five = draw(st.text(alphabet=string.digits, min_size=5, max_size=5))
        return province + office + five + draw(st.sampled_from("DF"))
    if form == "special":
        return province + office + draw(digits) + draw(st.sampled_from("学警挂领"))
    return "粤Z" + draw(digits) + draw(st.sampled_from("港澳"))


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _versions() -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=2**31 - 1)


def dealers() -> st.SearchStrategy[Dealer]:
    """Any valid dealer: any text as its name, a Chinese timezone and locale, up to 3 brands."""
    return st.builds(
        Dealer,
        id=identifiers().map(DealerId),
        name=texts(max_size=20),
        timezone=st.sampled_from(["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong"]),
        locale=st.sampled_from(["zh_CN", "en", "zh_HK"]),
        brands=st.lists(texts(min_size=1, max_size=10), max_size=3).map(tuple),
        version=_versions(),
        updated_at=_optional(aware_datetimes()),
    )


def staff() -> st.SearchStrategy[Staff]:
    """Any valid staff member, of every role, with or without a mobile number."""
    return st.builds(
        Staff,
        id=identifiers().map(StaffId),
        dealer_id=identifiers().map(DealerId),
        name=chinese_names() | texts(max_size=10),
        role=st.sampled_from(StaffRole),
        phone=_optional(mobiles()),
        active=st.booleans(),
        version=_versions(),
        updated_at=_optional(aware_datetimes()),
    )


def customers() -> st.SearchStrategy[Customer]:
    """Any valid customer file: every field drawn, flags and opted-out channels included."""
    optional_text = _optional(texts(max_size=20))
    return st.builds(
        Customer,
        id=identifiers().map(CustomerId),
        dealer_id=identifiers().map(DealerId),
        type=st.sampled_from(CustomerType),
        name=chinese_names() | texts(max_size=20),
        gender=st.sampled_from(Gender),
        category=optional_text,
        mobile=_optional(mobiles()),
        office_phone=_optional(st.from_regex(r"\A0[1-9][0-9]{1,2}-[2-8][0-9]{6,7}\Z")),
        home_phone=_optional(landlines()),
        company_address=optional_text,
        home_address=optional_text,
        postcode=_optional(st.from_regex(r"\A[1-8][0-9]{5}\Z")),
        id_type=_optional(st.sampled_from(IdDocumentType)),
        id_number=_optional(resident_ids()),
        industry=optional_text,
        occupation=optional_text,
        email=_optional(st.emails()),
        birthday=_optional(dates()),
        preferences=optional_text,
        characteristics=optional_text,
        uscc=_optional(usccs()),
        contact_person=_optional(chinese_names()),
        do_not_disturb=st.booleans(),
        complaining=st.booleans(),
        blacklisted=st.booleans(),
        redlisted=st.booleans(),
        opted_out_channels=st.frozensets(st.sampled_from(Channel)),
        locale=_optional(st.sampled_from(["zh_CN", "en"])),
        created_at=_optional(aware_datetimes()),
        version=_versions(),
        updated_at=_optional(aware_datetimes()),
    )


def vehicles() -> st.SearchStrategy[Vehicle]:
    """Any valid vehicle file: a correct VIN, any plate or text in the plate field, every flag."""
    optional_text = _optional(texts(max_size=12))
    return st.builds(
        Vehicle,
        id=identifiers().map(VehicleId),
        dealer_id=identifiers().map(DealerId),
        vin=vins(),
        brand=optional_text,
        series=optional_text,
        model=optional_text,
        colour=optional_text,
        plate=_optional(plates() | texts(max_size=10)),
        usage=st.sampled_from(UsageNature),
        vehicle_class=st.sampled_from(VehicleClass),
        first_registration=_optional(dates()),
        purchase_date=_optional(dates()),
        delivery_date=_optional(dates()),
        mileage_km=_optional(st.integers(min_value=0, max_value=2_000_000)),
        warranty_end=_optional(dates()),
        insurance_expiry=_optional(dates()),
        is_stock=st.booleans(),
        is_test_drive=st.booleans(),
        is_used=st.booleans(),
        remarks=optional_text,
        version=_versions(),
        updated_at=_optional(aware_datetimes()),
    )


@st.composite
def ownerships(draw: st.DrawFn) -> Ownership:
    """An ownership that ends (if it does) on or after the day it started."""
    since = draw(dates())
    until = draw(_optional(st.dates(min_value=since, max_value=date(2099, 12, 31))))
    return Ownership(
        id=OwnershipId(draw(identifiers())),
        dealer_id=DealerId(draw(identifiers())),
        customer_id=CustomerId(draw(identifiers())),
        vehicle_id=VehicleId(draw(identifiers())),
        since=since,
        until=until,
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


def sales() -> st.SearchStrategy[Sale]:
    """The detail of an order or delivery: amount, used car, referral, virtual, remarks."""
    return st.builds(
        Sale,
        amount=_optional(money()),
        is_used_car=st.booleans(),
        referred_by=_optional(identifiers().map(CustomerId)),
        is_virtual=st.booleans(),
        remarks=_optional(texts(max_size=20)),
    )


def repair_orders() -> st.SearchStrategy[RepairOrder]:
    """The detail of a repair order: reporter, service kind, hand-back, amount, consent."""
    return st.builds(
        RepairOrder,
        reporter_name=_optional(chinese_names()),
        reporter_phone=_optional(mobiles()),
        service_kind=st.sampled_from(ServiceKind),
        handed_back_at=_optional(aware_datetimes()),
        mileage_km=_optional(st.integers(min_value=0, max_value=2_000_000)),
        amount=_optional(money()),
        is_paid=st.booleans(),
        callback_consent=st.booleans(),
        preferred_callback_time=_optional(texts(max_size=15)),
        callback_phone=_optional(mobiles()),
    )


def survey_answers() -> st.SearchStrategy[SurveyAnswer]:
    """Scores from 1 to 5 for the questionnaire items the callback calendars ask."""
    return st.builds(
        SurveyAnswer,
        question=st.sampled_from(["repair_quality", "waiting_time", "staff", "price"]),
        score=st.integers(min_value=1, max_value=5),
    )


def callbacks() -> st.SearchStrategy[Callback]:
    """The detail of a callback: any outcome, with or without scores, answers and issues."""
    answers = survey_answers()
    return st.builds(
        Callback,
        outcome=st.sampled_from(CallbackOutcome),
        task_id=_optional(identifiers().map(TaskId)),
        rule_id=_optional(identifiers()),
        satisfaction=_optional(st.integers(min_value=1, max_value=5)),
        would_recommend=_optional(st.sampled_from(Recommendation)),
        answers=st.lists(answers, max_size=4).map(tuple),
        issues=st.lists(texts(min_size=1, max_size=12), max_size=3).map(tuple),
    )


def club_activities() -> st.SearchStrategy[ClubActivity]:
    """The detail of a club event or enrolment: event name, points, recorded in the system."""
    return st.builds(
        ClubActivity,
        event_name=_optional(texts(max_size=20)),
        points=st.integers(min_value=-10_000, max_value=100_000),
        recorded_in_system=st.booleans(),
    )


_DETAILS_BY_KIND: dict[InteractionKind, st.SearchStrategy[Any]] = {
    InteractionKind.ORDER: sales(),
    InteractionKind.DELIVERY: sales(),
    InteractionKind.REPAIR_ORDER: repair_orders(),
    InteractionKind.CALLBACK: callbacks(),
    InteractionKind.EVENT: club_activities(),
    InteractionKind.CLUB_ENROLMENT: club_activities(),
}


def details() -> st.SearchStrategy[Detail]:
    """Any of the four interaction detail types."""
    return st.one_of(sales(), repair_orders(), callbacks(), club_activities())


@st.composite
def interactions(draw: st.DrawFn, kind: InteractionKind | None = None) -> Interaction:
    """An interaction whose ``detail`` (when present) fits its kind."""
    chosen = kind if kind is not None else draw(st.sampled_from(InteractionKind))
    detail_strategy = _DETAILS_BY_KIND.get(chosen)
    detail = draw(_optional(detail_strategy)) if detail_strategy is not None else None
    return Interaction(
        id=InteractionId(draw(identifiers())),
        dealer_id=DealerId(draw(identifiers())),
        kind=chosen,
        occurred_at=draw(aware_datetimes()),
        customer_id=draw(_optional(identifiers().map(CustomerId))),
        vehicle_id=draw(_optional(identifiers().map(VehicleId))),
        staff_id=draw(_optional(identifiers().map(StaffId))),
        channel=draw(st.sampled_from(Channel)),
        notes=draw(_optional(texts())),
        detail=detail,
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A case with a status history in time order, opened by its first change."""
    opened_at = draw(aware_datetimes())
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(CaseStatus),
                st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
                _optional(identifiers().map(StaffId)),
                _optional(texts(max_size=15)),
            ),
            max_size=5,
        )
    )
    history = [CaseStatusChange(status=CaseStatus.OPEN, at=opened_at)]
    at = opened_at
    for status, gap, by, note in steps:
        at = at + gap
        history.append(CaseStatusChange(status=status, at=at, by=by, note=note))
    return Case(
        id=CaseId(draw(identifiers())),
        dealer_id=DealerId(draw(identifiers())),
        kind=draw(st.sampled_from(CaseKind)),
        opened_at=opened_at,
        history=tuple(history),
        source=draw(st.sampled_from(CaseSource)),
        customer_id=draw(_optional(identifiers().map(CustomerId))),
        vehicle_id=draw(_optional(identifiers().map(VehicleId))),
        caller_name=draw(_optional(chinese_names())),
        caller_phone=draw(_optional(mobiles())),
        content=draw(_optional(texts())),
        cr_staff_id=draw(_optional(identifiers().map(StaffId))),
        department=draw(_optional(texts(max_size=10))),
        handler_staff_id=draw(_optional(identifiers().map(StaffId))),
        origin_interaction_id=draw(_optional(identifiers().map(InteractionId))),
        remarks=draw(_optional(texts())),
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


@st.composite
def follow_up_tasks(draw: st.DrawFn) -> FollowUpTask:
    """A follow-up task whose due window ends at most 14 days after it opens, any status."""
    due_from = draw(aware_datetimes())
    window = draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=14)))
    return FollowUpTask(
        id=TaskId(draw(identifiers())),
        dealer_id=DealerId(draw(identifiers())),
        rule_id=draw(identifiers()),
        customer_id=CustomerId(draw(identifiers())),
        due_from=due_from,
        due_until=due_from + window,
        role=draw(st.sampled_from(StaffRole)),
        channels=tuple(draw(st.lists(st.sampled_from(Channel), min_size=1, max_size=3))),
        anchor=draw(st.sampled_from(["delivery", "repair_handed_back", "birthday"])),
        anchor_date=draw(dates()),
        explanation=draw(texts(max_size=40)),
        vehicle_id=draw(_optional(identifiers().map(VehicleId))),
        assignee_id=draw(_optional(identifiers().map(StaffId))),
        priority=draw(st.integers(min_value=-100, max_value=100)),
        focus=draw(_optional(texts(max_size=10))),
        attempt=draw(st.integers(min_value=0, max_value=10)),
        status=draw(st.sampled_from(TaskStatus)),
        status_reason=draw(_optional(texts(max_size=20))),
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


def outbox_messages() -> st.SearchStrategy[OutboxMessage]:
    """An outbox message in any status, to a mobile or an e-mail address, leased or not."""
    return st.builds(
        OutboxMessage,
        id=identifiers().map(MessageId),
        dealer_id=identifiers().map(DealerId),
        customer_id=identifiers().map(CustomerId),
        channel=st.sampled_from(Channel),
        recipient=mobiles() | st.emails(),
        body=texts(max_size=70),
        not_before=aware_datetimes(),
        task_id=_optional(identifiers().map(TaskId)),
        subject=_optional(texts(max_size=20)),
        html_body=_optional(texts(max_size=40)),
        purpose=_optional(st.sampled_from(["birthday", "insurance_renewal", "callback"])),
        locale=st.sampled_from(["zh_CN", "en"]),
        status=st.sampled_from(MessageStatus),
        attempts=st.integers(min_value=0, max_value=20),
        next_attempt_at=_optional(aware_datetimes()),
        gateway_message_id=_optional(identifiers()),
        last_error=_optional(texts(max_size=30)),
        lease_owner=_optional(identifiers()),
        lease_until=_optional(aware_datetimes()),
        version=_versions(),
        updated_at=_optional(aware_datetimes()),
    )


def club_members() -> st.SearchStrategy[ClubMember]:
    """An owners'-club member in any status and tier, with or without a card number."""
    return st.builds(
        ClubMember,
        id=identifiers(),
        dealer_id=identifiers().map(DealerId),
        customer_id=identifiers().map(CustomerId),
        applied_on=dates(),
        status=st.sampled_from(MembershipStatus),
        tier=st.sampled_from(Tier),
        joined_on=_optional(dates()),
        card_number=_optional(st.from_regex(r"\A[0-9]{8,16}\Z")),
        version=_versions(),
        updated_at=_optional(aware_datetimes()),
    )


_POINTS_SIGN = {
    PointsKind.EARN: st.integers(min_value=1, max_value=100_000),
    PointsKind.REDEEM: st.integers(min_value=-100_000, max_value=-1),
    PointsKind.EXPIRE: st.integers(min_value=-100_000, max_value=-1),
    PointsKind.ADJUST: st.integers(min_value=-100_000, max_value=100_000),
}


@st.composite
def points_entries(draw: st.DrawFn) -> PointsEntry:
    """A ledger line whose sign fits its kind (earn > 0, redeem and expire < 0)."""
    kind = draw(st.sampled_from(PointsKind))
    return PointsEntry(
        id=draw(identifiers()),
        dealer_id=DealerId(draw(identifiers())),
        member_id=draw(identifiers()),
        kind=kind,
        source=draw(st.sampled_from(PointsSource)),
        points=draw(_POINTS_SIGN[kind]),
        at=draw(aware_datetimes()),
        expires_on=draw(_optional(dates())),
        spend=draw(_optional(money())),
        reference=draw(_optional(identifiers())),
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


@st.composite
def referrals(draw: st.DrawFn) -> Referral:
    """A referral between two different customers, with or without the purchase it led to."""
    referrer = draw(identifiers())
    referred = draw(identifiers().filter(lambda value: value != referrer))
    return Referral(
        id=draw(identifiers()),
        dealer_id=DealerId(draw(identifiers())),
        referrer_id=CustomerId(referrer),
        referred_id=CustomerId(referred),
        recorded_at=draw(aware_datetimes()),
        sale_interaction_id=draw(_optional(identifiers().map(InteractionId))),
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


@st.composite
def insurance_policies(draw: st.DrawFn) -> InsurancePolicy:
    """A term that ends on or after its first day and never renews itself."""
    starts_on = draw(dates())
    policy_id = draw(identifiers())
    return InsurancePolicy(
        id=PolicyId(policy_id),
        dealer_id=DealerId(draw(identifiers())),
        vehicle_id=VehicleId(draw(identifiers())),
        starts_on=starts_on,
        ends_on=draw(st.dates(min_value=starts_on, max_value=date(2099, 12, 31))),
        customer_id=draw(_optional(identifiers().map(CustomerId))),
        sold_by_dealer=draw(st.booleans()),
        renewal_of=draw(
            _optional(identifiers().filter(lambda value: value != policy_id).map(PolicyId))
        ),
        insurer=draw(_optional(texts(max_size=12))),
        premium=draw(_optional(money())),
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


def survey_responses() -> st.SearchStrategy[SurveyResponse]:
    """Any valid satisfaction survey response, with or without per-question answers."""
    return st.builds(
        SurveyResponse,
        id=identifiers().map(SurveyId),
        dealer_id=identifiers().map(DealerId),
        kind=st.sampled_from(SurveyKind),
        answered_at=aware_datetimes(),
        overall=st.integers(min_value=1, max_value=5),
        would_recommend=_optional(st.sampled_from(Recommendation)),
        answers=st.lists(survey_answers(), max_size=4).map(tuple),
        customer_id=_optional(identifiers().map(CustomerId)),
        subject_interaction_id=_optional(identifiers().map(InteractionId)),
        source=st.sampled_from(SurveySource),
        version=_versions(),
        updated_at=_optional(aware_datetimes()),
    )


@st.composite
def corrective_actions(draw: st.DrawFn) -> CorrectiveAction:
    """Any valid corrective or preventive action, open or closed.

    ``closed_at`` is set exactly when its status is closed, and then not before it was
    opened."""
    opened_at = draw(aware_datetimes())
    status = draw(st.sampled_from(ActionStatus))
    closed_at = None
    if status.is_closed:
        after = draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
        closed_at = opened_at + after
    return CorrectiveAction(
        id=ActionId(draw(identifiers())),
        dealer_id=DealerId(draw(identifiers())),
        kind=draw(st.sampled_from(ActionKind)),
        issue=draw(texts(min_size=1, max_size=20).filter(str.strip)),
        description=draw(texts(max_size=40)),
        owner_id=StaffId(draw(identifiers())),
        deadline=draw(dates()),
        opened_at=opened_at,
        status=status,
        closed_at=closed_at,
        approved_by=draw(_optional(identifiers().map(StaffId))),
        case_id=draw(_optional(identifiers().map(CaseId))),
        source_interaction_id=draw(_optional(identifiers().map(InteractionId))),
        result=draw(_optional(texts(max_size=30))),
        version=draw(_versions()),
        updated_at=draw(_optional(aware_datetimes())),
    )


RECORD_STRATEGIES: dict[type[Any], st.SearchStrategy[Any]] = {
    Dealer: dealers(),
    Staff: staff(),
    Customer: customers(),
    Vehicle: vehicles(),
    Ownership: ownerships(),
    Interaction: interactions(),
    Case: cases(),
    FollowUpTask: follow_up_tasks(),
    OutboxMessage: outbox_messages(),
    ClubMember: club_members(),
    PointsEntry: points_entries(),
    Referral: referrals(),
    InsurancePolicy: insurance_policies(),
    SurveyResponse: survey_responses(),
    CorrectiveAction: corrective_actions(),
}
"""Every stored record type and a strategy for it; contract suites iterate over this."""
