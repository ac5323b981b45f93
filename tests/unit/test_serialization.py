from __future__ import annotations

import importlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core import (
    Case,
    Customer,
    CustomerId,
    CustomerType,
    Dealer,
    DealerId,
    Interaction,
    InteractionId,
    InteractionKind,
    RepairOrder,
    Vehicle,
    VehicleId,
    make_converter,
    structure_record,
)
from crm_core.errors import RecordValidationError, ValidationError
from crm_core.testing.strategies import RECORD_STRATEGIES, details, interactions

CONVERTER = make_converter()
_RECORD_MODULES = (
    "action",
    "case",
    "customer",
    "dealer",
    "insurance",
    "membership",
    "message",
    "survey",
    "task",
    "vehicle",
)
RECORD_TYPES = sorted(RECORD_STRATEGIES, key=lambda cls: cls.__name__)


def _top_level_record_types() -> set[type[Any]]:
    """Every attrs class in the record modules that carries an ``id``: the stored records."""
    found: set[type[Any]] = set()
    for name in _RECORD_MODULES:
        module = importlib.import_module(f"crm_core.domain.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and attrs.has(value) and "id" in attrs.fields_dict(value):
                found.add(value)
    found.add(Interaction)
    return found


def test_strategies_cover_every_stored_record_type() -> None:
    assert set(RECORD_STRATEGIES) == _top_level_record_types()


def _shape(value: Any) -> Any:
    """The value with every leaf replaced by its exact type: equality of StrEnum members
    with plain strings would hide an enum read back as a bare ``str``."""
    if attrs.has(type(value)):
        return (
            type(value),
            tuple(_shape(getattr(value, f.name)) for f in attrs.fields(type(value))),
        )
    if isinstance(value, tuple | list):
        return (type(value), tuple(_shape(v) for v in value))
    if isinstance(value, frozenset):
        return (frozenset, frozenset(type(v) for v in value))
    return type(value)


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_round_trip(cls: type[Any], data: st.DataObject) -> None:
    record = data.draw(RECORD_STRATEGIES[cls])
    plain = CONVERTER.unstructure(record)
    restored = structure_record(CONVERTER, plain, cls)
    assert restored == record
    assert _shape(restored) == _shape(record)
    through_json = json.loads(json.dumps(plain, ensure_ascii=False))
    assert through_json == plain
    assert structure_record(CONVERTER, through_json, cls) == record


@settings(max_examples=60, deadline=None)
@given(interactions())
def test_interaction_detail_is_tagged_with_its_type(record: Interaction) -> None:
    plain = CONVERTER.unstructure(record)
    if record.detail is None:
        assert plain["detail"] is None
    else:
        tag = plain["detail"]["type"]
        assert tag in {"sale", "repair_order", "callback", "club_activity"}
        assert type(structure_record(CONVERTER, plain, Interaction).detail) is type(record.detail)


@settings(max_examples=40, deadline=None)
@given(details())
def test_every_detail_type_round_trips_inside_a_fitting_interaction(detail: Any) -> None:
    kind = {
        "Sale": InteractionKind.DELIVERY,
        "RepairOrder": InteractionKind.REPAIR_ORDER,
        "Callback": InteractionKind.CALLBACK,
        "ClubActivity": InteractionKind.EVENT,
    }[type(detail).__name__]
    record = Interaction(
        id=InteractionId("I1"),
        dealer_id=DealerId("D1"),
        kind=kind,
        occurred_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        detail=detail,
    )
    plain = json.loads(json.dumps(CONVERTER.unstructure(record)))
    assert structure_record(CONVERTER, plain, Interaction) == record


def test_unstructured_values_are_plain_json_types() -> None:
    record = Interaction(
        id=InteractionId("I1"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.REPAIR_ORDER,
        occurred_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        detail=RepairOrder(reporter_name="李强", amount=Decimal("1280.50")),
    )
    plain = CONVERTER.unstructure(record)
    assert plain["occurred_at"] == "2026-03-01T09:30:00+00:00"
    assert plain["kind"] == "repair_order"
    assert type(plain["kind"]) is str
    assert plain["detail"]["type"] == "repair_order"
    assert plain["detail"]["amount"] == "1280.50"
    assert json.loads(json.dumps(plain)) == plain


def _customer_data(**changes: Any) -> dict[str, Any]:
    base = CONVERTER.unstructure(
        Customer(
            id=CustomerId("C1"),
            dealer_id=DealerId("D1"),
            type=CustomerType.INDIVIDUAL,
            name="王芳",
            mobile="13812345678",
            birthday=date(1990, 5, 17),
            created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        )
    )
    assert isinstance(base, dict)
    base.update(changes)
    return base


def _fields(exc: RecordValidationError) -> set[str | None]:
    return {error.field for error in exc.errors}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birthday": "1990-13-01"}, "birthday", "not an ISO date"),
        ({"birthday": "17/05/1990"}, "birthday", "not an ISO date"),
        ({"birthday": 19900517}, "birthday", "expected an ISO date string"),
        ({"birthday": "1990-05-17T00:00:00+08:00"}, "birthday", "not an ISO date"),
        ({"created_at": "2026-01-05T10:00:00"}, "created_at", "without a UTC offset"),
        ({"created_at": "yesterday"}, "created_at", "not an ISO datetime"),
        ({"created_at": 1767607200}, "created_at", "expected an ISO datetime string"),
        ({"mobile": 13812345678}, "mobile", "expected a string, got int"),
        ({"name": 42}, "name", "expected a string, got int"),
        ({"type": "person"}, "type", "'person' is not one of: individual, company"),
        ({"type": 1}, "type", "expected a string, got int"),
        ({"opted_out_channels": ["sms", "fax"]}, "opted_out_channels", "'fax' is not one of"),
    ],
)
def test_structure_record_names_the_bad_field(
    changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(RecordValidationError) as caught:
        structure_record(CONVERTER, _customer_data(**changes), Customer)
    assert caught.value.record_type == "Customer"
    assert field in _fields(caught.value)
    assert message in str(caught.value)


def test_unknown_keys_are_refused_not_dropped() -> None:
    with pytest.raises(RecordValidationError, match="unknown keys: nickname, wechat"):
        structure_record(CONVERTER, _customer_data(nickname="小王", wechat="wx1"), Customer)


def test_missing_required_field_is_reported() -> None:
    data = _customer_data()
    del data["name"]
    with pytest.raises(RecordValidationError) as caught:
        structure_record(CONVERTER, data, Customer)
    assert "name" in _fields(caught.value)
    assert "required field missing" in str(caught.value)


def test_several_bad_fields_are_reported_together() -> None:
    with pytest.raises(RecordValidationError) as caught:
        structure_record(
            CONVERTER, _customer_data(birthday="x", mobile=138, created_at="y"), Customer
        )
    assert {"birthday", "mobile", "created_at"} <= _fields(caught.value)


def test_enums_come_back_as_members_not_strings() -> None:
    restored = structure_record(CONVERTER, _customer_data(type="company"), Customer)
    assert restored.type is CustomerType.COMPANY
    assert restored.is_company


def test_a_record_error_is_a_validation_error_and_a_value_error() -> None:
    with pytest.raises(ValueError, match="invalid Customer") as caught:
        structure_record(CONVERTER, _customer_data(birthday="x"), Customer)
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize("data", [["C1", "D1"], None, "C1", 42])
def test_non_dict_input_is_a_record_error(data: object) -> None:
    # cattrs said "argument of type 'NoneType' is not iterable", "'list' object has no
    # attribute 'keys'"
    expected = f"invalid Customer: expected an object, got {type(data).__name__}"
    with pytest.raises(RecordValidationError, match=expected):
        structure_record(CONVERTER, data, Customer)


def _interaction_data(detail: Any) -> dict[str, Any]:
    return {
        "id": "I1",
        "dealer_id": "D1",
        "kind": "repair_order",
        "occurred_at": "2026-03-01T09:30:00+08:00",
        "detail": detail,
    }


@pytest.mark.parametrize(
    ("detail", "message"),
    [
        ({"type": "invoice", "amount": "1"}, "unknown detail type 'invoice'"),
        ({"amount": "1"}, "unknown detail type None"),
        ("repair", "expected an object, got str"),
        ({"type": "repair_order", "amount": "lots"}, "not a decimal number"),
        ({"type": "repair_order", "amount": "NaN"}, "not a finite decimal"),
        ({"type": "repair_order", "amount": 1.5}, "expected a decimal string, got float"),
        ({"type": "repair_order", "handed_back_at": "2026-03-01T18:00"}, "without a UTC offset"),
        ({"type": "repair_order", "colour": "red"}, "unknown keys: colour"),
    ],
)
def test_bad_interaction_details_are_refused(detail: Any, message: str) -> None:
    with pytest.raises(RecordValidationError, match=message):
        structure_record(CONVERTER, _interaction_data(detail), Interaction)


def test_detail_that_does_not_fit_the_kind_is_refused() -> None:
    data = _interaction_data({"type": "sale", "amount": "150000.00"})
    with pytest.raises(RecordValidationError, match="Sale detail does not belong"):
        structure_record(CONVERTER, data, Interaction)


def test_constructor_rules_apply_when_structuring() -> None:
    data = CONVERTER.unstructure(
        Vehicle(id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="LSVAU2180N2183294")
    )
    data["mileage_km"] = -5
    with pytest.raises(RecordValidationError, match="must not be negative"):
        structure_record(CONVERTER, data, Vehicle)


def test_case_history_out_of_order_is_refused() -> None:
    data = {
        "id": "K1",
        "dealer_id": "D1",
        "kind": "complaint",
        "opened_at": "2026-03-01T09:00:00+08:00",
        "history": [
            {"status": "open", "at": "2026-03-02T09:00:00+08:00"},
            {"status": "answered", "at": "2026-03-01T09:00:00+08:00"},
        ],
    }
    with pytest.raises(RecordValidationError, match="time order"):
        structure_record(CONVERTER, data, Case)


def test_structure_record_leaves_other_converters_alone() -> None:
    # make_converter builds a fresh converter each time: hooks a host adds to one
    # do not leak into another
    mine = make_converter()
    mine.register_structure_hook(date, lambda value, _: date(2000, 1, 1))
    assert CONVERTER.structure("1990-05-17", date) == date(1990, 5, 17)
    assert isinstance(mine, cattrs.Converter)


# JSON values that are not a boolean: each of them would become a flag through bool()
_NOT_BOOLEANS = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.text(),
    st.lists(st.booleans(), max_size=2),
)


@settings(max_examples=80, deadline=None)
@given(
    field=st.sampled_from(["do_not_disturb", "blacklisted", "complaining", "redlisted"]),
    value=_NOT_BOOLEANS,
)
def test_a_flag_that_is_not_a_boolean_is_refused(field: str, value: object) -> None:
    # bool("false") is True: a DMS row saying "false" would switch do-not-disturb on
    with pytest.raises(RecordValidationError, match="expected true or false") as caught:
        structure_record(CONVERTER, _customer_data(**{field: value}), Customer)
    assert field in _fields(caught.value)


@given(flag=st.booleans())
def test_a_boolean_flag_is_kept(flag: bool) -> None:
    restored = structure_record(CONVERTER, _customer_data(do_not_disturb=flag), Customer)
    assert restored.do_not_disturb is flag


@settings(max_examples=60, deadline=None)
@given(
    value=st.one_of(
        st.booleans(),
        st.floats(),
        st.integers().map(str),
        st.none(),
    )
)
def test_a_count_that_is_not_an_integer_is_refused(value: object) -> None:
    # int(1.5) is 1 and int(True) is 1: a version or a mileage must not be rounded
    data = CONVERTER.unstructure(
        Vehicle(id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="LSVAU2180N2183294")
    )
    data["version"] = value
    with pytest.raises(RecordValidationError, match="expected an integer") as caught:
        structure_record(CONVERTER, data, Vehicle)
    assert _fields(caught.value) == {"version"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"opted_out_channels": "sms"}, "opted_out_channels"),
        ({"opted_out_channels": {"sms": False}}, "opted_out_channels"),
        ({"opted_out_channels": None}, "opted_out_channels"),
        ({"opted_out_channels": 3}, "opted_out_channels"),
    ],
)
def test_a_collection_must_be_a_list(changes: dict[str, Any], field: str) -> None:
    # a string would be split into characters, a mapping's values dropped
    with pytest.raises(RecordValidationError, match="expected a list") as caught:
        structure_record(CONVERTER, _customer_data(**changes), Customer)
    assert field in _fields(caught.value)


@given(brands=st.text(min_size=1, max_size=8))
def test_a_string_is_not_split_into_a_tuple_of_characters(brands: str) -> None:
    data = {"id": "D1", "name": "一号店", "brands": brands}
    with pytest.raises(RecordValidationError, match="brands: expected a list, got str"):
        structure_record(CONVERTER, data, Dealer)


def test_every_bad_element_of_a_list_is_reported() -> None:
    with pytest.raises(RecordValidationError) as caught:
        structure_record(
            CONVERTER, _customer_data(opted_out_channels=["fax", "sms", "telex"]), Customer
        )
    assert [e.field for e in caught.value.errors] == ["opted_out_channels"] * 2
    assert "'fax'" in str(caught.value)
    assert "'telex'" in str(caught.value)
