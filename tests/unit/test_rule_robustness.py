"""Junk in, typed errors or violations out: never a crash deep in the stack.

python-stdnum keeps one such test over all its modules; this is ours, over every
``compact``/``validate``/``is_valid``/``format``/``check`` and every record check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core import (
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    Interaction,
    InteractionId,
    InteractionKind,
    RepairOrder,
    Vehicle,
    VehicleId,
)
from crm_core.domain.rules import (
    IdentifierStandard,
    RepairReport,
    SaleReport,
    Violation,
    check_customer,
    check_repair_order,
    check_sale_report,
    check_vehicle,
    email,
    id_card,
    person_name,
    phone,
    plate,
    uscc,
    vin,
)
from crm_core.errors import ValidationError
from crm_core.testing.strategies import (
    chinese_names,
    landlines,
    mobiles,
    plates,
    resident_ids,
    usccs,
    vins,
)

MODULES: list[IdentifierStandard] = [vin, plate, phone, person_name, id_card, uscc, email]

JUNK: list[object] = [
    None,
    "",
    " ",
    "\t\n",
    "😀",
    "沪A😀2345",
    "\x00\x01\x02\x1b[31m",
    "\u200b\u200e\ufeff",
    "\ud800",  # a lone surrogate
    "A" * 10_000,
    "1" * 10_000,
    "沪" * 10_000,
    "-" * 10_000,
    "@" * 10_000,
    "+86" + "8" * 10_000,
    0,
    13812345678,
    -1,
    3.14,
    b"13812345678",
    ["沪A12345"],
    {"vin": "x"},
    object(),
]


def _junk_id(value: object) -> str:
    return repr(value)[:20]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize("value", JUNK, ids=_junk_id)
def test_identifier_functions_take_junk(module: Any, value: object) -> None:
    found = module.check(value)
    assert isinstance(found, tuple)
    assert all(isinstance(v, Violation) for v in found)
    assert module.is_valid(value) is False or isinstance(value, str)
    for function in (module.compact, module.validate, module.format):
        try:
            result = function(value)
        except ValidationError:
            continue
        assert isinstance(result, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40) | st.binary(max_size=20).map(lambda b: b.decode("latin-1")))
def test_any_text_gives_violations_or_typed_errors(value: str) -> None:
    for module in MODULES:
        found = module.check(value)
        assert all(isinstance(v, Violation) for v in found)
        try:
            compact = module.validate(value)
        except ValidationError:
            assert not module.is_valid(value)
        else:
            assert module.is_valid(value)
            assert module.is_valid(compact)


T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _customer() -> Customer:
    return Customer(
        id=CustomerId("C1"), dealer_id=DealerId("D1"), type=CustomerType.INDIVIDUAL, name="王芳"
    )


def _vehicle() -> Vehicle:
    return Vehicle(id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="LSVAU218XN2183294")


def _order() -> Interaction:
    return Interaction(
        id=InteractionId("I1"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.REPAIR_ORDER,
        occurred_at=T0,
        detail=RepairOrder(),
    )


def _delivery() -> Interaction:
    return Interaction(
        id=InteractionId("I2"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.DELIVERY,
        occurred_at=T0,
    )


CHECKS: list[Callable[[Any], tuple[Violation, ...]]] = [
    check_customer,
    check_vehicle,
    check_sale_report,
    check_repair_order,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("value", JUNK, ids=_junk_id)
def test_record_checks_take_junk_records(check: Any, value: object) -> None:
    found = check(value)
    assert [v.code for v in found] == ["RECORD_TYPE"]


# fields whose constructor stores an enum member or refuses the value, naming the field
ENUM_FIELDS = {
    Customer: {"type", "gender", "id_type", "opted_out_channels"},
    Vehicle: {"usage", "vehicle_class"},
    RepairOrder: {"service_kind"},
    Interaction: {"kind", "channel"},
}


def _with_junk(record: Any, field: str, value: object) -> Any | None:
    """``record`` with ``value`` in ``field``, or None where the constructor refuses it."""
    try:
        return attrs.evolve(record, **{field: value})
    except ValidationError as exc:
        refused = exc
    assert field in ENUM_FIELDS[type(record)]  # only what cannot exist is refused
    assert refused.field == field
    return None


@pytest.mark.parametrize("value", JUNK, ids=_junk_id)
def test_record_checks_take_junk_in_every_field(value: object) -> None:
    for field in attrs.fields(Customer):
        if field.name in ("id", "dealer_id", "version", "created_at", "updated_at"):
            continue  # guarded by the constructor's validators
        record = _with_junk(_customer(), field.name, value)
        if record is None:
            continue
        assert all(isinstance(v, Violation) for v in check_customer(record))
        sale_report = SaleReport(_delivery(), record, _vehicle())
        assert all(isinstance(v, Violation) for v in check_sale_report(sale_report))
    for field in attrs.fields(Vehicle):
        if field.name in ("id", "dealer_id", "version", "mileage_km", "updated_at"):
            continue
        vehicle = _with_junk(_vehicle(), field.name, value)
        if vehicle is None:
            continue
        assert all(isinstance(v, Violation) for v in check_vehicle(vehicle))
        sale_report = SaleReport(_delivery(), _customer(), vehicle)
        assert all(isinstance(v, Violation) for v in check_sale_report(sale_report))
    for field in attrs.fields(RepairOrder):
        if field.name in ("handed_back_at", "mileage_km"):
            continue
        detail = _with_junk(RepairOrder(), field.name, value)
        if detail is None:
            continue
        order = attrs.evolve(_order(), detail=detail)
        found = check_repair_order(RepairReport(order, _vehicle(), _customer()))
        assert all(isinstance(v, Violation) for v in found)
    report = RepairReport(_order(), value, value)  # type: ignore[arg-type]
    assert all(isinstance(v, Violation) for v in check_repair_order(report))
    for field in attrs.fields(Interaction):
        if field.name in ("id", "dealer_id", "occurred_at", "version", "updated_at", "detail"):
            continue
        sale = _with_junk(_delivery(), field.name, value)
        if sale is None:
            continue
        found = check_sale_report(SaleReport(sale, _customer(), _vehicle()))
        assert all(isinstance(v, Violation) for v in found)


CLEAN_PREDICATES: list[tuple[Any, Callable[[object], bool]]] = [
    (vin, vin.is_clean),
    (plate, plate.is_clean),
    (phone, phone.is_clean),
    (person_name, person_name.is_clean),
    (id_card, id_card.is_clean),
    (uscc, uscc.is_clean),
    (email, email.is_clean),
]


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        vins(),
        plates(),
        mobiles(),
        landlines().map(lambda n: n[:3] + "-" + n[3:]),
        landlines().map(lambda n: n[:4] + "-" + n[4:]),
        chinese_names(),
        resident_ids(),
        usccs(),
        st.emails(),
    )
)
def test_is_clean_never_hides_a_violation(value: str) -> None:
    # the bulk checks skip check() when is_clean() says yes: it must never say yes wrongly
    for module, clean in CLEAN_PREDICATES:
        if clean(value):
            assert module.check(value) == (), (module.__name__, value)


@settings(max_examples=50, deadline=None)
@given(vins(), plates(), mobiles(), chinese_names(), resident_ids(), usccs())
def test_clean_generated_values_take_the_fast_path(
    vin_: str, plate_: str, mobile: str, name: str, id_number: str, code: str
) -> None:
    assert vin.is_clean(vin_)
    assert plate.is_clean(plate_)
    assert phone.is_clean(mobile)
    assert id_card.is_clean(id_number)
    assert uscc.is_clean(code)
    assert person_name.is_clean(name) or len(name) > 4
