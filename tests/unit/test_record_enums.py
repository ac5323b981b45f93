"""Enum fields of every record: a value string is stored as the member, junk is refused.

The scores select records by identity (``kind is InteractionKind.CALLBACK``), so a record
that kept ``"callback"`` would silently drop out of every KPI. Every attrs class under
``crm_core.domain`` with an enum-typed field is held to that here: built with the member
or with its value, it is the same record (or the same error), and the field holds the
member; a string that names no member is a ValidationError naming the field.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crm_core.domain
from crm_core.domain._validators import as_members, member
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.case import CaseStatus, CaseStatusChange
from crm_core.domain.contact import Channel
from crm_core.domain.customer import CustomerType
from crm_core.domain.duplicates import MatchKind, MatchReason
from crm_core.domain.ids import CustomerId
from crm_core.domain.interaction import Callback, CallbackOutcome, RepairOrder
from crm_core.domain.message import MessageOutcome, MessageStatus
from crm_core.domain.ports.storage import AnchorHit
from crm_core.domain.rules.checks import RulePolicy, UsagePolicy
from crm_core.domain.rules.completeness import (
    CompletenessLine,
    CompletenessMetric,
    CompletenessTarget,
)
from crm_core.domain.rules.id_card import IdCardPolicy
from crm_core.domain.rules.uscc import UsccPolicy
from crm_core.domain.rules.vin import VinPolicy
from crm_core.domain.rules.violation import Severity, Violation
from crm_core.domain.vehicle import UsageNature
from crm_core.errors import ValidationError
from crm_core.testing import records

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# the type checker is told the truth (fields are typed as members); these tests pass
# what a DMS row or a host's config hands over, so they go around it
evolve: Any = attrs.evolve
untyped: Any = {}

# one valid instance of every class; the tests change one enum field at a time
EXAMPLES: dict[type, Any] = {
    type(example): example
    for example in (
        records.corrective_action("A1"),
        CaseStatusChange(CaseStatus.OPEN, T0),
        records.case("K1"),
        records.customer("C1"),
        records.staff_member("S1"),
        MatchReason(MatchKind.SAME_MOBILE, (CustomerId("C1"), CustomerId("C2")), "138****5678"),
        RepairOrder(),
        Callback(outcome=CallbackOutcome.REACHED),
        records.interaction("I1"),
        records.club_member("M1", "C1"),
        records.points_entry("P1", "M1"),
        records.message("Q1", "C1"),
        MessageOutcome(
            records.message("Q1", "C1", status=MessageStatus.SENDING, lease_owner="w1"),
            MessageStatus.SENT,
        ),
        AnchorHit(AnchorKind.DELIVERY, date(2026, 3, 1), CustomerId("C1")),
        CompletenessTarget(CompletenessMetric.PLATE_FILLED, Decimal("0.9")),
        CompletenessLine(CompletenessMetric.PLATE_FILLED, 9, 10, Decimal("0.9")),
        IdCardPolicy(),
        UsccPolicy(),
        VinPolicy(),
        Violation("PLATE_NO_PROVINCE", "plate", "no province abbreviation"),
        records.survey_response("R1"),
        records.task("T1", "C1", channels=(Channel.PHONE, Channel.SMS)),
        records.vehicle("V1"),
    )
}


def _enums_in(hint: Any) -> list[type[enum.Enum]]:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return [hint]
    return [e for arg in typing.get_args(hint) for e in _enums_in(arg)]


def _domain_classes() -> set[type]:
    found: set[type] = set()
    for info in pkgutil.walk_packages(crm_core.domain.__path__, "crm_core.domain."):
        module = importlib.import_module(info.name)
        found.update(
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == module.__name__
        )
    return found


def _enum_fields(cls: type) -> list[tuple[str, Any, type[enum.Enum]]]:
    """(field, its type, its enum) for each field of ``cls`` that holds enum members and
    has no converter of its own (the mapping fields of the policies; tested below)."""
    hints = typing.get_type_hints(cls)
    return [
        (f.name, hints[f.name], enums[0])
        for f in attrs.fields(cls)
        if f.init and f.converter is None and (enums := _enums_in(hints[f.name]))
    ]


FIELDS = [(cls, *field) for cls in EXAMPLES for field in _enum_fields(cls)]


def test_every_domain_class_with_an_enum_field_is_covered() -> None:
    with_enums = {cls for cls in _domain_classes() if _enum_fields(cls)}
    assert with_enums == set(EXAMPLES)


def _outcome(cls: type, changes: dict[str, Any]) -> Any:
    """The record built with ``changes``, or the error's (type, field, message)."""
    try:
        return attrs.evolve(EXAMPLES[cls], **changes)
    except ValidationError as exc:
        return (type(exc), exc.field, exc.message)


def _as_values(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return str(value.value)
    return [str(v.value) for v in value]  # a list: any iterable of values will do


def _holds_members(stored: Any, given: Any) -> bool:
    if isinstance(given, enum.Enum):
        return stored is given
    return type(stored) in (tuple, frozenset) and all(any(s is g for g in given) for s in stored)


@given(data=st.data())
def test_a_value_string_builds_the_same_record_as_the_member(data: st.DataObject) -> None:
    cls, name, hint, enum_type = data.draw(st.sampled_from(FIELDS))
    if typing.get_origin(hint) in (tuple, frozenset):
        value: Any = typing.get_origin(hint)(
            data.draw(st.lists(st.sampled_from(list(enum_type)), min_size=1, max_size=3))
        )
    else:
        value = data.draw(st.sampled_from(list(enum_type)))
    from_member = _outcome(cls, {name: value})
    from_string = _outcome(cls, {name: _as_values(value)})
    assert from_string == from_member
    if isinstance(from_string, cls):
        assert _holds_members(getattr(from_string, name), value)


@given(data=st.data())
def test_a_string_that_names_no_member_is_refused(data: st.DataObject) -> None:
    cls, name, hint, enum_type = data.draw(st.sampled_from(FIELDS))
    values = {str(m.value) for m in enum_type}
    bad: Any = data.draw(st.text(max_size=12).filter(lambda s: s not in values))
    if typing.get_origin(hint) in (tuple, frozenset):
        bad = (next(iter(enum_type)).value, bad)
    with pytest.raises(ValidationError, match="is not one of") as refused:
        attrs.evolve(EXAMPLES[cls], **{name: bad})
    assert refused.value.field == name


@pytest.mark.parametrize(("cls", "name", "hint", "enum_type"), FIELDS, ids=str)
def test_what_is_no_value_at_all_is_refused(
    cls: type, name: str, hint: Any, enum_type: type[enum.Enum]
) -> None:
    collection = typing.get_origin(hint) in (tuple, frozenset)
    optional = type(None) in typing.get_args(hint)
    junk: list[object] = [3, b"sms", object(), ["visit"]]
    if collection:
        junk = [3, "sms", None, (3,)]
    elif not optional:
        junk.append(None)
    for bad in junk:
        with pytest.raises(ValidationError) as refused:
            attrs.evolve(EXAMPLES[cls], **{name: bad})
        assert refused.value.field == name
        # a non-string is named by its type only: the value may be personal data
        assert "of type" in refused.value.message or "collection" in refused.value.message


def test_none_stays_none_in_an_optional_field() -> None:
    assert attrs.evolve(records.customer("C1"), id_type=None).id_type is None
    assert Callback(outcome="reached").would_recommend is None  # type: ignore[arg-type]


def test_an_empty_collection_stays_empty_and_keeps_its_type() -> None:
    customer = evolve(records.customer("C1"), opted_out_channels=[])
    assert customer.opted_out_channels == frozenset()
    assert type(customer.opted_out_channels) is frozenset


@given(data=st.data())
def test_any_members_value_names_that_member(data: st.DataObject) -> None:
    enum_type = data.draw(st.sampled_from(sorted({f[3] for f in FIELDS}, key=str)))
    chosen = data.draw(st.sampled_from(list(enum_type)))
    assert member(enum_type, chosen.value) is chosen
    assert member(enum_type, chosen) is chosen


# the policies' mappings convert through their own converters, to the same rule


def test_usage_policy_stores_members_for_value_strings() -> None:
    policy = UsagePolicy(allowed=untyped | {"individual": ["non_operating", "taxi"]})
    individual = next(iter(policy.allowed))
    assert individual is CustomerType.INDIVIDUAL
    assert policy.allowed[CustomerType.INDIVIDUAL] == {
        UsageNature.NON_OPERATING,
        UsageNature.TAXI,
    }
    assert all(type(u) is UsageNature for u in policy.allowed[CustomerType.INDIVIDUAL])
    for bad in ({"person": ["taxi"]}, {"individual": ["bus"]}):
        with pytest.raises(ValidationError, match="is not one of") as refused:
            UsagePolicy(allowed=untyped | bad)
        assert refused.value.field == "allowed"


def test_severity_mappings_store_members_for_value_strings() -> None:
    rules = RulePolicy(severity_overrides=untyped | {"NAME_TOO_SHORT": "warning"})
    assert rules.severity_overrides["NAME_TOO_SHORT"] is Severity.WARNING
    vin = VinPolicy(regions=untyped | {"l": "error"})
    assert vin.regions["L"] is Severity.ERROR
    with pytest.raises(ValidationError, match="'fatal' is not one of") as refused:
        RulePolicy(severity_overrides=untyped | {"NAME_TOO_SHORT": "fatal"})
    assert refused.value.field == "severity_overrides"
    with pytest.raises(ValidationError) as refused:
        VinPolicy(regions=untyped | {"L": 1})
    assert refused.value.field == "regions"


def test_a_status_is_converted_before_the_post_init_checks_read_it() -> None:
    """Post-init rules read the enum (``status.is_closed``, ``kind is EARN``): they see
    the member, so a string gives the same answer, not an AttributeError."""
    done = evolve(records.corrective_action("A1"), status="done", closed_at=T0)
    assert done.status.is_closed
    with pytest.raises(ValidationError, match="earned points must be positive"):
        evolve(records.points_entry("P1", "M1"), kind="earn", points=-5)
    task = records.task("T1", "C1", channels=["phone"], status="planned")
    assert task.channels == (Channel.PHONE,)
    assert task.channels[0] is Channel.PHONE
    with pytest.raises(ValidationError, match="at least one channel"):
        records.task("T1", "C1", channels=[])


@attrs.frozen(slots=True)
class _ListOfChannels:
    channels: list[Channel]

    __attrs_post_init__ = as_members


def test_an_enum_field_of_a_shape_it_cannot_convert_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match=r"_ListOfChannels\.channels"):
        _ListOfChannels([Channel.SMS])
