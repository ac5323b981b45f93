"""The demo generator: deterministic, valid when clean, defects planted at the asked share."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import attrs
import pytest

from crm_core import (
    ActionStatus,
    Customer,
    CustomerType,
    InsurancePolicy,
    Interaction,
    InteractionKind,
    RepairOrder,
    Sale,
    StaffRole,
    SurveyKind,
    SurveySource,
    UsageNature,
    Vehicle,
    VehicleId,
)
from crm_core.demo import (
    STOCK_CUSTOMER_NAME,
    CustomerFile,
    DefectKind,
    DefectRates,
    DemoConfig,
    DemoGenerator,
    generator,
)
from crm_core.demo import _tables as tables
from crm_core.errors import ValidationError

TODAY = date(2026, 11, 23)
CLEAN = DemoConfig(
    today=TODAY, dealers=3, customers_per_dealer=400, defects=DefectRates.none(), task_days=0
)


@pytest.fixture(scope="module")
def clean_files() -> list[CustomerFile]:
    return list(DemoGenerator(CLEAN).files())


# -- independent re-implementations of the check characters (not the generator's code) ---


def vin_ok(vin: str) -> bool:
    translit: dict[str, int] = {}
    for values, letters in (
        (range(1, 9), "ABCDEFGH"),
        ((1, 2, 3, 4, 5, 7, 9), "JKLMNPR"),
        (range(2, 10), "STUVWXYZ"),
    ):
        translit.update(zip(letters, values, strict=True))
    translit.update({str(d): d for d in range(10)})
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    if len(vin) != 17 or any(c not in translit for c in vin):
        return False
    remainder = sum(translit[c] * w for c, w in zip(vin, weights, strict=True)) % 11
    return vin[8] == ("X" if remainder == 10 else str(remainder))


def resident_id_ok(number: str) -> bool:
    # ISO 7064 MOD 11-2 in its recursive form.
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    p = 0
    for ch in number[:17]:
        p = ((p + int(ch)) * 2) % 11
    return number[17] == "0123456789X"[(12 - p) % 11]


def uscc_ok(code: str) -> bool:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    if len(code) != 18 or any(c not in alphabet for c in code):
        return False
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return code[17] == alphabet[(31 - total % 31) % 31]


MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-[2-9]\d{7}")
PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]([A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]\d{4})"
)
TITLES = ("先生", "小姐", "女士", "太太")


# -- determinism ----------------------------------------------------------------------------


def test_same_config_same_records() -> None:
    config = DemoConfig(today=TODAY, dealers=2, customers_per_dealer=150, seed=11)
    first = list(DemoGenerator(config).records())
    second = list(DemoGenerator(config).records())
    assert first == second
    assert len(first) > 1000


def test_another_seed_other_records() -> None:
    a = [
        f.customer for f in DemoGenerator(DemoConfig(today=TODAY, customers_per_dealer=50)).files()
    ]
    b = [
        f.customer
        for f in DemoGenerator(DemoConfig(today=TODAY, customers_per_dealer=50, seed=1)).files()
    ]
    assert [c.id for c in a] == [c.id for c in b]
    assert sum(x.name != y.name for x, y in zip(a, b, strict=True)) > 40


def test_a_dealer_does_not_depend_on_how_many_dealers() -> None:
    one = DemoGenerator(DemoConfig(today=TODAY, dealers=1, customers_per_dealer=80))
    three = DemoGenerator(DemoConfig(today=TODAY, dealers=3, customers_per_dealer=80))
    assert list(one.files()) == list(three.files())[:80]


def test_files_can_be_iterated_twice() -> None:
    gen = DemoGenerator(DemoConfig(today=TODAY, customers_per_dealer=30))
    assert list(gen.files()) == list(gen.files())


def test_no_clock_today_moves_everything() -> None:
    later = DemoGenerator(DemoConfig(today=date(2027, 3, 1), customers_per_dealer=30))
    last = max(i.occurred_at for f in later.files() for i in f.interactions)
    assert last.date() < date(2027, 3, 1)
    assert last.date() > date(2026, 12, 1)


# -- validity of clean records --------------------------------------------------------------


def test_clean_customers_are_valid(clean_files: list[CustomerFile]) -> None:
    cities = {c.name: c for c in tables.CITIES}
    mobiles = Counter(f.customer.mobile for f in clean_files)
    assert max(mobiles.values()) == 1
    for f in clean_files:
        c = f.customer
        assert not f.defects
        assert not f.duplicates
        assert c.mobile is not None
        assert MOBILE.fullmatch(c.mobile), c.mobile
        assert c.mobile[:3] in tables.MOBILE_PREFIXES
        assert c.created_at is not None
        assert c.created_at.tzinfo is not None
        address = c.home_address or c.company_address or ""
        city = next(name for name in cities if name in address)
        for phone in (c.home_phone, c.office_phone):
            if phone:
                assert LANDLINE.fullmatch(phone), phone
                assert phone.startswith(cities[city].area_code + "-")
        if c.type is CustomerType.INDIVIDUAL:
            assert not any(t in c.name for t in TITLES), c.name
            assert 2 <= len(c.name) <= 4, c.name
            assert not re.search(r"[\s\d\-]", c.name)
            assert c.id_number is not None
            assert resident_id_ok(c.id_number), c.id_number
            assert c.birthday
            assert c.id_number[6:14] == f"{c.birthday:%Y%m%d}"
            assert (int(c.id_number[16]) % 2 == 1) == (c.gender.value == "male")
            assert 22 <= (TODAY - c.birthday).days / 365.25 <= 72
        else:
            assert c.uscc is not None
            assert uscc_ok(c.uscc), c.uscc
            assert c.name.endswith("有限公司")
            assert c.contact_person
        if c.email:
            assert re.fullmatch(r"[a-z0-9]+@[a-z0-9]+\.com", c.email)


def test_clean_vehicles_are_valid(clean_files: list[CustomerFile]) -> None:
    vins = Counter(v.vin for f in clean_files for v in f.vehicles)
    assert max(vins.values()) == 1
    cities = {c.plate_prefix: c for c in tables.CITIES}
    for f in clean_files:
        address = f.customer.home_address or f.customer.company_address or ""
        for v in f.vehicles:
            assert vin_ok(v.vin), v.vin
            assert v.vin[:3] in {"LSV", "LDC", "TMB"}
            assert not v.is_stock
            if v.plate is not None:
                assert PLATE.fullmatch(v.plate), v.plate
                assert cities[v.plate[:2]].name in address
                assert v.first_registration is not None
            if f.customer.type is CustomerType.INDIVIDUAL:
                assert v.usage is UsageNature.NON_OPERATING
        assert {o.vehicle_id for o in f.ownerships} == {v.id for v in f.vehicles}


def test_vehicle_brand_follows_the_dealer() -> None:
    gen = DemoGenerator(CLEAN)
    wmis: dict[str, set[str]] = {d.calendar: set() for d in gen.dealers()}
    for dealer in gen.dealers():
        for f in gen.dealer_files(dealer):
            wmis[dealer.calendar].update(v.vin[:3] for v in f.vehicles)
    assert wmis == {"svw": {"LSV"}, "dfpeugeot": {"LDC"}, "skoda": {"LSV", "TMB"}}


def test_clean_histories_are_consistent(clean_files: list[CustomerFile]) -> None:
    gen = DemoGenerator(CLEAN)
    roles = {s.id: s.role.value for d in gen.dealers() for s in d.staff}
    kinds: Counter[InteractionKind] = Counter()
    for f in clean_files:
        ids = {f.customer.id}
        vehicles: dict[str | None, Vehicle] = {v.id: v for v in f.vehicles}
        times = [i.occurred_at for i in f.interactions]
        assert times == sorted(times)
        for i in f.interactions:
            kinds[i.kind] += 1
            assert i.customer_id in ids
            assert i.vehicle_id in vehicles
            assert i.occurred_at < datetime(2026, 11, 23, tzinfo=i.occurred_at.tzinfo)
            if i.kind in (InteractionKind.ORDER, InteractionKind.DELIVERY):
                assert isinstance(i.detail, Sale)
                assert i.staff_id is not None
                assert roles[i.staff_id] == "sales_consultant"
                assert i.detail.amount is not None
                assert i.detail.amount > 0
                if vehicles[i.vehicle_id].is_test_drive:
                    assert i.detail.remarks == "试乘试驾车"
            if isinstance(i.detail, RepairOrder):
                assert i.staff_id is not None
                assert roles[i.staff_id] == "service_advisor"
                assert i.detail.reporter_name
                assert "公司" not in i.detail.reporter_name
                assert i.detail.handed_back_at is not None
                assert i.detail.handed_back_at >= i.occurred_at
        for case in f.cases:
            assert case.customer_id == f.customer.id
        if any(c.kind.value == "complaint" for c in f.cases):
            assert f.customer.complaining
    # Two years of a dealer's life: every kind shows up.
    for kind in (
        InteractionKind.VISIT,
        InteractionKind.TEST_DRIVE,
        InteractionKind.ORDER,
        InteractionKind.DELIVERY,
        InteractionKind.REPAIR_ORDER,
        InteractionKind.CALLBACK,
        InteractionKind.EVENT,
        InteractionKind.CLUB_ENROLMENT,
    ):
        assert kinds[kind] > 0, kind


def test_dealer_setup() -> None:
    gen = DemoGenerator(CLEAN)
    dealers = gen.dealers()
    assert [d.dealer.id for d in dealers] == ["D01", "D02", "D03"]
    for d in dealers:
        assert d.stock_customer.name == STOCK_CUSTOMER_NAME
        assert all(v.is_stock and vin_ok(v.vin) for v in d.stock_vehicles)
        assert {r.value for r in {s.role for s in d.staff}} >= {
            "general_manager",
            "sales_consultant",
            "service_advisor",
            "cr_representative",
        }
        assert all(s.phone and MOBILE.fullmatch(s.phone) for s in d.staff)


def test_points_never_go_negative(clean_files: list[CustomerFile]) -> None:
    for f in clean_files:
        balance = 0
        for entry in sorted(f.points, key=lambda p: p.at):
            balance += entry.points
            assert balance >= 0


def test_histories_off_gives_the_same_customers_and_vehicles() -> None:
    with_histories = list(DemoGenerator(CLEAN).files())
    without = list(DemoGenerator(attrs.evolve(CLEAN, histories=False)).files())
    assert all(not f.interactions and not f.cases and not f.points for f in without)
    assert [attrs.evolve(f.customer, complaining=False) for f in with_histories] == [
        f.customer for f in without
    ]
    assert [f.vehicles for f in with_histories] == [f.vehicles for f in without]


# -- planted defects --------------------------------------------------------------------------


def planted_data_matches(f: CustomerFile) -> None:
    customers: dict[str, Customer] = {c.id: c for c in (f.customer, *f.duplicates)}
    vehicles: dict[str, Vehicle] = {v.id: v for v in f.vehicles}
    interactions: dict[str, Interaction] = {i.id: i for i in f.interactions}
    for d in f.defects:
        if d.kind is DefectKind.NAME_TITLE:
            assert customers[d.record_id].name.endswith(TITLES)
        elif d.kind is DefectKind.NAME_SPACE:
            assert " " in customers[d.record_id].name
        elif d.kind is DefectKind.NAME_SYMBOL:
            assert "-" in customers[d.record_id].name
        elif d.kind is DefectKind.NAME_DIGIT:
            assert customers[d.record_id].name[-1].isdigit()
        elif d.kind is DefectKind.PHONE_LENGTH:
            assert len(customers[d.record_id].mobile or "") in (10, 12)
        elif d.kind is DefectKind.LANDLINE_NO_AREA_CODE:
            phone = getattr(customers[d.record_id], d.field)
            assert re.fullmatch(r"[2-9]\d{7}", phone)
        elif d.kind is DefectKind.LANDLINE_AREA_SEPARATOR:
            assert re.fullmatch(r"0-\d{2,3}-\d{8}", getattr(customers[d.record_id], d.field))
        elif d.kind is DefectKind.ID_CHECKSUM:
            assert not resident_id_ok(customers[d.record_id].id_number or "")
        elif d.kind is DefectKind.VIN_CHECK_DIGIT:
            vin = vehicles[d.record_id].vin
            assert len(vin) == 17
            assert not vin_ok(vin)
        elif d.kind is DefectKind.VIN_LEGACY_SHORT:
            vin = vehicles[d.record_id].vin
            assert vin.startswith("LDC")
            assert len(vin) == 16
        elif d.kind is DefectKind.PLATE_JOINING:
            assert "-" in (vehicles[d.record_id].plate or "")
        elif d.kind is DefectKind.PLATE_NO_PROVINCE:
            assert re.fullmatch(r"[A-Z][A-Z0-9]{5,6}", vehicles[d.record_id].plate or "")
        elif d.kind is DefectKind.USAGE_MISMATCH:
            assert vehicles[d.record_id].usage is UsageNature.OPERATING
            assert f.customer.type is CustomerType.INDIVIDUAL
        elif d.kind is DefectKind.TEST_DRIVE_UNMARKED:
            v = vehicles[d.record_id]
            assert v.is_test_drive
            sales = [
                i for i in f.interactions if i.vehicle_id == v.id and isinstance(i.detail, Sale)
            ]
            assert sales
            assert all(isinstance(s.detail, Sale) and not s.detail.remarks for s in sales)
        elif d.kind is DefectKind.REPORTER_COMPANY:
            detail = interactions[d.record_id].detail
            assert isinstance(detail, RepairOrder)
            assert detail.reporter_name == f.customer.name
        elif d.kind is DefectKind.STOCK_UNDER_PERSON:
            order = interactions[d.record_id]
            assert order.customer_id == f.customer.id
            assert order.vehicle_id is not None
            assert "-STOCK-" in order.vehicle_id
        elif d.kind is DefectKind.DUPLICATE_CUSTOMER:
            dup, original = customers[d.record_id], customers[d.related_id or ""]
            if d.field == "vin":
                dup_vins = {v.vin for v in f.vehicles if v.id.startswith(dup.id)}
                assert dup_vins & {v.vin for v in f.vehicles if not v.id.startswith(dup.id)}
            elif d.field == "mobile":
                digits = re.sub(r"\D", "", dup.mobile or "")
                assert digits in (original.mobile, f"86{original.mobile}")
            else:
                assert getattr(dup, d.field) == getattr(original, d.field)
        elif d.kind is DefectKind.PHONE_STAFF:
            assert customers[d.record_id].mobile is not None


def test_every_kind_planted_where_it_says() -> None:
    config = DemoConfig(
        today=TODAY,
        dealers=3,
        customers_per_dealer=700,
        defects=DefectRates().scaled(3.0),
        task_days=0,
    )
    files = list(DemoGenerator(config).files())
    planted = Counter(d.kind for f in files for d in f.defects)
    assert set(planted) == set(DefectKind)
    for f in files:
        planted_data_matches(f)


def test_staff_phone_defect_uses_a_staff_number() -> None:
    config = DemoConfig(
        today=TODAY,
        customers_per_dealer=300,
        defects=attrs.evolve(DefectRates.none(), phone_staff=0.2),
    )
    gen = DemoGenerator(config)
    staff_phones = {s.phone for s in gen.dealers()[0].staff}
    hits = [f.customer for f in gen.files() if f.defects]
    assert all(d.kind is DefectKind.PHONE_STAFF for f in gen.files() for d in f.defects)
    assert hits
    assert all(c.mobile in staff_phones for c in hits)


@pytest.mark.parametrize(
    ("kind", "share"),
    [
        (DefectKind.NAME_TITLE, 0.1),
        (DefectKind.DUPLICATE_CUSTOMER, 0.05),
        (DefectKind.PLATE_JOINING, 0.1),
        (DefectKind.VIN_CHECK_DIGIT, 0.05),
    ],
)
def test_defect_share_is_the_asked_share(kind: DefectKind, share: float) -> None:
    rates = attrs.evolve(DefectRates.none(), **{kind.value: share})
    config = DemoConfig(today=TODAY, customers_per_dealer=3000, defects=rates, histories=False)
    files = list(DemoGenerator(config).files())
    planted = sum(1 for f in files for d in f.defects if d.kind is kind)
    eligible = {
        DefectKind.NAME_TITLE: sum(f.customer.type is CustomerType.INDIVIDUAL for f in files),
        DefectKind.DUPLICATE_CUSTOMER: len(files),
        DefectKind.PLATE_JOINING: sum(v.plate is not None for f in files for v in f.vehicles),
        DefectKind.VIN_CHECK_DIGIT: sum(len(f.vehicles) for f in files),
    }[kind]
    assert abs(planted / eligible - share) < 0.25 * share
    assert all(d.kind is kind for f in files for d in f.defects)


def test_defect_rates_validate() -> None:
    with pytest.raises(ValidationError, match="name_title"):
        DefectRates(name_title=1.5)
    assert DefectRates().scaled(1000.0).name_title == 1.0
    assert DefectRates().rate(DefectKind.PLATE_JOINING) == 0.02


def test_config_validates() -> None:
    with pytest.raises(ValidationError, match="dealers"):
        DemoConfig(today=TODAY, dealers=0)
    with pytest.raises(ValidationError, match="customers_per_dealer"):
        DemoConfig(today=TODAY, customers_per_dealer=-1)
    with pytest.raises(ValidationError, match="company_share"):
        DemoConfig(today=TODAY, company_share=2.0)
    assert list(DemoGenerator(DemoConfig(today=TODAY, customers_per_dealer=0)).files()) == []


# -- follow-up tasks in the recent history --------------------------------------------------


def test_recent_callbacks_point_at_the_planners_tasks() -> None:
    from crm_core import Callback, CallbackOutcome, TaskStatus

    config = DemoConfig(today=TODAY, customers_per_dealer=250, task_days=35)
    files = list(DemoGenerator(config).files())
    linked = 0
    for f in files:
        tasks = {t.id: t for t in f.tasks}
        assert len(tasks) == len(f.tasks)
        for task in f.tasks:
            assert task.customer_id == f.customer.id
            assert task.id.startswith("t-")  # the planner's ids
            assert task.due_from.date() >= date(2026, 10, 1)
        for i in f.interactions:
            if isinstance(i.detail, Callback) and i.detail.task_id is not None:
                linked += 1
                task = tasks[i.detail.task_id]
                assert task.rule_id == i.detail.rule_id
                assert task.vehicle_id == i.vehicle_id
                reached = i.detail.outcome is not CallbackOutcome.NOT_REACHED
                if reached:
                    assert task.status is TaskStatus.DONE
    assert linked > 10
    assert all(
        not (isinstance(i.detail, Callback) and i.detail.task_id)
        for f in DemoGenerator(attrs.evolve(config, task_days=0)).files()
        for i in f.interactions
    )


# -- insurance terms, surveys and corrective actions -------------------------------------------


def test_insurance_terms_chain_up_to_the_vehicles_expiry(clean_files: list[CustomerFile]) -> None:
    start = TODAY.replace(year=TODAY.year - CLEAN.history_years)
    policies = [p for f in clean_files for p in f.insurance_policies]
    assert len({p.id for p in policies}) == len(policies)
    for f in clean_files:
        vehicles = {v.id: v for v in f.vehicles}
        by_vehicle: dict[VehicleId, list[InsurancePolicy]] = {}
        for p in f.insurance_policies:
            assert p.customer_id == f.customer.id
            assert p.ends_on >= start - timedelta(days=1)
            by_vehicle.setdefault(p.vehicle_id, []).append(p)
        for vid, terms in by_vehicle.items():
            expiry = vehicles[vid].insurance_expiry
            assert expiry is not None
            stored = {p.id: p for p in terms}
            for p in terms:
                # every term ends a whole number of years from the one in force today
                assert (expiry - p.ends_on).days % 365 == 0
                assert p.ends_on <= expiry + timedelta(days=365)
                assert 364 <= (p.ends_on - p.starts_on).days <= 365  # one year
                if p.renewal_of is not None:
                    before = stored[p.renewal_of]  # a renewal names a stored term ...
                    assert p.starts_on == before.ends_on + timedelta(days=1)  # ... just before
                if p.ends_on > expiry:  # the next term: a renewal the dealer already sold
                    assert p.sold_by_dealer
    sold = [p for p in policies if p.sold_by_dealer]
    assert 0.4 < len(sold) / len(policies) < 0.95
    renewed = {p.renewal_of for p in sold if p.renewal_of is not None}
    here = [p for p in sold if p.ends_on < TODAY - timedelta(days=60)]
    # seed 000's 续保率 on the dealer's own terms: most, not all, are renewed here
    assert 0.5 < sum(p.id in renewed for p in here) / len(here) < 0.8


def test_surveys_follow_deliveries_and_repairs(clean_files: list[CustomerFile]) -> None:
    responses = [s for f in clean_files for s in f.survey_responses]
    assert {s.kind for s in responses} == set(SurveyKind)
    for f in clean_files:
        interactions = {i.id: i for i in f.interactions}
        for s in f.survey_responses:
            assert s.customer_id == f.customer.id
            assert s.subject_interaction_id is not None
            subject = interactions[s.subject_interaction_id]
            expected = (
                InteractionKind.DELIVERY
                if s.kind is SurveyKind.SALES
                else InteractionKind.REPAIR_ORDER
            )
            assert subject.kind is expected
            assert subject.occurred_at < s.answered_at
            assert s.answered_at.date() < TODAY
            assert len(s.answers) == 5
            assert s.source is (
                SurveySource.OEM if s.kind is SurveyKind.SALES else SurveySource.THIRD_PARTY
            )
    top = sum(s.overall == 5 for s in responses) / len(responses)
    assert 0.5 < top < 0.66  # about 58 % completely satisfied


def test_corrective_actions_of_the_last_six_months() -> None:
    gen = DemoGenerator(CLEAN)
    for dealer in gen.dealers():
        actions = dealer.actions
        assert 12 <= len(actions) <= 21
        assert len({a.id for a in actions}) == len(actions)
        staff = {s.id: s.role for s in dealer.staff}
        assert {a.issue for a in actions} <= set(tables.CALLBACK_ISSUES)
        for a in actions:
            assert a.opened_at.date() < TODAY
            assert a.opened_at.date() >= date(2026, 5, 1)
            assert staff[a.owner_id] in (
                StaffRole.SERVICE_MANAGER,
                StaffRole.CR_MANAGER,
                StaffRole.SERVICE_ADVISOR,
            )
            assert a.approved_by is None or staff[a.approved_by] is StaffRole.GENERAL_MANAGER
            if a.closed_at is not None:
                assert a.closed_at.date() < TODAY
        assert any(a.status is ActionStatus.DONE for a in actions)
        assert any(not a.status.is_closed for a in actions)
    assert DemoGenerator(CLEAN).dealers()[0].actions == gen.dealers()[0].actions


def test_insurance_and_surveys_leave_the_rest_of_the_history_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """They draw from their own random stream: the other records are what they were
    before the demo had them (the docs' numbers and the agenda stay put)."""
    config = DemoConfig(today=TODAY, customers_per_dealer=150, task_days=35)
    with_them = list(DemoGenerator(config).files())
    monkeypatch.setattr(generator._History, "insure", lambda self, delivered: None)
    monkeypatch.setattr(generator._History, "survey", lambda self, *args: None)
    without = list(DemoGenerator(config).files())
    assert all(not f.insurance_policies and not f.survey_responses for f in without)
    assert sum(len(f.insurance_policies) for f in with_them) > 150
    assert [
        attrs.evolve(f, insurance_policies=(), survey_responses=()) for f in with_them
    ] == without
