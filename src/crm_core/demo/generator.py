"""A seeded, deterministic generator of a dealer's (or a dealer group's) CRM data.

The generator streams one :class:`CustomerFile` at a time — the customer with their
vehicles, ownerships, two years of interactions, complaint cases, club ledger, insurance
terms and survey responses — so a
benchmark can feed a million owners to a planner or a bulk loader in flat memory. Every
random draw comes from a ``random.Random`` seeded from the configuration (one stream per
dealer), and "today" is a parameter: the same configuration always yields the same records,
and a dealer's records do not depend on how many other dealers are generated.

>>> from datetime import date
>>> from crm_core.demo import DemoConfig, DemoGenerator
>>> gen = DemoGenerator(DemoConfig(seed=7, today=date(2026, 11, 23), customers_per_dealer=50))
>>> files = list(gen.files())
>>> len(files)
50
>>> [f.customer.id for f in files[:2]]
['D01-C000000', 'D01-C000001']
>>> files == list(DemoGenerator(gen.config).files())
True
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

import attrs

from crm_core.demo import _tables as t
from crm_core.demo._codes import (
    VIN_ALPHABET,
    organisation_code_check,
    resident_id_check,
    uscc_check,
    vin_check_digit,
)
from crm_core.demo.defects import DefectKind, DefectRates, PlantedDefect
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
    OwnershipId,
    StaffId,
    VehicleId,
)
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    ClubActivity,
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
from crm_core.domain.survey import SurveyId, SurveyKind, SurveyResponse, SurveySource
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Ownership, UsageNature, Vehicle
from crm_core.errors import UnknownCalendarYearError, ValidationError
from crm_core.schedule.calendars import load_standard
from crm_core.schedule.planner import CustomerFacts, PlanningContext, plan
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import WorkingTime

__all__ = [
    "STOCK_CUSTOMER_NAME",
    "CustomerFile",
    "DemoConfig",
    "DemoDealer",
    "DemoGenerator",
    "DemoRecord",
]

T = TypeVar("T")

DemoRecord = (
    Dealer
    | Staff
    | Customer
    | Vehicle
    | Ownership
    | Interaction
    | Case
    | ClubMember
    | PointsEntry
    | Referral
    | FollowUpTask
    | InsurancePolicy
    | SurveyResponse
    | CorrectiveAction
)

STOCK_CUSTOMER_NAME = "商品车"  # seed 000: stock and PDI cars are serviced under this name

# After-sales churn by year of ownership (STANDARDS §4, midpoints): the chance that an
# owner who still came in the year before stops coming in this year.
_CHURN_BY_YEAR = (0.04, 0.11, 0.45, 0.7, 0.7, 0.9)
_CALLBACK_OUTCOMES = (
    (CallbackOutcome.REACHED, 78.0),
    (CallbackOutcome.NOT_REACHED, 13.0),
    (CallbackOutcome.CALL_LATER, 4.0),
    (CallbackOutcome.REFUSED, 2.0),
    (CallbackOutcome.COMPLAINT_FOUND, 3.0),
)
_RECOMMEND_BY_SCORE = {
    5: Recommendation.DEFINITELY,
    4: Recommendation.PROBABLY,
    3: Recommendation.PROBABLY,
    2: Recommendation.PROBABLY_NOT,
    1: Recommendation.DEFINITELY_NOT,
}
# Shares of deliveries and repair orders the carmaker's SSI / CSI surveys sample, who runs
# them, and the spread of their overall scores (5 = completely satisfied).
_SURVEY_SHARE = {SurveyKind.SALES: 0.5, SurveyKind.AFTER_SALES: 0.3}
_SURVEY_SOURCE = {
    SurveyKind.SALES: SurveySource.OEM,
    SurveyKind.AFTER_SALES: SurveySource.THIRD_PARTY,
}
_SURVEY_SCORES = ((5, 58.0), (4, 27.0), (3, 10.0), (2, 3.5), (1, 1.5))
# The chance that a term's renewal is sold by the dealer, by who sold the term it renews
# (seed 000: 续保率 of 50–70 % on the dealer's own customers, far less on others'), and
# how early before the expiry renewals are sold.
_RENEWED_HERE = {True: 0.65, False: 0.15}
_NEW_CAR_POLICY_HERE = 0.85
_OUTSIDE_TERM_KNOWN = 0.5
_RENEWAL_SOLD_DAYS_BEFORE = 60
_PREFERRED_TIMES = ("工作日 09:00-11:00", "工作日 14:00-17:00", "周末", "晚上 19:00-20:30")
_TITLES = ("先生", "小姐", "女士", "太太")
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are never issued (GA 36-2018)
_DIGITS = "0123456789"


def _validate_positive(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValidationError(f"must not be negative, got {value}", field=attribute.name)


def _validate_share(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValidationError(f"a share must be between 0 and 1, got {value}", field=attribute.name)


def _at_least_one(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(f"must be at least 1, got {value}", field=attribute.name)


@attrs.frozen(slots=True)
class DemoConfig:
    """What to generate. Everything is data; two equal configs generate equal records.

    ``dealers`` > 1 makes a dealer group: dealer *i* sits in city *i* of the table and
    sells brand *i* (SVW, Dongfeng Peugeot, Skoda in turn), so each of the three standard
    calendars has customers. ``histories=False`` generates only customers, vehicles and
    ownerships — the fast path for bulk-load benchmarks. With ``task_days`` > 0 (the
    ``crm-core demo`` command uses 35) the history's last ``task_days`` days also carry
    the follow-up tasks the dealer's standard calendar made (planned by
    :mod:`crm_core.schedule.planner`, so their ids are the planner's), each callback
    pointing at its task: the callback report and the callback KPIs then have their data,
    and today's agenda does not repeat a call that was made.
    """

    today: date
    seed: int = 2026
    dealers: int = attrs.field(default=1, validator=_at_least_one)
    customers_per_dealer: int = attrs.field(default=3000, validator=_validate_positive)
    history_years: int = attrs.field(default=2, validator=_at_least_one)
    fleet_years: int = attrs.field(default=6, validator=_at_least_one)
    company_share: float = attrs.field(default=0.08, validator=_validate_share)
    sold_here_share: float = attrs.field(default=0.8, validator=_validate_share)
    club_share: float = attrs.field(default=0.55, validator=_validate_share)
    callback_done_share: float = attrs.field(default=0.9, validator=_validate_share)
    histories: bool = True
    task_days: int = attrs.field(default=0, validator=_validate_positive)
    defects: DefectRates = attrs.field(factory=DefectRates)
    timezone: str = "Asia/Shanghai"
    first_city: int = attrs.field(default=0, validator=_validate_positive)
    first_brand: int = attrs.field(default=0, validator=_validate_positive)


@attrs.frozen(slots=True)
class DemoDealer:
    """A generated dealer with its staff and its own stock (商品车).

    ``stock_customer`` is the placeholder file under which stock and pre-delivery cars are
    serviced, as seed 000 asks; ``stock_vehicles`` are the cars in stock, each with a PDI
    repair order in ``stock_interactions``.
    """

    index: int
    dealer: Dealer
    brand: t.Brand
    city: t.City
    staff: tuple[Staff, ...]
    stock_customer: Customer
    stock_vehicles: tuple[Vehicle, ...]
    stock_ownerships: tuple[Ownership, ...]
    stock_interactions: tuple[Interaction, ...]
    actions: tuple[CorrectiveAction, ...] = ()

    @property
    def calendar(self) -> str:
        """The key of the standard follow-up calendar this dealer's brand works by."""
        return self.brand.key

    def by_role(self, role: StaffRole) -> tuple[Staff, ...]:
        return tuple(s for s in self.staff if s.role is role)

    def records(self) -> Iterator[DemoRecord]:
        yield self.dealer
        yield from self.staff
        yield self.stock_customer
        yield from self.stock_vehicles
        yield from self.stock_ownerships
        yield from self.stock_interactions
        yield from self.actions


@attrs.frozen(slots=True)
class CustomerFile:
    """One customer and everything recorded about them — what a DMS export of one file holds.

    ``duplicates`` are extra customer records for the same person (planted defects: the
    seed's "one person, one file" broken); their vehicles and ownerships are in
    ``vehicles`` and ``ownerships`` too. ``defects`` lists what was planted in this file.
    ``insurance_policies`` are the terms the dealer knows of on the customer's cars (sold
    here, or sold elsewhere and told), ``survey_responses`` the carmaker's surveys after
    deliveries and repairs.
    """

    customer: Customer
    vehicles: tuple[Vehicle, ...] = ()
    ownerships: tuple[Ownership, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    tasks: tuple[FollowUpTask, ...] = ()
    cases: tuple[Case, ...] = ()
    club_members: tuple[ClubMember, ...] = ()
    points: tuple[PointsEntry, ...] = ()
    referrals: tuple[Referral, ...] = ()
    duplicates: tuple[Customer, ...] = ()
    defects: tuple[PlantedDefect, ...] = ()
    insurance_policies: tuple[InsurancePolicy, ...] = ()
    survey_responses: tuple[SurveyResponse, ...] = ()

    def records(self) -> Iterator[DemoRecord]:
        """Every record in an order a store can insert (customers before what points at them)."""
        yield self.customer
        yield from self.duplicates
        yield from self.vehicles
        yield from self.ownerships
        yield from self.interactions
        yield from self.tasks
        yield from self.cases
        yield from self.club_members
        yield from self.points
        yield from self.referrals
        yield from self.insurance_policies
        yield from self.survey_responses


class _Picker(Generic[T]):
    """Weighted choice with precomputed cumulative weights (``random.choices`` recomputes)."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self._items = tuple(p[0] for p in pairs)
        self._cum = tuple(itertools.accumulate(p[1] for p in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self._items[bisect.bisect(self._cum, rng.random() * self._total)]


_SURNAMES = _Picker(t.SURNAMES)
_EMAIL_DOMAINS = _Picker(t.EMAIL_DOMAINS)
_COLOURS = _Picker(t.COLOURS)
_COMPANY_KINDS = _Picker([(k, k.weight) for k in t.COMPANY_KINDS])
_OUTCOMES = _Picker(_CALLBACK_OUTCOMES)
_ISSUES = _Picker(list(zip(t.CALLBACK_ISSUES, t.CALLBACK_ISSUE_WEIGHTS, strict=True)))
_INSURERS = _Picker(t.INSURERS)
_SURVEY_OVERALL = _Picker(_SURVEY_SCORES)
_YEAR_CODES = dict(t.MODEL_YEAR_CODES)


def _choice(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


class _Ids:
    """Per-file id counters: ids derive from the customer id, so files are independent."""

    __slots__ = ("base", "n")

    def __init__(self, base: str) -> None:
        self.base = base
        self.n = 0

    def next(self, tag: str) -> str:
        self.n += 1
        return f"{self.base}-{tag}{self.n:03d}"


class DemoGenerator:
    """Generates :class:`DemoDealer` set-ups and streams :class:`CustomerFile` records.

    Stateless between calls: :meth:`files` can be iterated again and yields the same files.
    """

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self._tz = ZoneInfo(config.timezone)
        self._history_start = config.today - timedelta(days=365 * config.history_years)
        self._dealers: tuple[DemoDealer, ...] | None = None
        self._contexts: dict[str, PlanningContext] = {}
        self._tasks_from = config.today - timedelta(days=config.task_days)

    def planning_context(self, brand: t.Brand) -> PlanningContext:
        """The planner's context for a brand's standard calendar (built once per brand)."""
        ctx = self._contexts.get(brand.key)
        if ctx is None:
            ctx = PlanningContext(
                calendar=load_standard(brand.key),
                working_time=WorkingTime(china_workday_calendar(), timezone=self.config.timezone),
            )
            self._contexts[brand.key] = ctx
        return ctx

    # -- dealers ------------------------------------------------------------------------

    def dealers(self) -> tuple[DemoDealer, ...]:
        """The dealers with their staff and stock (small: computed once per generator)."""
        if self._dealers is None:
            self._dealers = tuple(self._make_dealer(i) for i in range(self.config.dealers))
        return self._dealers

    def _make_dealer(self, index: int) -> DemoDealer:
        cfg = self.config
        rng = random.Random(f"crm-core-demo/{cfg.seed}/{index}/dealer")
        city = t.CITIES[(cfg.first_city + index) % len(t.CITIES)]
        brand = t.BRANDS[(cfg.first_brand + index) % len(t.BRANDS)]
        dealer_id = DealerId(f"D{index + 1:02d}")
        short_city = city.name.removesuffix("市")
        word = _choice(rng, t.COMPANY_WORDS)
        dealer = Dealer(
            id=dealer_id,
            name=f"{short_city}{word}{brand.oem}4S店",
            timezone=cfg.timezone,
            brands=(brand.name,),
        )
        n = cfg.customers_per_dealer
        counts = (
            (StaffRole.GENERAL_MANAGER, 1),
            (StaffRole.CR_MANAGER, 1),
            (StaffRole.SERVICE_MANAGER, 1),
            (StaffRole.SALES_CONSULTANT, max(3, n // 300)),
            (StaffRole.SERVICE_ADVISOR, max(2, n // 400)),
            (StaffRole.CR_REPRESENTATIVE, max(2, n // 800)),
        )
        staff: list[Staff] = []
        for role, count in counts:
            for _ in range(count):
                gender = Gender.MALE if rng.random() < 0.5 else Gender.FEMALE
                staff.append(
                    Staff(
                        id=StaffId(f"{dealer_id}-S{len(staff) + 1:03d}"),
                        dealer_id=dealer_id,
                        name=self._person_name(rng, gender),
                        role=role,
                        phone=self._mobile(rng, 10**8 - 1 - len(staff) - 1000 * index),
                    )
                )
        created = datetime.combine(self._history_start, datetime.min.time(), self._tz)
        stock_customer = Customer(
            id=CustomerId(f"{dealer_id}-STOCK"),
            dealer_id=dealer_id,
            type=CustomerType.COMPANY,
            name=STOCK_CUSTOMER_NAME,
            created_at=created,
        )
        vehicles: list[Vehicle] = []
        ownerships: list[Ownership] = []
        interactions: list[Interaction] = []
        ids = _Ids(stock_customer.id)
        advisors = [s for s in staff if s.role is StaffRole.SERVICE_ADVISOR]
        for k in range(max(3, n // 200)):
            series = self._series(rng, brand)
            arrived = cfg.today - timedelta(days=1 + int(rng.random() * 60))
            vin = self._vin(series, arrived.year, self._serial(index, n + k // 8, k % 8))
            vehicle = Vehicle(
                id=VehicleId(f"{dealer_id}-STOCK-V{k + 1:03d}"),
                dealer_id=dealer_id,
                vin=vin,
                brand=series.brand,
                series=series.name,
                model=_choice(rng, series.models),
                colour=str(_COLOURS.pick(rng)),
                is_stock=True,
            )
            vehicles.append(vehicle)
            ownerships.append(
                Ownership(
                    id=OwnershipId(f"{vehicle.id}-O"),
                    dealer_id=dealer_id,
                    customer_id=stock_customer.id,
                    vehicle_id=vehicle.id,
                    since=arrived,
                )
            )
            opened = self._at(arrived, 9, 16, rng)
            interactions.append(
                Interaction(
                    id=InteractionId(ids.next("I")),
                    dealer_id=dealer_id,
                    kind=InteractionKind.REPAIR_ORDER,
                    occurred_at=opened,
                    customer_id=stock_customer.id,
                    vehicle_id=vehicle.id,
                    staff_id=_choice(rng, advisors).id,
                    channel=Channel.IN_PERSON,
                    detail=RepairOrder(
                        reporter_name=STOCK_CUSTOMER_NAME,
                        service_kind=ServiceKind.PDI,
                        handed_back_at=opened + timedelta(hours=2),
                        mileage_km=int(rng.random() * 30),
                        amount=Decimal(0),
                        is_paid=False,
                        callback_consent=False,
                    ),
                )
            )
        return DemoDealer(
            index=index,
            dealer=dealer,
            brand=brand,
            city=city,
            staff=tuple(staff),
            stock_customer=stock_customer,
            stock_vehicles=tuple(vehicles),
            stock_ownerships=tuple(ownerships),
            stock_interactions=tuple(interactions),
            actions=self._actions(index, dealer_id, staff),
        )

    def _actions(
        self, index: int, dealer_id: DealerId, staff: Sequence[Staff]
    ) -> tuple[CorrectiveAction, ...]:
        """Seed 001's corrective and preventive actions of the last six months: two or
        three callback issues a month get one, owned by a manager or an advisor, approved
        by the general manager, due in two to six weeks. Most older ones are done (some
        after their deadline), a few slip past it still open, recent ones are open."""
        rng = random.Random(f"crm-core-demo/{self.config.seed}/{index}/actions")
        today = self.config.today
        gm = next(s.id for s in staff if s.role is StaffRole.GENERAL_MANAGER)
        owners = [
            s.id
            for s in staff
            if s.role
            in (StaffRole.SERVICE_MANAGER, StaffRole.CR_MANAGER, StaffRole.SERVICE_ADVISOR)
        ]
        actions: list[CorrectiveAction] = []
        month = today.replace(day=1)
        for _ in range(6):
            month = (month - timedelta(days=1)).replace(day=1)
        for _ in range(7):
            for _ in range(2 + int(rng.random() * 2)):
                opened_on = month + timedelta(days=1 + int(rng.random() * 10))
                if opened_on >= today:
                    break
                issue = str(_ISSUES.pick(rng))
                opened_at = self._at(opened_on, 10, 17, rng)
                deadline = opened_on + timedelta(days=14 + int(rng.random() * 28))
                finished = deadline + timedelta(days=int(rng.random() * 20) - 12)
                closed_at = self._at(max(finished, opened_on + timedelta(days=1)), 9, 18, rng)
                r = rng.random()
                if closed_at.date() >= today or r < 0.12:
                    status = ActionStatus.IN_PROGRESS if r < 0.5 else ActionStatus.OPEN
                    closed: datetime | None = None
                else:
                    status = ActionStatus.CANCELLED if r < 0.16 else ActionStatus.DONE
                    closed = closed_at
                actions.append(
                    CorrectiveAction(
                        id=ActionId(f"{dealer_id}-A{len(actions) + 1:03d}"),
                        dealer_id=dealer_id,
                        kind=ActionKind.PREVENTIVE
                        if rng.random() < 0.25
                        else ActionKind.CORRECTIVE,
                        issue=issue,
                        description=t.ISSUE_ACTIONS[issue],
                        owner_id=_choice(rng, owners),
                        deadline=deadline,
                        opened_at=opened_at,
                        status=status,
                        closed_at=closed,
                        approved_by=gm if rng.random() < 0.9 else None,
                        result="已完成整改, 回访确认" if status is ActionStatus.DONE else None,
                    )
                )
            month = (month + timedelta(days=32)).replace(day=1)
        return tuple(actions)

    # -- customer files -----------------------------------------------------------------

    def files(self) -> Iterator[CustomerFile]:
        """Every customer file of every dealer, dealer by dealer, lazily."""
        for dealer in self.dealers():
            yield from self.dealer_files(dealer)

    def dealer_files(self, dealer: DemoDealer) -> Iterator[CustomerFile]:
        """One dealer's customer files, lazily, from that dealer's own seeded stream."""
        # Histories draw from their own stream, so a customer's file and vehicles are the
        # same whether histories are generated or not; insurance terms and surveys from a
        # third, so the rest of a history is the same with or without them.
        seed = f"crm-core-demo/{self.config.seed}/{dealer.index}"
        rng = random.Random(f"{seed}/customers")
        history_rng = random.Random(f"{seed}/histories")
        care_rng = random.Random(f"{seed}/insurance-and-surveys")
        for i in range(self.config.customers_per_dealer):
            yield _FileBuilder(self, dealer, rng, history_rng, care_rng, i).build()

    def records(self) -> Iterator[DemoRecord]:
        """Every record, dealers first, in an order a store can insert."""
        for dealer in self.dealers():
            yield from dealer.records()
            for file in self.dealer_files(dealer):
                yield from file.records()

    # -- small shared draws -------------------------------------------------------------

    def _person_name(self, rng: random.Random, gender: Gender) -> str:
        surname = str(_SURNAMES.pick(rng))
        pool = t.MALE_GIVEN if gender is Gender.MALE else t.FEMALE_GIVEN
        if rng.random() < 0.65:
            first = _choice(rng, t.SHARED_GIVEN) if rng.random() < 0.3 else _choice(rng, pool)
            return surname + first + _choice(rng, pool)
        return surname + _choice(rng, pool)

    def _mobile(self, rng: random.Random, unique: int) -> str:
        """A valid mainland mobile; ``unique`` < 10**8 makes the last eight digits unique
        (an affine bijection of it), so planted duplicates are the only shared numbers."""
        suffix = (unique * 48_271_853 + 12_345_679) % 100_000_000
        return f"{_choice(rng, t.MOBILE_PREFIXES)}{suffix:08d}"

    def _series(self, rng: random.Random, brand: t.Brand) -> t.Series:
        total = sum(s.weight for s in brand.series)
        x = rng.random() * total
        for series in brand.series:
            x -= series.weight
            if x < 0:
                return series
        return brand.series[-1]

    def _serial(self, dealer_index: int, customer_index: int, k: int) -> int:
        bound = (self.config.customers_per_dealer + 64) * 8
        return dealer_index * bound + customer_index * 8 + k

    def _vin(self, series: t.Series, year: int, serial: int) -> str:
        """A valid VIN: unique per (series, model year) up to 33 million vehicles."""
        plant = VIN_ALPHABET[(VIN_ALPHABET.index(series.plant) + serial // 1_000_000) % 33]
        body = f"{series.wmi}{series.vds}_{_YEAR_CODES[year]}{plant}{serial % 1_000_000:06d}"
        return body.replace("_", vin_check_digit(body))

    def _at(self, day: date, first_hour: int, last_hour: int, rng: random.Random) -> datetime:
        minutes = int(rng.random() * (last_hour - first_hour) * 60)
        return datetime(
            day.year, day.month, day.day, first_hour + minutes // 60, minutes % 60, tzinfo=self._tz
        )


class _FileBuilder:
    """Builds one customer file; short-lived, one per customer."""

    def __init__(
        self,
        gen: DemoGenerator,
        dealer: DemoDealer,
        rng: random.Random,
        history_rng: random.Random,
        care_rng: random.Random,
        index: int,
    ) -> None:
        self.gen = gen
        self.cfg = gen.config
        self.rates = gen.config.defects
        self.dealer = dealer
        self.dealer_id = dealer.dealer.id
        self.rng = rng
        self.history_rng = history_rng
        self.care_rng = care_rng
        self.index = index
        self.cid = CustomerId(f"{self.dealer_id}-C{index:06d}")
        self.ids = _Ids(self.cid)
        self.vehicles: list[Vehicle] = []
        self.ownerships: list[Ownership] = []
        self.interactions: list[Interaction] = []
        self.tasks: list[FollowUpTask] = []
        self.cases: list[Case] = []
        self.members: list[ClubMember] = []
        self.points: list[PointsEntry] = []
        self.referrals: list[Referral] = []
        self.policies: list[InsurancePolicy] = []
        self.surveys: list[SurveyResponse] = []
        self.duplicates: list[Customer] = []
        self.defects: list[PlantedDefect] = []
        self.home = dealer.city
        self.district = dealer.city.districts[0]
        self.person_name = ""
        self.company_kind: t.CompanyKind | None = None

    def chance(self, p: float) -> bool:
        return p > 0.0 and self.rng.random() < p

    def plant(
        self,
        kind: DefectKind,
        record_type: str,
        record_id: str,
        field: str,
        related: str | None = None,
    ) -> None:
        self.defects.append(PlantedDefect(kind, record_type, record_id, field, related))

    # -- the customer -------------------------------------------------------------------

    def build(self) -> CustomerFile:
        rng = self.rng
        is_company = rng.random() < self.cfg.company_share
        self.home = self.dealer.city if rng.random() < 0.9 else _choice(rng, t.CITIES)
        self.district = _choice(rng, self.home.districts)
        n_vehicles = 1 + int(rng.random() * 5) if is_company else (1 if rng.random() < 0.88 else 2)
        fleet_days = 365 * self.cfg.fleet_years
        ages = [int(rng.random() * fleet_days) for _ in range(n_vehicles)]
        first_seen = max(self.cfg.today - timedelta(days=max(ages) + 1), self.gen._history_start)
        created_at = datetime(
            first_seen.year, first_seen.month, first_seen.day, 9, tzinfo=self.gen._tz
        ) - timedelta(days=1)
        customer = self.company(created_at) if is_company else self.individual(created_at)
        for k, age in enumerate(ages):
            self.vehicle(customer, k, age)
        if self.chance(self.rates.stock_under_person):
            self.stock_under_person(customer)
        if self.cases and any(c.kind is CaseKind.COMPLAINT for c in self.cases):
            customer = attrs.evolve(customer, complaining=True)
        if self.chance(self.rates.duplicate_customer):
            self.duplicate(customer)
        if self.cfg.histories and self.history_rng.random() < 0.03:
            self.hotline_case(customer)
        self.interactions.sort(key=lambda i: i.occurred_at)
        return CustomerFile(
            customer=customer,
            vehicles=tuple(self.vehicles),
            ownerships=tuple(self.ownerships),
            interactions=tuple(self.interactions),
            tasks=tuple(self.tasks),
            cases=tuple(self.cases),
            club_members=tuple(self.members),
            points=tuple(self.points),
            referrals=tuple(self.referrals),
            duplicates=tuple(self.duplicates),
            defects=tuple(self.defects),
            insurance_policies=tuple(self.policies),
            survey_responses=tuple(self.surveys),
        )

    def global_number(self) -> int:
        return self.dealer.index * (self.cfg.customers_per_dealer + 64) + self.index

    def address(self) -> str:
        rng = self.rng
        return (
            f"{self.home.province if self.home.province != self.home.name else ''}"
            f"{self.home.name}{self.district.name}{_choice(rng, t.STREETS)}"
            f"{1 + int(rng.random() * 999)}号{_choice(rng, t.COMMUNITIES)}"
            f"{1 + int(rng.random() * 30)}栋{101 + int(rng.random() * 2400)}室"
        )

    def landline(self) -> tuple[str, DefectKind | None]:
        rng = self.rng
        number = f"{2 + int(rng.random() * 7)}{int(rng.random() * 10_000_000):07d}"
        r = rng.random()
        if r < self.rates.landline_no_area_code:
            return number, DefectKind.LANDLINE_NO_AREA_CODE
        if r < self.rates.landline_no_area_code + self.rates.landline_area_separator:
            code = self.home.area_code
            return f"{code[0]}-{code[1:]}-{number}", DefectKind.LANDLINE_AREA_SEPARATOR
        return f"{self.home.area_code}-{number}", None

    def email(self, mobile: str) -> str:
        rng = self.rng
        domain = str(_EMAIL_DOMAINS.pick(rng))
        if domain == "qq.com":
            return f"{10_000_000 + int(rng.random() * 2_000_000_000)}@{domain}"
        if domain == "139.com":
            return f"{mobile}@{domain}"
        letters = "".join(_choice(rng, "abcdefghjkmnpqrstwxyz") for _ in range(5))
        return f"{letters}{int(rng.random() * 10_000)}@{domain}"

    def resident_id(self, birthday: date, gender: Gender) -> str:
        rng = self.rng
        area = (
            self.district.code
            if rng.random() < 0.6
            else _choice(rng, _choice(rng, t.CITIES).districts).code
        )
        seq = int(rng.random() * 500) * 2 + (1 if gender is Gender.MALE else 0)
        body = f"{area}{birthday.year:04d}{birthday.month:02d}{birthday.day:02d}{seq:03d}"
        return body + resident_id_check(body)

    def individual(self, created_at: datetime) -> Customer:
        rng = self.rng
        gender = Gender.MALE if rng.random() < 0.55 else Gender.FEMALE
        name = self.gen._person_name(rng, gender)
        self.person_name = name
        age_days = int(rng.triangular(22 * 365.25, 72 * 365.25, 36 * 365.25))
        birthday = self.cfg.today - timedelta(days=age_days)
        mobile = self.gen._mobile(rng, self.global_number())
        id_number = self.resident_id(birthday, gender)
        home_phone = None
        landline_defect = None
        if rng.random() < 0.25:
            home_phone, landline_defect = self.landline()
        email = self.email(mobile) if rng.random() < 0.55 else None
        occupation = _choice(rng, t.OCCUPATIONS) if rng.random() < 0.85 else None
        industry = _choice(rng, t.INDUSTRIES) if rng.random() < 0.4 else None
        customer = Customer(
            id=self.cid,
            dealer_id=self.dealer_id,
            type=CustomerType.INDIVIDUAL,
            name=name,
            gender=gender,
            mobile=mobile,
            home_phone=home_phone,
            home_address=self.address(),
            postcode=self.home.postcode,
            id_type=IdDocumentType.RESIDENT_ID,
            id_number=id_number,
            industry=industry,
            occupation=occupation,
            email=email,
            birthday=birthday,
            preferences=_choice(rng, t.PREFERENCES) if rng.random() < 0.2 else None,
            redlisted=rng.random() < 0.01,
            do_not_disturb=rng.random() < 0.02,
            created_at=created_at,
        )
        return self.plant_customer_defects(customer, landline_defect)

    def plant_customer_defects(
        self, customer: Customer, landline_defect: DefectKind | None
    ) -> Customer:
        rng = self.rng
        rates = self.rates
        changes: dict[str, Any] = {}
        r = rng.random()
        name = customer.name
        surname_len = 2 if name[:2] in {"欧阳", "司马", "上官", "诸葛"} else 1
        cuts = (
            (DefectKind.NAME_TITLE, rates.name_title),
            (DefectKind.NAME_SPACE, rates.name_space),
            (DefectKind.NAME_SYMBOL, rates.name_symbol),
            (DefectKind.NAME_DIGIT, rates.name_digit),
        )
        for kind, share in cuts if not customer.is_company else ():
            if r < share:
                if kind is DefectKind.NAME_TITLE:
                    title = "先生" if customer.gender is Gender.MALE else _choice(rng, _TITLES[1:])
                    changes["name"] = name[:surname_len] + title
                elif kind is DefectKind.NAME_SPACE:
                    changes["name"] = f"{name[:surname_len]} {name[surname_len:]}"
                elif kind is DefectKind.NAME_SYMBOL:
                    changes["name"] = f"{name[:surname_len]}-{name[surname_len:]}"
                else:
                    changes["name"] = f"{name}{1 + int(rng.random() * 9)}"
                self.plant(kind, "customer", customer.id, "name")
                break
            r -= share
        if self.chance(rates.phone_staff):
            changes["mobile"] = _choice(rng, self.dealer.staff).phone
            self.plant(DefectKind.PHONE_STAFF, "customer", customer.id, "mobile")
        elif self.chance(rates.phone_length) and customer.mobile:
            mobile = customer.mobile
            changes["mobile"] = mobile[:-1] if rng.random() < 0.5 else mobile + mobile[-1]
            self.plant(DefectKind.PHONE_LENGTH, "customer", customer.id, "mobile")
        if landline_defect is not None:
            field = "office_phone" if customer.is_company else "home_phone"
            self.plant(landline_defect, "customer", customer.id, field)
        if customer.id_number and self.chance(rates.id_checksum):
            good = customer.id_number
            wrong = "10X98765432"[("10X98765432".index(good[-1]) + 1) % 11]
            changes["id_number"] = good[:-1] + wrong
            self.plant(DefectKind.ID_CHECKSUM, "customer", customer.id, "id_number")
        return attrs.evolve(customer, **changes) if changes else customer

    def company(self, created_at: datetime) -> Customer:
        rng = self.rng
        kind = _COMPANY_KINDS.pick(rng)
        self.company_kind = kind
        city = self.home.name.removesuffix("市")
        name = f"{city}{_choice(rng, t.COMPANY_WORDS)}{kind.trade}有限公司"
        org = f"{self.global_number() % 10**8:08d}"
        body = f"91{self.district.code}{org}{organisation_code_check(org)}"
        uscc = body + uscc_check(body)
        contact_gender = Gender.MALE if rng.random() < 0.6 else Gender.FEMALE
        self.person_name = self.gen._person_name(rng, contact_gender)
        office, landline_defect = self.landline()
        mobile = self.gen._mobile(rng, self.global_number())
        customer = Customer(
            id=self.cid,
            dealer_id=self.dealer_id,
            type=CustomerType.COMPANY,
            name=name,
            mobile=mobile,
            office_phone=office,
            company_address=self.address(),
            postcode=self.home.postcode,
            id_type=IdDocumentType.USCC,
            uscc=uscc,
            industry=kind.industry,
            email=self.email(mobile) if rng.random() < 0.6 else None,
            contact_person=self.person_name,
            created_at=created_at,
        )
        return self.plant_customer_defects(customer, landline_defect)

    # -- vehicles -----------------------------------------------------------------------

    def plate(self, series: t.Series, vid: str) -> str:
        rng = self.rng
        prefix = self.home.plate_prefix
        if series.new_energy:
            second = _choice(rng, _PLATE_LETTERS) if rng.random() < 0.3 else _choice(rng, _DIGITS)
            serial = f"{'D' if rng.random() < 0.8 else 'F'}{second}{int(rng.random() * 10_000):04d}"
        else:
            letters = 0
            chars = []
            for _ in range(5):
                if letters < 2 and rng.random() < 0.15:
                    chars.append(_choice(rng, _PLATE_LETTERS))
                    letters += 1
                else:
                    chars.append(_choice(rng, _DIGITS))
            serial = "".join(chars)
        r = rng.random()
        if r < self.rates.plate_joining:
            self.plant(DefectKind.PLATE_JOINING, "vehicle", vid, "plate")
            return f"{prefix}-{serial}"
        if r < self.rates.plate_joining + self.rates.plate_no_province:
            self.plant(DefectKind.PLATE_NO_PROVINCE, "vehicle", vid, "plate")
            return f"{prefix[1:]}{serial}"
        return prefix + serial

    def vehicle(self, customer: Customer, k: int, age: int) -> None:
        rng = self.rng
        cfg = self.cfg
        today = cfg.today
        brand = self.dealer.brand
        series = self.gen._series(rng, brand)
        vid = VehicleId(f"{self.cid}-V{k + 1}")
        delivered = today - timedelta(days=age + 1)
        sold_here = rng.random() < cfg.sold_here_share
        vin = self.gen._vin(
            series, delivered.year, self.gen._serial(self.dealer.index, self.index, k)
        )
        if series.wmi == "LDC" and self.chance(self.rates.vin_legacy_short):
            cut = 3 + int(rng.random() * 14)
            vin = vin[:cut] + vin[cut + 1 :]
            self.plant(DefectKind.VIN_LEGACY_SHORT, "vehicle", vid, "vin")
        elif self.chance(self.rates.vin_check_digit):
            wrong = VIN_ALPHABET[(VIN_ALPHABET.index(vin[8]) + 1) % 11]
            vin = vin[:8] + wrong + vin[9:]
            self.plant(DefectKind.VIN_CHECK_DIGIT, "vehicle", vid, "vin")
        plated = age >= 10 or rng.random() < 0.4
        registered = delivered + timedelta(days=1 + int(rng.random() * 5)) if plated else None
        usage = UsageNature.NON_OPERATING
        if self.company_kind is not None:
            usage = UsageNature(self.company_kind.usage)
        elif self.chance(self.rates.usage_mismatch):
            usage = UsageNature.OPERATING
            self.plant(DefectKind.USAGE_MISMATCH, "vehicle", vid, "usage")
        ex_test_drive = (
            sold_here
            and not customer.is_company
            and age < 365 * cfg.history_years
            and rng.random() < 0.02
        )
        years_held = age // 365 + 1
        vehicle = Vehicle(
            id=vid,
            dealer_id=self.dealer_id,
            vin=vin,
            brand=series.brand,
            series=series.name,
            model=_choice(rng, series.models),
            colour=str(_COLOURS.pick(rng)),
            plate=self.plate(series, vid) if plated else None,
            usage=usage,
            first_registration=registered,
            purchase_date=delivered if sold_here else None,
            delivery_date=delivered if sold_here else None,
            mileage_km=int(age * (25 + rng.random() * 45)),
            warranty_end=delivered + timedelta(days=3 * 365),
            insurance_expiry=(registered or delivered) + timedelta(days=365 * years_held),
            is_test_drive=ex_test_drive,
            is_used=ex_test_drive,
        )
        self.vehicles.append(vehicle)
        self.ownerships.append(
            Ownership(
                id=OwnershipId(f"{vid}-O"),
                dealer_id=self.dealer_id,
                customer_id=customer.id,
                vehicle_id=vid,
                since=delivered,
            )
        )
        if cfg.histories:
            _History(self, customer, vehicle, series, sold_here).build()

    def stock_under_person(self, customer: Customer) -> None:
        """A stock car's PDI order filed under this customer (seed 000's defect)."""
        stock = self.dealer.stock_vehicles[int(self.rng.random() * len(self.dealer.stock_vehicles))]
        when = self.gen._at(self.cfg.today - timedelta(days=1), 9, 12, self.rng)
        iid = InteractionId(self.ids.next("I"))
        self.interactions.append(
            Interaction(
                id=iid,
                dealer_id=self.dealer_id,
                kind=InteractionKind.REPAIR_ORDER,
                occurred_at=when,
                customer_id=customer.id,
                vehicle_id=stock.id,
                staff_id=_choice(self.rng, self.dealer.by_role(StaffRole.SERVICE_ADVISOR)).id,
                channel=Channel.IN_PERSON,
                detail=RepairOrder(
                    reporter_name=customer.name,
                    service_kind=ServiceKind.PDI,
                    handed_back_at=when + timedelta(hours=1),
                    mileage_km=12,
                    amount=Decimal(0),
                    is_paid=False,
                ),
            )
        )
        self.plant(DefectKind.STOCK_UNDER_PERSON, "interaction", iid, "customer_id")

    # -- duplicates and cases -----------------------------------------------------------

    def duplicate(self, customer: Customer) -> None:
        """A second file for the same customer, as a careless re-entry would create it."""
        rng = self.rng
        dup_id = CustomerId(f"{customer.id}B")
        surname_len = 2 if customer.name[:2] in {"欧阳", "司马", "上官", "诸葛"} else 1
        if customer.is_company:
            reasons = ("uscc", "mobile", "vin")
        else:
            reasons = ("mobile", "id_number", "vin")
        reason = _choice(rng, reasons)
        clean_name = self.person_name if not customer.is_company else customer.name
        variant = rng.random()
        if customer.is_company:
            name = clean_name.replace("有限公司", "有限公司 ") if variant < 0.5 else clean_name
        elif variant < 0.35:
            name = clean_name[:surname_len] + ("先生" if customer.gender is Gender.MALE else "女士")
        elif variant < 0.7:
            name = f"{clean_name[:surname_len]}\u3000{clean_name[surname_len:]}"
        else:
            name = clean_name
        mobile = None
        id_number = None
        uscc = None
        if reason == "mobile" and customer.mobile:
            m = customer.mobile
            mobile = (
                f"+86 {m[:3]} {m[3:7]} {m[7:]}"
                if rng.random() < 0.5
                else f"{m[:3]}-{m[3:7]}-{m[7:]}"
            )
        elif reason == "id_number":
            id_number = customer.id_number
        elif reason == "uscc":
            uscc = customer.uscc
        dup = Customer(
            id=dup_id,
            dealer_id=self.dealer_id,
            type=customer.type,
            name=name,
            gender=customer.gender,
            mobile=mobile,
            id_type=customer.id_type if (id_number or uscc) else None,
            id_number=id_number,
            uscc=uscc,
            created_at=datetime.combine(
                self.cfg.today - timedelta(days=30 + int(rng.random() * 300)),
                datetime.min.time().replace(hour=15),
                self.gen._tz,
            ),
        )
        self.duplicates.append(dup)
        if reason == "vin":
            original = self.vehicles[0]
            vid = VehicleId(f"{dup_id}-V1")
            self.vehicles.append(
                Vehicle(
                    id=vid,
                    dealer_id=self.dealer_id,
                    vin=original.vin,
                    brand=original.brand,
                    series=original.series,
                    plate=original.plate,
                    usage=original.usage,
                )
            )
            self.ownerships.append(
                Ownership(
                    id=OwnershipId(f"{vid}-O"),
                    dealer_id=self.dealer_id,
                    customer_id=dup_id,
                    vehicle_id=vid,
                    since=dup.created_at.date() if dup.created_at else self.cfg.today,
                )
            )
        self.plant(DefectKind.DUPLICATE_CUSTOMER, "customer", dup_id, reason, customer.id)

    def hotline_case(self, customer: Customer) -> None:
        rng = self.history_rng
        day = self.cfg.today - timedelta(days=1 + int(rng.random() * 365))
        opened = self.gen._at(day, 9, 17, rng)
        kind = _choice(
            rng, (CaseKind.INQUIRY, CaseKind.APPOINTMENT, CaseKind.RESCUE, CaseKind.SUGGESTION)
        )
        cr = _choice(rng, self.dealer.by_role(StaffRole.CR_REPRESENTATIVE))
        self.cases.append(
            Case(
                id=CaseId(self.ids.next("K")),
                dealer_id=self.dealer_id,
                kind=kind,
                opened_at=opened,
                history=(
                    CaseStatusChange(CaseStatus.OPEN, opened, cr.id),
                    CaseStatusChange(CaseStatus.CLOSED, opened + timedelta(hours=2), cr.id),
                ),
                source=CaseSource.HOTLINE,
                customer_id=customer.id,
                caller_name=self.person_name,
                caller_phone=customer.mobile,
                content={
                    CaseKind.INQUIRY: "咨询保养价格",
                    CaseKind.APPOINTMENT: "预约周末保养",
                    CaseKind.RESCUE: "车辆无法启动,请求救援",
                    CaseKind.SUGGESTION: "建议延长周末营业时间",
                }[kind],
                cr_staff_id=cr.id,
            )
        )


class _History:
    """Two years of one vehicle's life at the dealer: the sale, services, callbacks,
    complaints, club activity."""

    def __init__(
        self,
        fb: _FileBuilder,
        customer: Customer,
        vehicle: Vehicle,
        series: t.Series,
        sold_here: bool,
    ) -> None:
        self.fb = fb
        self.gen = fb.gen
        self.rng = fb.history_rng
        self.customer = customer
        self.vehicle = vehicle
        self.series = series
        self.sold_here = sold_here
        self.start = fb.gen._history_start
        self.today = fb.cfg.today
        self.consultant = _choice(self.rng, fb.dealer.by_role(StaffRole.SALES_CONSULTANT))
        self.advisor = _choice(self.rng, fb.dealer.by_role(StaffRole.SERVICE_ADVISOR))
        self.crs = fb.dealer.by_role(StaffRole.CR_REPRESENTATIVE)
        self.member: ClubMember | None = None

    def add(
        self,
        kind: InteractionKind,
        at: datetime,
        staff: StaffId | None,
        channel: Channel,
        detail: Sale | RepairOrder | Callback | ClubActivity | None = None,
        notes: str | None = None,
    ) -> Interaction:
        interaction = Interaction(
            id=InteractionId(self.fb.ids.next("I")),
            dealer_id=self.fb.dealer_id,
            kind=kind,
            occurred_at=at,
            customer_id=self.customer.id,
            vehicle_id=self.vehicle.id,
            staff_id=staff,
            channel=channel,
            detail=detail,
            notes=notes,
        )
        self.fb.interactions.append(interaction)
        return interaction

    def build(self) -> None:
        delivered = self.vehicle.delivery_date or self.vehicle.first_registration
        if delivered is None:
            delivered = self.today
        if self.sold_here and delivered >= self.start:
            self.sale(delivered)
        if self.customer.is_company is False and self.sold_here:
            self.enrol(delivered)
        self.services(delivered)
        if self.member is not None and self.member.status is MembershipStatus.ACTIVE:
            self.club_activity(self.member)
        self.insure(delivered)

    # -- insurance and surveys (their own random stream) ---------------------------------

    def insure(self, delivered: date) -> None:
        """The yearly policy terms the dealer knows of, up to the one in force today and
        a renewal already sold for it.

        The term in force ends on the vehicle's ``insurance_expiry`` (what the planner's
        renewal reminder reads); earlier terms end a year apart before it. The first term
        of a car sold here is mostly the dealer's; each renewal is sold here with a chance
        that depends on who sold the term before, up to two months before the expiry.
        A term sold elsewhere is known half of the time (the owner said so at a
        callback); one nobody told the dealer about is not on file, and breaks the chain.
        """
        expiry = self.vehicle.insurance_expiry
        if expiry is None:
            return
        rng = self.fb.care_rng
        base = self.vehicle.first_registration or delivered
        terms = max(1, (expiry - base).days // 365)
        premium = Decimal(max(2000, int(self.series.price * 0.035)))
        here = self.sold_here and rng.random() < _NEW_CAR_POLICY_HERE
        insurer = str(_INSURERS.pick(rng))
        previous: InsurancePolicy | None = None
        for k in range(1, terms + 2):
            ends_on = expiry + timedelta(days=365 * (k - terms))
            if k == 1:
                starts_on, known = base, here
            else:
                starts_on = ends_on - timedelta(days=364)
                here = rng.random() < _RENEWED_HERE[here]
                if not here or rng.random() < 0.3:
                    insurer = str(_INSURERS.pick(rng))
                before = 1 + int(rng.random() * _RENEWAL_SOLD_DAYS_BEFORE)
                if (starts_on - timedelta(days=before) if here else starts_on) >= self.today:
                    return  # not renewed yet, or the dealer cannot know yet
                known = here or rng.random() < _OUTSIDE_TERM_KNOWN
            if not known or ends_on < self.start:
                previous = None
                continue
            policy = InsurancePolicy(
                id=PolicyId(f"{self.vehicle.id}-N{k}"),
                dealer_id=self.fb.dealer_id,
                vehicle_id=self.vehicle.id,
                starts_on=starts_on,
                ends_on=ends_on,
                customer_id=self.customer.id,
                sold_by_dealer=here,
                renewal_of=previous.id if previous is not None else None,
                insurer=insurer,
                premium=(premium * Decimal("0.95") ** (k - 1)).quantize(Decimal(1)),
            )
            self.fb.policies.append(policy)
            previous = policy

    def survey(self, kind: SurveyKind, subject: Interaction, done: datetime) -> None:
        """The carmaker's survey of a sample of buyers (SSI) and serviced owners (CSI),
        answered one to four weeks after the delivery or repair."""
        rng = self.fb.care_rng
        if rng.random() >= _SURVEY_SHARE[kind] or not self.customer.contactable:
            return
        day = done.date() + timedelta(days=7 + int(rng.random() * 21))
        if day >= self.today:
            return
        overall = _SURVEY_OVERALL.pick(rng)
        questions = t.SALES_SURVEY_QUESTIONS if kind is SurveyKind.SALES else t.SURVEY_QUESTIONS
        self.fb.surveys.append(
            SurveyResponse(
                id=SurveyId(f"{subject.id}-S"),
                dealer_id=self.fb.dealer_id,
                kind=kind,
                answered_at=self.gen._at(day, 9, 20, rng),
                overall=overall,
                would_recommend=_RECOMMEND_BY_SCORE[overall] if rng.random() < 0.9 else None,
                answers=tuple(
                    SurveyAnswer(q, max(1, min(5, overall + int(rng.random() * 3) - 1)))
                    for q in questions
                ),
                customer_id=self.customer.id,
                subject_interaction_id=subject.id,
                source=_SURVEY_SOURCE[kind],
            )
        )

    def sale(self, delivered: date) -> None:
        rng = self.rng
        fb = self.fb
        staff = self.consultant.id
        ordered = delivered - timedelta(days=3 + int(rng.random() * 25))
        if ordered >= self.start and rng.random() < 0.6:
            self.add(
                InteractionKind.VISIT,
                self.gen._at(ordered - timedelta(days=int(rng.random() * 14)), 9, 18, rng),
                staff,
                Channel.IN_PERSON,
            )
            if rng.random() < 0.7:
                self.add(
                    InteractionKind.TEST_DRIVE,
                    self.gen._at(ordered - timedelta(days=1), 10, 17, rng),
                    staff,
                    Channel.IN_PERSON,
                )
        price = Decimal(int(self.series.price * (0.85 + rng.random() * 0.15)) // 100 * 100)
        referred_by = None
        if fb.index > 0 and rng.random() < 0.05:
            referrer = int(rng.random() * fb.index)
            referred_by = CustomerId(f"{fb.dealer_id}-C{referrer:06d}")
        remarks = None
        if self.vehicle.is_test_drive:
            if rng.random() < fb.rates.test_drive_unmarked:
                fb.plant(DefectKind.TEST_DRIVE_UNMARKED, "vehicle", self.vehicle.id, "remarks")
            else:
                remarks = "试乘试驾车"
        sale = Sale(
            amount=price, is_used_car=self.vehicle.is_used, referred_by=referred_by, remarks=remarks
        )
        if ordered >= self.start:
            self.add(
                InteractionKind.ORDER,
                self.gen._at(ordered, 10, 18, rng),
                staff,
                Channel.IN_PERSON,
                sale,
            )
        drove_away = self.gen._at(delivered, 10, 17, rng)
        delivery = self.add(InteractionKind.DELIVERY, drove_away, staff, Channel.IN_PERSON, sale)
        self.survey(SurveyKind.SALES, delivery, drove_away)
        if referred_by is not None:
            fb.referrals.append(
                Referral(
                    id=fb.ids.next("R"),
                    dealer_id=fb.dealer_id,
                    referrer_id=referred_by,
                    referred_id=self.customer.id,
                    recorded_at=drove_away,
                    sale_interaction_id=delivery.id,
                )
            )
        # The calls the dealer's calendar asks for after a delivery, most of them made.
        for step in fb.dealer.brand.after_delivery:
            self.follow(delivered, step)

    def follow(self, anchor: date, step: t.CallbackStep) -> None:
        """Make the calendar's callback ``step`` for ``anchor`` — or, now and then, forget."""
        rng = self.rng
        day = anchor + timedelta(days=step.offset_days + int(rng.random() * step.window_days))
        if day >= self.today:
            return
        if rng.random() >= self.fb.cfg.callback_done_share:
            # forgotten: the task was due all the same, and stays open
            task = self.planned_task(step.rule_id, self.gen._at(day, 9, 18, rng))
            if task is not None:
                self.fb.tasks.append(task)
            return
        staff = self.consultant.id if step.role == "sales_consultant" else _choice(rng, self.crs).id
        self.callback(day, staff, step.rule_id, survey=step.survey)

    def planned_task(self, rule_id: str, at: datetime) -> FollowUpTask | None:
        """The task the dealer's calendar has due at ``at`` for ``rule_id`` on this car, as
        the planner makes it (None outside the task period or when the planner has none)."""
        if at.date() < self.gen._tasks_from:
            return None
        facts = CustomerFacts(
            customer=self.customer,
            vehicles=(self.vehicle,),
            ownerships=tuple(o for o in self.fb.ownerships if o.vehicle_id == self.vehicle.id),
            interactions=tuple(
                i
                for i in self.fb.interactions
                if i.vehicle_id == self.vehicle.id and i.occurred_at < at
            ),
            tasks=tuple(self.fb.tasks),
        )
        try:
            result = plan(facts, self.gen.planning_context(self.fb.dealer.brand), now=at)
        except UnknownCalendarYearError:
            return None
        return next(
            (t for t in result.tasks if t.rule_id == rule_id and t.vehicle_id == self.vehicle.id),
            None,
        )

    def callback(self, day: date, staff: StaffId, rule: str, *, survey: bool) -> None:
        rng = self.rng
        at = self.gen._at(day, 9, 18, rng)
        task = self.planned_task(rule, at)
        outcome = _OUTCOMES.pick(rng)
        if not self.customer.contactable:
            outcome = CallbackOutcome.REFUSED
        satisfaction = None
        recommend = None
        answers: tuple[SurveyAnswer, ...] = ()
        issues: tuple[str, ...] = ()
        if outcome in (CallbackOutcome.REACHED, CallbackOutcome.COMPLAINT_FOUND) and survey:
            satisfaction = (
                1 + int(rng.random() * 2)
                if outcome is CallbackOutcome.COMPLAINT_FOUND
                else (5 if rng.random() < 0.62 else 4 if rng.random() < 0.8 else 3)
            )
            recommend = _RECOMMEND_BY_SCORE[satisfaction]
            answers = tuple(
                SurveyAnswer(
                    q,
                    max(
                        1,
                        min(
                            5,
                            satisfaction
                            + (1 if rng.random() < 0.2 else 0)
                            - (1 if rng.random() < 0.2 else 0),
                        ),
                    ),
                )
                for q in t.SURVEY_QUESTIONS
            )
            if satisfaction <= 3:
                issues = (str(_ISSUES.pick(rng)),)
        callback = self.add(
            InteractionKind.CALLBACK,
            at,
            staff,
            Channel.PHONE,
            Callback(
                outcome=outcome,
                task_id=task.id if task is not None else None,
                rule_id=rule,
                satisfaction=satisfaction,
                would_recommend=recommend,
                answers=answers,
                issues=issues,
            ),
        )
        if task is not None:
            done = outcome is not CallbackOutcome.NOT_REACHED
            self.fb.tasks.append(
                attrs.evolve(task, status=TaskStatus.DONE if done else TaskStatus.PLANNED)
            )
        if outcome is CallbackOutcome.NOT_REACHED:
            retry = day + timedelta(days=1)
            if retry < self.today and rng.random() < 0.7:
                self.callback(retry, staff, rule, survey=survey)
        elif outcome is CallbackOutcome.COMPLAINT_FOUND:
            self.complaint(callback, issues)

    def complaint(self, callback: Interaction, issues: tuple[str, ...]) -> None:
        rng = self.rng
        fb = self.fb
        opened = callback.occurred_at
        cr = callback.staff_id
        gm = fb.dealer.by_role(StaffRole.GENERAL_MANAGER)[0].id
        sm = fb.dealer.by_role(StaffRole.SERVICE_MANAGER)[0].id
        steps = [CaseStatusChange(CaseStatus.OPEN, opened, cr)]
        now = datetime.combine(self.today, datetime.min.time(), opened.tzinfo)
        for status, hours, who in (
            (CaseStatus.ESCALATED, 1 + rng.random() * 5, gm),
            (CaseStatus.ANSWERED, 4 + rng.random() * 30, sm),
            (CaseStatus.RESOLVED, 24 + rng.random() * 120, sm),
        ):
            at = steps[-1].at + timedelta(hours=hours)
            if at >= now:
                break
            steps.append(CaseStatusChange(status, at, who))
        fb.cases.append(
            Case(
                id=CaseId(fb.ids.next("K")),
                dealer_id=fb.dealer_id,
                kind=CaseKind.COMPLAINT,
                opened_at=opened,
                history=tuple(steps),
                source=CaseSource.CALLBACK,
                customer_id=self.customer.id,
                vehicle_id=self.vehicle.id,
                caller_name=fb.person_name,
                content="回访中客户表示不满: " + ", ".join(issues or ("repair_quality",)),
                cr_staff_id=cr,
                department="售后服务部",
                handler_staff_id=sm,
                origin_interaction_id=callback.id,
            )
        )

    def services(self, delivered: date) -> None:
        rng = self.rng
        day = delivered + timedelta(days=90 + int(rng.random() * 90))
        first = True
        year = 0
        lost_at = None
        while lost_at is None:
            year += 1
            if rng.random() < _CHURN_BY_YEAR[min(year, len(_CHURN_BY_YEAR)) - 1]:
                lost_at = delivered + timedelta(days=365 * (year - 1) + int(rng.random() * 365))
            if year > 12:
                break
        end = min(self.today, lost_at or self.today)
        mileage_per_day = (self.vehicle.mileage_km or 0) / max(1, (self.today - delivered).days)
        while day < end:
            if day >= self.start:
                self.repair(day, delivered, mileage_per_day, first=first)
            first = False
            day += timedelta(days=150 + int(rng.random() * 160))

    def repair(self, day: date, delivered: date, mileage_per_day: float, *, first: bool) -> None:
        rng = self.rng
        fb = self.fb
        if first:
            kind = ServiceKind.FIRST_SERVICE
        else:
            r = rng.random()
            kind = (
                ServiceKind.MAINTENANCE
                if r < 0.7
                else ServiceKind.REPAIR
                if r < 0.9
                else ServiceKind.WARRANTY
                if r < 0.95
                else ServiceKind.ACCIDENT
            )
        opened = self.gen._at(day, 8, 12, rng)
        if kind in (ServiceKind.REPAIR, ServiceKind.ACCIDENT):
            handed_back = self.gen._at(day + timedelta(days=1 + int(rng.random() * 4)), 15, 19, rng)
        else:
            handed_back = self.gen._at(day, 15, 19, rng)
        if handed_back.date() >= self.today:
            return
        reporter_phone: str | None
        if self.customer.is_company:
            reporter = self.gen._person_name(rng, Gender.MALE)
            if rng.random() < fb.rates.reporter_company:
                reporter = self.customer.name
                planted = True
            else:
                planted = False
            reporter_phone = self.gen._mobile(rng, (fb.global_number() * 7 + 3) % 10**8)
        else:
            planted = False
            reporter = fb.person_name
            reporter_phone = self.customer.mobile
        paid = kind not in (ServiceKind.WARRANTY, ServiceKind.FIRST_SERVICE)
        amount = Decimal(int(300 + rng.random() * (6000 if kind is ServiceKind.ACCIDENT else 1500)))
        consent = rng.random() < 0.9
        order = self.add(
            InteractionKind.REPAIR_ORDER,
            opened,
            self.advisor.id,
            Channel.IN_PERSON,
            RepairOrder(
                reporter_name=reporter,
                reporter_phone=reporter_phone,
                service_kind=kind,
                handed_back_at=handed_back,
                mileage_km=int((day - delivered).days * mileage_per_day),
                amount=amount if paid else Decimal(0),
                is_paid=paid,
                callback_consent=consent,
                preferred_callback_time=_choice(rng, _PREFERRED_TIMES) if consent else None,
                callback_phone=reporter_phone if consent else None,
            ),
        )
        if planted:
            fb.plant(DefectKind.REPORTER_COMPANY, "interaction", order.id, "reporter_name")
        self.survey(SurveyKind.AFTER_SALES, order, handed_back)
        # After-sales callbacks: only with consent, never for taxis (seeds 000, 001).
        if consent and self.vehicle.usage is not UsageNature.TAXI:
            for step in fb.dealer.brand.after_repair:
                self.follow(handed_back.date(), step)
        if self.member is not None and paid and handed_back.date() >= self.member.applied_on:
            self.earn(handed_back, int(amount) // 10, PointsSource.DEALER, order.id, amount)

    # -- club ---------------------------------------------------------------------------

    def enrol(self, delivered: date) -> None:
        rng = self.rng
        fb = self.fb
        if fb.members or rng.random() >= fb.cfg.club_share:
            return
        applied = max(delivered, self.start) + timedelta(days=int(rng.random() * 60))
        if applied >= self.today:
            return
        recent = (self.today - applied).days < 14
        tenure_years = (self.today - delivered).days / 365
        tier = (
            Tier.DIAMOND
            if tenure_years > 4 and rng.random() < 0.3
            else Tier.GOLD
            if tenure_years > 2 and rng.random() < 0.4
            else Tier.SILVER
        )
        member = ClubMember(
            id=f"{self.customer.id}-M",
            dealer_id=fb.dealer_id,
            customer_id=self.customer.id,
            applied_on=applied,
            status=MembershipStatus.PENDING if recent else MembershipStatus.ACTIVE,
            tier=tier,
            joined_on=None if recent else applied + timedelta(days=3),
            card_number=None if recent else f"{fb.dealer_id}{fb.index:08d}",
        )
        fb.members.append(member)
        self.member = member
        at = self.gen._at(applied, 10, 17, rng)
        self.add(
            InteractionKind.CLUB_ENROLMENT,
            at,
            self.consultant.id,
            Channel.IN_PERSON,
            ClubActivity(event_name="入会", points=0),
        )
        if not recent:
            self.earn(at + timedelta(days=3), 500, PointsSource.OEM, "welcome", None)

    def club_activity(self, member: ClubMember) -> None:
        """Events and redemptions; runs after the services so the balance at each redemption
        counts every earlier earn entry and never goes negative."""
        rng = self.rng
        day = member.applied_on + timedelta(days=30 + int(rng.random() * 120))
        while day < self.today:
            if rng.random() < 0.35:
                points = _choice(rng, (50, 100, 150, 200, 300))
                event = self.add(
                    InteractionKind.EVENT,
                    self.gen._at(day, 9, 16, rng),
                    None,
                    Channel.IN_PERSON,
                    ClubActivity(
                        event_name=_choice(rng, t.CLUB_EVENTS),
                        points=points,
                        recorded_in_system=rng.random() < 0.95,
                    ),
                )
                self.earn(event.occurred_at, points, PointsSource.DEALER, event.id, None)
            at = self.gen._at(day, 10, 17, rng)
            balance = sum(
                p.points for p in self.fb.points if p.member_id == member.id and p.at <= at
            )
            if balance >= 600 and rng.random() < 0.3:
                spend = min(balance, 200 + int(rng.random() * 400))
                self.ledger(
                    at,
                    PointsKind.REDEEM,
                    -spend,
                    PointsSource.DEALER,
                    "redeem",
                    None,
                )
            day += timedelta(days=60 + int(rng.random() * 120))

    def earn(
        self, at: datetime, points: int, source: PointsSource, reference: str, spend: Decimal | None
    ) -> None:
        if points > 0 and at.date() < self.today:
            self.ledger(at, PointsKind.EARN, points, source, reference, spend)

    def ledger(
        self,
        at: datetime,
        kind: PointsKind,
        points: int,
        source: PointsSource,
        reference: str,
        spend: Decimal | None,
    ) -> None:
        assert self.member is not None
        self.fb.points.append(
            PointsEntry(
                id=self.fb.ids.next("P"),
                dealer_id=self.fb.dealer_id,
                member_id=self.member.id,
                kind=kind,
                source=source,
                points=points,
                at=at,
                expires_on=(at + timedelta(days=730)).date() if kind is PointsKind.EARN else None,
                spend=spend,
                reference=reference,
            )
        )
