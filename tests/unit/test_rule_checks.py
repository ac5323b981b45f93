"""Record-level checks: every defect of seed 000 on real-looking records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from crm_core import (
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    Gender,
    IdDocumentType,
    Interaction,
    InteractionId,
    InteractionKind,
    RepairOrder,
    Sale,
    ServiceKind,
    Staff,
    StaffId,
    StaffRole,
    UsageNature,
    Vehicle,
    VehicleId,
)
from crm_core.domain.rules import (
    RepairReport,
    RulePolicy,
    SaleReport,
    Severity,
    StaffPhones,
    UsagePolicy,
    Violation,
    check_customer,
    check_repair_order,
    check_sale_report,
    check_vehicle,
)
from crm_core.errors import ValidationError
from crm_core.testing.strategies import mobiles, plates, resident_ids, vins

T0 = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


def person(**changes: Any) -> Customer:
    fields: dict[str, Any] = {
        "id": CustomerId("C1"),
        "dealer_id": DealerId("D1"),
        "type": CustomerType.INDIVIDUAL,
        "name": "王芳",
        "gender": Gender.FEMALE,
        "mobile": "13812345678",
        "email": "wang.fang@example.com",
        "id_type": IdDocumentType.RESIDENT_ID,
        "id_number": "11010519491231002X",
        "birthday": date(1949, 12, 31),
        "postcode": "200030",
        "occupation": "教师",
    }
    fields.update(changes)
    return Customer(**fields)


def company(**changes: Any) -> Customer:
    fields: dict[str, Any] = {
        "id": CustomerId("C2"),
        "dealer_id": DealerId("D1"),
        "type": CustomerType.COMPANY,
        "name": "杭州顺达物流有限公司",
        "office_phone": "0571-88888888",
        "uscc": "91110000600037341L",
        "contact_person": "李明",
    }
    fields.update(changes)
    return Customer(**fields)


def car(**changes: Any) -> Vehicle:
    fields: dict[str, Any] = {
        "id": VehicleId("V1"),
        "dealer_id": DealerId("D1"),
        "vin": "LSVAU218XN2183294",
        "plate": "沪A12345",
        "brand": "Volkswagen",
        "purchase_date": date(2026, 2, 20),
        "delivery_date": date(2026, 2, 28),
    }
    fields.update(changes)
    return Vehicle(**fields)


def sale(remarks: str | None = None, **changes: Any) -> Interaction:
    fields: dict[str, Any] = {
        "id": InteractionId("I1"),
        "dealer_id": DealerId("D1"),
        "kind": InteractionKind.DELIVERY,
        "occurred_at": T0,
        "customer_id": CustomerId("C1"),
        "vehicle_id": VehicleId("V1"),
        "detail": Sale(amount=Decimal("159800.00"), remarks=remarks),
    }
    fields.update(changes)
    return Interaction(**fields)


def repair(**detail: Any) -> Interaction:
    defaults: dict[str, Any] = {"reporter_name": "李强", "reporter_phone": "13912345678"}
    defaults.update(detail)
    return Interaction(
        id=InteractionId("I2"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.REPAIR_ORDER,
        occurred_at=T0,
        customer_id=CustomerId("C1"),
        vehicle_id=VehicleId("V1"),
        detail=RepairOrder(**defaults),
    )


def pairs(found: tuple[Violation, ...]) -> list[tuple[str, str]]:
    return [(v.code, v.field) for v in found]


# --- customers -------------------------------------------------------------------------


def test_clean_customers() -> None:
    assert check_customer(person()) == ()
    assert check_customer(company()) == ()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": "王先生"}, [("NAME_TITLE", "name")]),
        ({"name": "王 芳"}, [("NAME_SPACE", "name")]),
        ({"name": "王-芳"}, [("NAME_JOINING_SYMBOL", "name")]),
        ({"name": "王芳1"}, [("NAME_DIGITS", "name")]),
        ({"mobile": "1381234567"}, [("PHONE_LENGTH", "mobile")]),
        ({"mobile": "62345678"}, [("PHONE_NO_AREA_CODE", "mobile")]),
        ({"mobile": "021-62345678"}, [("PHONE_NOT_MOBILE", "mobile")]),
        ({"home_phone": "0-21-62345678"}, [("PHONE_SEPARATOR_IN_AREA_CODE", "home_phone")]),
        ({"office_phone": "6234567"}, [("PHONE_NO_AREA_CODE", "office_phone")]),
        ({"email": "wang@qq"}, [("EMAIL_FORMAT", "email")]),
        ({"id_number": "110105194912310021"}, [("ID_CARD_CHECKSUM", "id_number")]),
        ({"birthday": date(1950, 1, 1)}, [("ID_CARD_BIRTHDAY_MISMATCH", "birthday")]),
        ({"gender": Gender.MALE}, [("ID_CARD_GENDER_MISMATCH", "gender")]),
        ({"id_type": None}, [("ID_TYPE_MISSING", "id_type")]),
        ({"postcode": "20003"}, [("POSTCODE_FORMAT", "postcode")]),
        ({"mobile": None}, [("CUSTOMER_NO_PHONE", "mobile")]),
    ],
)
def test_customer_defects(changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert pairs(check_customer(person(**changes))) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"uscc": None}, [("COMPANY_NO_USCC", "uscc")]),
        ({"uscc": "91110000600037341A"}, [("USCC_CHECKSUM", "uscc")]),
        ({"contact_person": "李经理"}, [("NAME_TITLE", "contact_person")]),
        ({"name": " "}, [("NAME_MISSING", "name")]),
        (
            {"id_type": IdDocumentType.USCC, "id_number": "9111000060003734"},
            [("USCC_LENGTH", "id_number")],
        ),
    ],
)
def test_company_defects(changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert pairs(check_customer(company(**changes))) == expected


def test_company_names_are_not_judged_as_personal_names() -> None:
    assert check_customer(company(name="上海2号汽车服务有限公司")) == ()


def test_staff_number_used_as_the_customers() -> None:
    staff = StaffPhones.of(
        [
            Staff(
                id=StaffId("S1"),
                dealer_id=DealerId("D1"),
                name="赵强",
                role=StaffRole.SALES_CONSULTANT,
                phone="139 0000 1111",
            ),
            "021-62345678",
            None,
        ]
    )
    found = check_customer(person(mobile="13900001111", home_phone="+86 21 6234 5678"), staff=staff)
    assert pairs(found) == [("PHONE_STAFF_NUMBER", "mobile"), ("PHONE_STAFF_NUMBER", "home_phone")]
    assert all(v.severity is Severity.ERROR for v in found)
    assert check_customer(person(), staff=staff) == ()


def test_stock_placeholder_customer_is_not_judged_as_a_person() -> None:
    stock = person(name="商品车", mobile=None, email=None, id_type=None, id_number=None)
    assert check_customer(stock) == ()


def test_future_birth_date_with_today() -> None:
    first17 = "11010520300101001"
    from crm_core.domain.rules import id_card

    number = first17 + id_card.calc_check_digit(first17)
    record = person(id_number=number, birthday=None, gender=Gender.UNKNOWN)
    assert check_customer(record) == ()
    assert pairs(check_customer(record, today=date(2026, 3, 1))) == [
        ("ID_CARD_BIRTH_DATE", "id_number")
    ]


def test_blank_optional_fields_are_not_defects() -> None:
    assert check_customer(person(email="", postcode="  ", home_phone="")) == ()


def test_policy_overrides_and_disabled_rules() -> None:
    record = person(name="王先生", postcode="1")
    policy = RulePolicy(
        severity_overrides={"NAME_TITLE": Severity.WARNING}, disabled=frozenset({"POSTCODE_FORMAT"})
    )
    found = check_customer(record, policy=policy)
    assert [(v.code, v.severity) for v in found] == [("NAME_TITLE", Severity.WARNING)]


# --- vehicles --------------------------------------------------------------------------


def test_clean_vehicle() -> None:
    assert check_vehicle(car()) == ()
    assert check_vehicle(car(plate=None)) == ()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"plate": "沪A-12345"}, [("PLATE_JOINING_SYMBOL", "plate")]),
        ({"plate": "A12345"}, [("PLATE_NO_PROVINCE", "plate")]),
        ({"vin": "LSVAU2180N2183294"}, [("VIN_CHECK_DIGIT", "vin")]),
        ({"vin": "DC12345678901"}, [("VIN_LEGACY_LENGTH", "vin")]),
        ({"vin": "LDC61234567890AB"}, [("VIN_LEGACY_LENGTH", "vin")]),
        ({"vin": ""}, [("VIN_MISSING", "vin")]),
        ({"delivery_date": date(2026, 2, 1)}, [("VEHICLE_DATES", "delivery_date")]),
    ],
)
def test_vehicle_defects(changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert pairs(check_vehicle(car(**changes))) == expected


@settings(max_examples=50)
@given(vins(), plates())
def test_generated_vehicles_are_clean(vin: str, plate: str) -> None:
    assert check_vehicle(car(vin=vin, plate=plate)) == ()


@settings(max_examples=50)
@given(mobiles(), resident_ids())
def test_generated_customers_are_clean(mobile: str, id_number: str) -> None:
    record = person(mobile=mobile, id_number=id_number, birthday=None, gender=Gender.UNKNOWN)
    assert check_customer(record) == ()


# --- sale reports ----------------------------------------------------------------------


def test_clean_sale_report() -> None:
    assert check_sale_report(SaleReport(sale(), person(), car())) == ()


def test_usage_nature_must_fit_the_customer_type() -> None:
    found = check_sale_report(SaleReport(sale(), person(), car(usage=UsageNature.OPERATING)))
    assert pairs(found) == [("USAGE_MISMATCH", "vehicle.usage")]
    to_company = sale(customer_id=CustomerId("C2"))
    assert check_sale_report(SaleReport(to_company, company(), car(usage=UsageNature.TAXI))) == ()
    taxi_city = RulePolicy(
        usage=UsagePolicy(
            allowed={
                CustomerType.INDIVIDUAL: {UsageNature.NON_OPERATING, UsageNature.TAXI},
                CustomerType.COMPANY: set(UsageNature),
            }
        )
    )
    report = SaleReport(sale(), person(), car(usage=UsageNature.TAXI))
    assert check_sale_report(report, policy=taxi_city) == ()


def test_test_drive_car_must_be_marked_in_the_remarks() -> None:
    demo = car(is_test_drive=True)
    found = check_sale_report(SaleReport(sale(remarks="店内展车"), person(), demo))
    assert pairs(found) == [("TEST_DRIVE_NOT_MARKED", "sale.detail.remarks")]
    assert check_sale_report(SaleReport(sale(remarks="试乘试驾车,9折"), person(), demo)) == ()
    found = check_sale_report(SaleReport(sale(remarks="试乘试驾车"), person(), car()))
    assert [(v.code, v.severity) for v in found] == [("TEST_DRIVE_NOT_FLAGGED", Severity.WARNING)]


def test_sale_report_nests_customer_and_vehicle_violations() -> None:
    found = check_sale_report(
        SaleReport(sale(), person(name="王先生"), car(plate="沪A-12345", is_stock=True))
    )
    assert pairs(found) == [
        ("NAME_TITLE", "customer.name"),
        ("PLATE_JOINING_SYMBOL", "vehicle.plate"),
        ("STOCK_VEHICLE_SOLD", "vehicle.is_stock"),
    ]


def test_sale_report_of_the_wrong_kind_or_records() -> None:
    visit = sale(kind=InteractionKind.VISIT, detail=None)
    assert pairs(check_sale_report(SaleReport(visit, person(), car()))) == [("REPORT_KIND", "sale")]
    other = sale(customer_id=CustomerId("C9"), vehicle_id=VehicleId("V9"))
    assert pairs(check_sale_report(SaleReport(other, person(), car()))) == [
        ("REPORT_MISMATCH", "sale.customer_id"),
        ("REPORT_MISMATCH", "sale.vehicle_id"),
    ]


# --- repair orders ---------------------------------------------------------------------


def test_clean_repair_order() -> None:
    assert check_repair_order(RepairReport(repair(), car(), person())) == ()
    assert check_repair_order(RepairReport(repair(), car())) == ()


def test_reporter_filled_with_a_company_name() -> None:
    found = check_repair_order(RepairReport(repair(reporter_name="杭州顺达物流有限公司"), car()))
    assert pairs(found) == [("NAME_COMPANY", "order.detail.reporter_name")]


def test_reporter_phone_rules() -> None:
    staff = StaffPhones.of(["13912345678"])
    found = check_repair_order(RepairReport(repair(callback_phone="62345678"), car()), staff=staff)
    assert pairs(found) == [
        ("PHONE_STAFF_NUMBER", "order.detail.reporter_phone"),
        ("PHONE_NO_AREA_CODE", "order.detail.callback_phone"),
    ]


def test_repair_order_without_plate_or_reporter() -> None:
    found = check_repair_order(RepairReport(repair(reporter_name=None), car(plate=None)))
    assert [(v.code, v.field, v.severity) for v in found] == [
        ("REPORTER_MISSING", "order.detail.reporter_name", Severity.WARNING),
        ("REPAIR_NO_PLATE", "vehicle.plate", Severity.WARNING),
    ]


STOCK_DEFECTS = [
    ("STOCK_NOT_MARKED", "customer.name"),
    ("STOCK_NOT_MARKED", "order.detail.reporter_name"),
]


@pytest.mark.parametrize(
    ("customer_name", "reporter", "stock", "kind", "expected"),
    [
        # a stock car serviced under a person's name
        ("王芳", "李强", True, ServiceKind.MAINTENANCE, STOCK_DEFECTS),
        # a car in pre-delivery inspection under a number
        (
            "8001",
            "8001",
            False,
            ServiceKind.PDI,
            [("NAME_DIGITS", "customer.name"), *STOCK_DEFECTS],
        ),
    ],
)
def test_stock_or_pdi_car_must_be_recorded_as_stock(
    customer_name: str,
    reporter: str,
    stock: bool,
    kind: ServiceKind,
    expected: list[tuple[str, str]],
) -> None:
    report = RepairReport(
        repair(reporter_name=reporter, service_kind=kind),
        car(is_stock=stock, plate=None),
        person(name=customer_name),
    )
    assert pairs(check_repair_order(report)) == expected
    marked = RepairReport(
        repair(reporter_name="商品车", reporter_phone=None, service_kind=kind),
        car(is_stock=stock, plate=None),
        person(name="商品车", mobile=None, email=None, id_type=None, id_number=None),
    )
    assert check_repair_order(marked) == ()


def test_stock_marker_on_a_car_not_flagged_as_stock() -> None:
    report = RepairReport(
        repair(),
        car(),
        person(name="商品车", mobile=None, email=None, id_type=None, id_number=None),
    )
    assert pairs(check_repair_order(report)) == [("STOCK_NOT_FLAGGED", "vehicle.is_stock")]


def test_repair_report_of_the_wrong_kind() -> None:
    not_repair = sale()
    found = check_repair_order(RepairReport(not_repair, car()))
    assert pairs(found) == [("REPORT_KIND", "order")]


def test_checks_never_raise_for_records_built_with_junk() -> None:
    # attrs does not type-check at run time: a host's import can build anything
    evolve: Any = attrs.evolve
    junk_customer = evolve(person(), name=42, mobile=13812345678, email=["x"])
    assert pairs(check_customer(junk_customer)) == [
        ("NAME_CHARACTERS", "name"),
        ("PHONE_FORMAT", "mobile"),
        ("EMAIL_FORMAT", "email"),
    ]
    # enum fields are the exception: the constructor stores the member or refuses
    with pytest.raises(ValidationError, match="'person' is not one of") as refused:
        evolve(person(), type="person")
    assert refused.value.field == "type"
    assert pairs(check_customer(evolve(person(), type="company"))) == pairs(
        check_customer(evolve(person(), type=CustomerType.COMPANY))
    )
    junk_vehicle = evolve(car(), vin=None, plate=12345, delivery_date="2026-01-01")
    assert pairs(check_vehicle(junk_vehicle)) == [
        ("VIN_FORMAT", "vin"),
        ("PLATE_FORMAT", "plate"),
        ("RECORD_TYPE", "delivery_date"),
    ]
    report = SaleReport(sale(), None, "car")  # type: ignore[arg-type]
    assert pairs(check_sale_report(report)) == [
        ("RECORD_TYPE", "customer."),
        ("RECORD_TYPE", "vehicle."),
    ]


def test_a_datetime_where_a_date_belongs_is_reported_not_compared() -> None:
    # datetime is a date subclass that refuses comparison with a date: it used to crash
    evolve: Any = attrs.evolve
    bought = evolve(
        car(), purchase_date=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), delivery_date=date(2026, 3, 1)
    )
    assert pairs(check_vehicle(bought)) == [("RECORD_TYPE", "purchase_date")]
    both = evolve(
        car(),
        purchase_date=datetime(2026, 3, 2, tzinfo=UTC),
        delivery_date=datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert pairs(check_vehicle(both)) == [
        ("RECORD_TYPE", "purchase_date"),
        ("RECORD_TYPE", "delivery_date"),
    ]


class _Day(date):
    """A host's own date type (a subclass of date, as some ORMs return)."""


def test_date_subclasses_are_still_compared() -> None:
    evolve: Any = attrs.evolve
    early = evolve(car(), purchase_date=_Day(2026, 3, 2), delivery_date=_Day(2026, 3, 1))
    assert pairs(check_vehicle(early)) == [("VEHICLE_DATES", "delivery_date")]
    alone = evolve(car(), purchase_date=None, delivery_date=_Day(2026, 3, 1))
    assert check_vehicle(alone) == ()


def test_a_birthday_that_is_no_date_is_reported_as_such() -> None:
    # a datetime never equals the ID's birth date: that is a typing slip, not a mismatch
    evolve: Any = attrs.evolve
    at_noon = evolve(person(), birthday=datetime(1949, 12, 31, 12, tzinfo=UTC))
    assert pairs(check_customer(at_noon)) == [("RECORD_TYPE", "birthday")]
    as_text = evolve(person(), birthday="1949-12-31")
    assert pairs(check_customer(as_text)) == [("RECORD_TYPE", "birthday")]
    other_day = evolve(person(), birthday=date(1950, 1, 1))
    assert pairs(check_customer(other_day)) == [("ID_CARD_BIRTHDAY_MISMATCH", "birthday")]
