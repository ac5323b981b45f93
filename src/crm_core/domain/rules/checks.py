"""Record-level checks: a customer, a vehicle, a sale report, a repair order.

Each returns a tuple of :class:`~crm_core.domain.rules.violation.Violation` — empty when
the record is clean — and never raises for bad data, whatever the record holds (a host's
import may put an int where a phone belongs; that is a violation, not a traceback). The
defects are seed 000's list of what goes wrong in sale reports and repair orders sent to
the OEM system; each has a stable code, documented in ``docs/rules.md``.

Every threshold and word list is in :class:`RulePolicy`, which a host overrides per brand
or dealer; any rule can be switched off or have its severity changed by code.

>>> from crm_core import Customer, CustomerType
>>> c = Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王先生",
...              mobile="0571-8888888")
>>> for v in check_customer(c):
...     print(v)
NAME_TITLE [error] name: ends with the title 先生; key the name only
PHONE_LENGTH [error] mobile: 7 digits after area code 0571; local numbers there have 8
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import TypeVar

import attrs

from crm_core.domain._validators import member
from crm_core.domain.customer import Customer, CustomerType, Gender, IdDocumentType
from crm_core.domain.dealer import Staff
from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder, Sale, ServiceKind
from crm_core.domain.rules import email as email_rules
from crm_core.domain.rules import id_card, person_name, phone, plate, uscc, vin
from crm_core.domain.rules._support import ERROR, WARNING, violation
from crm_core.domain.rules.email import EmailPolicy
from crm_core.domain.rules.id_card import IdCardPolicy
from crm_core.domain.rules.person_name import NamePolicy
from crm_core.domain.rules.phone import PhonePolicy
from crm_core.domain.rules.plate import PlatePolicy
from crm_core.domain.rules.uscc import UsccPolicy
from crm_core.domain.rules.vin import VinPolicy
from crm_core.domain.rules.violation import Severity, Violation
from crm_core.domain.vehicle import UsageNature, Vehicle
from crm_core.errors import ValidationError

T = TypeVar("T")
# a record check built for one RulePolicy: (record[, staff phones, today]) → violations found
_CustomerCheck = Callable[["Customer", "StaffPhones", "date | None"], list["Violation"]]
_VehicleCheck = Callable[["Vehicle"], list["Violation"]]

__all__ = [
    "DEFAULT_RULE_POLICY",
    "RepairReport",
    "RulePolicy",
    "SaleReport",
    "StaffPhones",
    "UsagePolicy",
    "check_customer",
    "check_repair_order",
    "check_sale_report",
    "check_vehicle",
]


def _frozen_usage(
    value: Mapping[CustomerType, Iterable[UsageNature]],
) -> Mapping[CustomerType, frozenset[UsageNature]]:
    return MappingProxyType(
        {
            member(CustomerType, k, "allowed"): frozenset(
                member(UsageNature, u, "allowed") for u in v
            )
            for k, v in value.items()
        }
    )


@attrs.frozen(slots=True)
class UsagePolicy:
    """Which usage natures (使用性质) fit which customer type, for the USAGE_MISMATCH check.

    By default a person's car is non-operating; a company's may be anything. A city that
    licenses individual taxi owners adds ``UsageNature.TAXI`` to the individual's set."""

    allowed: Mapping[CustomerType, frozenset[UsageNature]] = attrs.field(
        factory=lambda: {
            CustomerType.INDIVIDUAL: {UsageNature.NON_OPERATING},
            CustomerType.COMPANY: set(UsageNature),
        },
        converter=_frozen_usage,
        hash=False,
    )


def _severities(value: Mapping[str, Severity]) -> Mapping[str, Severity]:
    return MappingProxyType(
        {str(k): member(Severity, v, "severity_overrides") for k, v in value.items()}
    )


@attrs.frozen(slots=True)
class RulePolicy:
    """Everything a host may tune in the record checks, with seed 000's defaults.

    ``severity_overrides`` re-grades a rule by code (``{"USAGE_MISMATCH": WARNING}``);
    ``disabled`` drops codes entirely. ``stock_marker`` is the name a stock or
    pre-delivery car is recorded under, ``test_drive_marker`` the word a test-drive
    car's sale report must carry in its remarks.

    >>> strict = RulePolicy(severity_overrides={"NAME_TOO_SHORT": Severity.ERROR})
    >>> strict.severity_overrides["NAME_TOO_SHORT"]
    <Severity.ERROR: 'error'>
    """

    vin: VinPolicy = attrs.field(factory=VinPolicy)
    plate: PlatePolicy = attrs.field(factory=PlatePolicy)
    phone: PhonePolicy = attrs.field(factory=PhonePolicy)
    name: NamePolicy = attrs.field(factory=NamePolicy)
    id_card: IdCardPolicy = attrs.field(factory=IdCardPolicy)
    uscc: UsccPolicy = attrs.field(factory=UsccPolicy)
    email: EmailPolicy = attrs.field(factory=EmailPolicy)
    usage: UsagePolicy = attrs.field(factory=UsagePolicy)
    stock_marker: str = "商品车"
    test_drive_marker: str = "试乘试驾车"
    company_needs_uscc: bool = True
    severity_overrides: Mapping[str, Severity] = attrs.field(
        factory=dict, converter=_severities, hash=False
    )
    disabled: frozenset[str] = frozenset()
    # the record checks, built once for this policy: see _customer_check
    _check_customer: _CustomerCheck = attrs.field(init=False, eq=False, repr=False, hash=False)
    _check_vehicle: _VehicleCheck = attrs.field(init=False, eq=False, repr=False, hash=False)

    @_check_customer.default
    def _build_customer_check(self) -> _CustomerCheck:
        return _customer_check(self)

    @_check_vehicle.default
    def _build_vehicle_check(self) -> _VehicleCheck:
        return _vehicle_check(self)


def _compact_phone(value: object) -> str | None:
    if isinstance(value, Staff):
        value = value.phone
    if not isinstance(value, str):
        return None
    try:
        return phone.compact(value)
    except ValidationError:
        return None


@attrs.frozen(slots=True)
class StaffPhones:
    """The dealer's staff phone numbers, to catch customer records that carry one (seed 000).

    They are compacted once so that every customer check can ask "is this a staff member's
    number?" in one look-up (seed 000's first phone defect).

    >>> staff = StaffPhones.of(["138-0000-1111", "021 6234 5678"])
    >>> "13800001111" in staff, "+86 21 62345678" in staff, "13912345678" in staff
    (True, True, False)
    """

    numbers: frozenset[str] = frozenset()

    @classmethod
    def of(cls, staff: Iterable[Staff | str | None]) -> StaffPhones:
        """From :class:`~crm_core.Staff` records or raw numbers in any notation."""
        return cls(frozenset(n for n in map(_compact_phone, staff) if n))

    def __contains__(self, value: object) -> bool:
        if not self.numbers or not isinstance(value, str):
            return False
        return value in self.numbers or _compact_phone(value) in self.numbers

    def __bool__(self) -> bool:
        return bool(self.numbers)


NO_STAFF = StaffPhones()


@attrs.frozen(slots=True)
class SaleReport:
    """A sale as reported to the OEM (售车申报): the order or delivery, its buyer, its car."""

    sale: Interaction
    customer: Customer
    vehicle: Vehicle


@attrs.frozen(slots=True)
class RepairReport:
    """A repair order as reported to the OEM (维修工单申报): the order, the car, its customer.

    ``customer`` is ``None`` when the DMS keeps no customer for the car."""

    order: Interaction
    vehicle: Vehicle
    customer: Customer | None = None


def _typed(value: object, cls: type[T]) -> T | None:
    """``value`` if it is a ``cls``, else None: records built by hand (not through the
    converter) can hold anything, and a check must report that rather than crash."""
    return value if isinstance(value, cls) else None


def _record_type(expected: str, value: object) -> tuple[Violation, ...]:
    return (violation("RECORD_TYPE", "", f"expected a {expected}, got {type(value).__name__}"),)


def _blank(value: object) -> bool:
    """An optional field left empty: None, empty or only whitespace. Not a defect."""
    return not value or (isinstance(value, str) and value.isspace())


def _finish(found: list[Violation], policy: RulePolicy) -> tuple[Violation, ...]:
    if not found:
        return ()
    if policy.disabled:
        found = [v for v in found if v.code not in policy.disabled]
    overrides = policy.severity_overrides
    if overrides:
        found = [
            violation(v.code, v.field, v.message, overrides[v.code]) if v.code in overrides else v
            for v in found
        ]
    return tuple(found)


# Module names for enum members: see crm_core.domain.rules._support.ERROR.
_INDIVIDUAL = CustomerType.INDIVIDUAL
_RESIDENT_ID = IdDocumentType.RESIDENT_ID
_USCC_DOCUMENT = IdDocumentType.USCC
_MALE = Gender.MALE
_FEMALE = Gender.FEMALE
_GENDER_UNKNOWN = Gender.UNKNOWN
_LANDLINE = phone.PhoneKind.LANDLINE
_POSTCODE = re.compile("[0-9]{6}")


def _check_phone(
    value: object,
    field: str,
    staff: StaffPhones,
    policy: RulePolicy,
    found: list[Violation],
    *,
    mobile_only: bool = False,
) -> None:
    kind, digits, violations = phone.analyse(value, field, policy.phone)
    found.extend(violations)
    if mobile_only and kind is _LANDLINE and not violations:
        found.append(
            violation(
                "PHONE_NOT_MOBILE",
                field,
                "a landline in the mobile field: SMS will not reach it",
                WARNING,
            )
        )
    if staff.numbers and (digits in staff.numbers if digits else value in staff):
        found.append(_staff_number(field))


def _staff_number(field: str) -> Violation:
    return violation(
        "PHONE_STAFF_NUMBER", field, "a dealer staff member's number entered as the customer's"
    )


def _check_other_phone(
    value: object, field: str, staff: StaffPhones, policy: RulePolicy, found: list[Violation]
) -> bool:
    """An office or home phone (not None) checked; True when it counts as a number."""
    if phone.is_clean(value, policy.phone):
        assert isinstance(value, str)  # is_clean() passes only text
        if staff.numbers and value.replace("-", "") in staff.numbers:
            found.append(_staff_number(field))
        return True
    if value and not (type(value) is str and value.isspace()):
        _check_phone(value, field, staff, policy, found)
        return True
    return False


def _diagnose_resident_id(
    number: object, policy: RulePolicy, today: date | None, found: list[Violation]
) -> tuple[str, date | None] | None:
    """The defects of a resident ID number that is not clean; the compact number and its
    birth date when it has no error, to compare with the record."""
    violations = id_card.check(number, field="id_number", policy=policy.id_card, today=today)
    found.extend(violations)
    if not isinstance(number, str) or any(v.severity is ERROR for v in violations):
        return None
    number = id_card.compact(number)
    return number, id_card.decode_birth_date(number)


def _compare_with_id(
    customer: Customer, number: str, born: date | None, found: list[Violation]
) -> None:
    """The record's birthday and gender against those the ID number encodes."""
    birthday = customer.birthday
    if birthday is not None and born != birthday:
        found.append(
            violation(
                "ID_CARD_BIRTHDAY_MISMATCH",
                "birthday",
                "differs from the birth date in the ID number",
                WARNING,
            )
            if _is_day(birthday)  # a datetime never equals a date: not a mismatch
            else violation("RECORD_TYPE", "birthday", "not a calendar date")
        )
    gender = customer.gender
    if gender is not _GENDER_UNKNOWN and gender is not (
        _MALE if number[16] in "13579" else _FEMALE
    ):
        found.append(
            violation(
                "ID_CARD_GENDER_MISMATCH",
                "gender",
                "differs from the gender encoded in the ID number",
                WARNING,
            )
        )


def _customer_check(policy: RulePolicy) -> _CustomerCheck:
    """``policy``'s customer check, every table and pattern it needs bound once.

    The hot path of a bulk check, written for CPython's sake. Each field first gets its
    rule module's clean test, inlined here with the module's own compiled pattern (one
    regex, no compaction, no allocation, no look-up through the policy), and only a value
    that fails it is diagnosed by the module's ``check()``; blank tests are inlined
    (``not v or v.isspace()``), enum members are module names, and the rarely filled
    fields cost one ``is None``. ``tests/unit/test_record_check_paths.py`` holds every
    inlined test to the module's ``is_clean()``.
    """
    stock_marker = policy.stock_marker
    names = policy.name
    clean_name = names._clean.fullmatch
    name_placeholders = names.placeholders
    phones = policy.phone
    clean_mobile = phone._CLEAN_MOBILE.fullmatch
    mobile_prefixes = phones.mobile_prefixes
    is_mobile_block = phones.is_mobile_block
    emails = policy.email
    clean_email = emails._clean.fullmatch
    ids = policy.id_card
    clean_birth_date = id_card.clean_birth_date
    clean_postcode = _POSTCODE.fullmatch
    check_name = person_name.check
    check_email = email_rules.check

    def check(customer: Customer, staff: StaffPhones, today: date | None) -> list[Violation]:
        found: list[Violation] = []
        staff_numbers = staff.numbers
        name = customer.name
        is_stock_placeholder = name == stock_marker
        if customer.type is _INDIVIDUAL:
            if not is_stock_placeholder and not (
                type(name) is str and clean_name(name) and name not in name_placeholders
            ):
                found.extend(check_name(name, field="name", policy=names))
        else:  # the constructor stores a member: a company
            _check_company(customer, policy, found)
        has_phone = False
        mobile = customer.mobile
        if (
            type(mobile) is str
            and clean_mobile(mobile)
            and (mobile[:3] in mobile_prefixes or is_mobile_block(mobile))
        ):
            has_phone = True
            if staff_numbers and mobile in staff_numbers:
                found.append(_staff_number("mobile"))
        elif mobile and not (type(mobile) is str and mobile.isspace()):
            has_phone = True
            _check_phone(mobile, "mobile", staff, policy, found, mobile_only=True)
        office = customer.office_phone
        if office is not None and _check_other_phone(office, "office_phone", staff, policy, found):
            has_phone = True
        home = customer.home_phone
        if home is not None and _check_other_phone(home, "home_phone", staff, policy, found):
            has_phone = True
        if not has_phone and not is_stock_placeholder:
            found.append(
                violation("CUSTOMER_NO_PHONE", "mobile", "no phone number at all", WARNING)
            )
        address = customer.email
        if address and not (
            type(address) is str
            and ((len(address) <= 254 and clean_email(address)) or address.isspace())
        ):
            found.extend(check_email(address, field="email", policy=emails))
        id_number = customer.id_number
        if id_number is not None:
            id_type = customer.id_type
            born = clean_birth_date(id_number, ids, today) if id_type is _RESIDENT_ID else None
            if born is not None:  # the common case: clean, compare it with the record
                _compare_with_id(customer, id_number, born, found)
            elif id_number and not (type(id_number) is str and id_number.isspace()):
                _check_id_document(customer, id_type, id_number, policy, today, found)
        postcode = customer.postcode
        if postcode and not (
            type(postcode) is str and (clean_postcode(postcode) or postcode.isspace())
        ):
            found.append(
                violation("POSTCODE_FORMAT", "postcode", "a postcode has six digits", WARNING)
            )
        return found

    return check


def _check_id_document(
    customer: Customer,
    id_type: object,
    number: object,
    policy: RulePolicy,
    today: date | None,
    found: list[Violation],
) -> None:
    """An ID number that is not blank and not a clean resident ID, by its document type."""
    if id_type is _RESIDENT_ID:
        diagnosed = _diagnose_resident_id(number, policy, today, found)
        if diagnosed is not None:
            _compare_with_id(customer, *diagnosed, found)
    elif id_type is _USCC_DOCUMENT:
        found.extend(uscc.check(number, field="id_number", policy=policy.uscc))
    elif id_type is None:
        found.append(
            violation(
                "ID_TYPE_MISSING",
                "id_type",
                "an ID number without its document type",
                WARNING,
            )
        )


def _check_company(customer: Customer, policy: RulePolicy, found: list[Violation]) -> None:
    if _blank(customer.name) or not isinstance(customer.name, str):
        found.append(violation("NAME_MISSING", "name", "no company name"))
    if not _blank(customer.contact_person) and not person_name.is_clean(
        customer.contact_person, policy.name
    ):
        found.extend(
            person_name.check(customer.contact_person, field="contact_person", policy=policy.name)
        )
    if _blank(customer.uscc):
        if policy.company_needs_uscc:
            found.append(
                violation(
                    "COMPANY_NO_USCC",
                    "uscc",
                    "a company customer without its unified social credit code",
                    WARNING,
                )
            )
    elif not uscc.is_clean(customer.uscc, policy.uscc):
        found.extend(uscc.check(customer.uscc, field="uscc", policy=policy.uscc))


def _is_day(value: object) -> bool:
    """A calendar date: a ``datetime`` is a ``date`` to ``isinstance`` but cannot be
    compared with one, so a hand-built record holding one must not reach the comparison."""
    return isinstance(value, date) and not isinstance(value, datetime)


def _delivered_before_bought() -> Violation:
    return violation("VEHICLE_DATES", "delivery_date", "delivered before it was bought", WARNING)


def _check_days(vehicle: Vehicle, purchased: object, delivered: object) -> list[Violation]:
    """The purchase and delivery dates when one is neither a plain ``date`` nor None
    (the fast path's cases): a subclass of ``date`` is compared too; a ``datetime``, a
    string or anything else is a RECORD_TYPE, not a crash."""
    found = [
        violation("RECORD_TYPE", field, "not a calendar date")
        for field, value in (("purchase_date", purchased), ("delivery_date", delivered))
        if value is not None and not _is_day(value)
    ]
    if (
        not found
        and isinstance(purchased, date)
        and isinstance(delivered, date)
        and delivered < purchased
        and not vehicle.is_used
    ):
        found.append(_delivered_before_bought())
    return found


def _vehicle_check(policy: RulePolicy) -> _VehicleCheck:
    """``policy``'s vehicle check, bound once like :func:`_customer_check`."""
    vins = policy.vin
    clean_vin = vin._CLEAN_VIN.fullmatch
    vin_check_digit = vin._check_digit
    check_vin = vin.check
    plates = policy.plate
    clean_plate = plates._pattern.fullmatch
    check_plate = plate.check

    def check(vehicle: Vehicle) -> list[Violation]:
        found: list[Violation] = []
        number = vehicle.vin
        if not (type(number) is str and clean_vin(number) and number[8] == vin_check_digit(number)):
            found.extend(check_vin(number, field="vin", policy=vins))
        licence = vehicle.plate
        if (
            licence
            and not (type(licence) is str and clean_plate(licence))
            and not (isinstance(licence, str) and licence.isspace())
        ):
            found.extend(check_plate(licence, field="plate", policy=plates))
        purchased, delivered = vehicle.purchase_date, vehicle.delivery_date
        if type(purchased) is date and type(delivered) is date:
            if delivered < purchased and not vehicle.is_used:
                found.append(_delivered_before_bought())
        elif (purchased is not None and type(purchased) is not date) or (
            delivered is not None and type(delivered) is not date
        ):  # not a plain date or nothing (the usual one date of two): look closer
            found.extend(_check_days(vehicle, purchased, delivered))
        return found

    return check


DEFAULT_RULE_POLICY = RulePolicy()


def check_customer(
    customer: Customer,
    *,
    staff: StaffPhones = NO_STAFF,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
    today: date | None = None,
) -> tuple[Violation, ...]:
    """Seed 000's defects of a customer record: name, phones, e-mail, ID or credit code.

    The name (titles, spaces, joining symbols, digits), the phones (staff numbers, digit
    counts, area codes), the e-mail, the ID or credit code. ``staff`` holds the dealer's
    staff numbers; ``today`` enables the future-birth-date rule.

    >>> from crm_core import Customer, CustomerType
    >>> staff = StaffPhones.of(["13800001111"])
    >>> c = Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王芳",
    ...              mobile="138-0000-1111")
    >>> [v.code for v in check_customer(c, staff=staff)]
    ['PHONE_STAFF_NUMBER']
    """
    record: object = customer  # a host's import may pass anything
    if not isinstance(record, Customer):
        return _record_type("Customer", record)
    found = policy._check_customer(record, staff, today)
    return _finish(found, policy) if found else ()


def check_vehicle(
    vehicle: Vehicle, *, policy: RulePolicy = DEFAULT_RULE_POLICY
) -> tuple[Violation, ...]:
    """Seed 000's defects of a vehicle record: its VIN and its plate.

    The VIN (length, alphabet, check digit, the seed's legacy prefixes) and the plate
    (province, joining symbols, GA 36-2018 formats).

    >>> from crm_core import Vehicle
    >>> v = Vehicle(id="V1", dealer_id="D1", vin="LSVAU218XN2183294", plate="沪A-12345")
    >>> [v.code for v in check_vehicle(v)]
    ['PLATE_JOINING_SYMBOL']
    """
    record: object = vehicle
    if not isinstance(record, Vehicle):
        return _record_type("Vehicle", record)
    found = policy._check_vehicle(record)
    return _finish(found, policy) if found else ()


def _nested(found: list[Violation], prefix: str, violations: Iterable[Violation]) -> None:
    found.extend(v.at(prefix) for v in violations)


def _customer_part(
    raw: object, staff: StaffPhones, policy: RulePolicy, today: date | None, found: list[Violation]
) -> Customer | None:
    """A report's customer checked, its violations prefixed ``customer.``."""
    customer = _typed(raw, Customer)
    if customer is None:
        _nested(found, "customer", _record_type("Customer", raw))
    else:
        _nested(found, "customer", policy._check_customer(customer, staff, today))
    return customer


def _vehicle_part(raw: object, policy: RulePolicy, found: list[Violation]) -> Vehicle | None:
    """A report's vehicle checked, its violations prefixed ``vehicle.``."""
    vehicle = _typed(raw, Vehicle)
    if vehicle is None:
        _nested(found, "vehicle", _record_type("Vehicle", raw))
    else:
        _nested(found, "vehicle", policy._check_vehicle(vehicle))
    return vehicle


def _mismatch(found: list[Violation], field: str, record: str) -> None:
    found.append(
        violation("REPORT_MISMATCH", field, f"the report's {record} is not the one it refers to")
    )


def check_sale_report(
    report: SaleReport,
    *,
    staff: StaffPhones = NO_STAFF,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
    today: date | None = None,
) -> tuple[Violation, ...]:
    """Seed 000's defects of a sale report (售车申报): its customer, its car, and their fit.

    The customer's and the vehicle's checks (fields prefixed ``customer.`` and ``vehicle.``)
    plus what only the report shows — a usage nature that does not fit the customer type,
    and a test-drive car not marked 试乘试驾车 in the remarks.
    """
    checked = _typed(report, SaleReport)
    if checked is None:
        return _record_type("SaleReport", report)
    found: list[Violation] = []
    customer = _customer_part(checked.customer, staff, policy, today, found)
    vehicle = _vehicle_part(checked.vehicle, policy, found)
    sale = _typed(checked.sale, Interaction)
    if sale is None or sale.kind not in (InteractionKind.ORDER, InteractionKind.DELIVERY):
        found.append(violation("REPORT_KIND", "sale", "not an order or a delivery"))
        return _finish(found, policy)
    detail = _typed(sale.detail, Sale)
    if customer is None or vehicle is None:
        return _finish(found, policy)
    if sale.customer_id is not None and sale.customer_id != customer.id:
        _mismatch(found, "sale.customer_id", "customer")
    if sale.vehicle_id is not None and sale.vehicle_id != vehicle.id:
        _mismatch(found, "sale.vehicle_id", "vehicle")
    usage = vehicle.usage
    if usage not in policy.usage.allowed.get(customer.type, frozenset()):
        found.append(
            violation(
                "USAGE_MISMATCH",
                "vehicle.usage",
                f"usage nature {usage} does not fit customer type {customer.type}",
            )
        )
    remarks = detail.remarks if detail is not None and isinstance(detail.remarks, str) else ""
    marked = policy.test_drive_marker in remarks
    if vehicle.is_test_drive and not marked:
        found.append(
            violation(
                "TEST_DRIVE_NOT_MARKED",
                "sale.detail.remarks",
                f"a dealer test-drive car: the remarks must say {policy.test_drive_marker}",
            )
        )
    elif marked and not vehicle.is_test_drive:
        found.append(
            violation(
                "TEST_DRIVE_NOT_FLAGGED",
                "vehicle.is_test_drive",
                f"the remarks say {policy.test_drive_marker} but the car is not flagged as one",
                WARNING,
            )
        )
    if vehicle.is_stock:
        found.append(
            violation(
                "STOCK_VEHICLE_SOLD",
                "vehicle.is_stock",
                f"a sold car still flagged as {policy.stock_marker}",
                WARNING,
            )
        )
    return _finish(found, policy)


def _check_stock_names(
    order: RepairOrder, customer: Customer | None, policy: RulePolicy, found: list[Violation]
) -> None:
    marker = policy.stock_marker
    if customer is not None and customer.name != marker:
        found.append(
            violation(
                "STOCK_NOT_MARKED",
                "customer.name",
                f"a stock or pre-delivery car serviced under a name or number; "
                f"record it as {marker}",
            )
        )
    if not _blank(order.reporter_name) and order.reporter_name != marker:
        found.append(
            violation(
                "STOCK_NOT_MARKED",
                "order.detail.reporter_name",
                f"a stock or pre-delivery car: the reporter must be {marker}",
            )
        )


def check_repair_order(
    report: RepairReport,
    *,
    staff: StaffPhones = NO_STAFF,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
    today: date | None = None,
) -> tuple[Violation, ...]:
    """Seed 000's defects of a repair order (维修工单): car, customer, reporter, stock cars.

    The vehicle's and customer's checks, the reporter (报修人) — a person, not a company —
    and the stock-vehicle rule: a car in stock or in pre-delivery inspection is recorded as
    商品车, never under a person's name or a number.
    """
    checked = _typed(report, RepairReport)
    if checked is None:
        return _record_type("RepairReport", report)
    found: list[Violation] = []
    vehicle = _vehicle_part(checked.vehicle, policy, found)
    customer = (
        _customer_part(checked.customer, staff, policy, today, found)
        if checked.customer is not None
        else None
    )
    order = _typed(checked.order, Interaction)
    detail = _typed(order.detail, RepairOrder) if order is not None else None
    if order is None or order.kind is not InteractionKind.REPAIR_ORDER or detail is None:
        found.append(violation("REPORT_KIND", "order", "not a repair order with its detail"))
        return _finish(found, policy)
    if vehicle is None or (customer is None and checked.customer is not None):
        return _finish(found, policy)
    if order.vehicle_id is not None and order.vehicle_id != vehicle.id:
        _mismatch(found, "order.vehicle_id", "vehicle")
    if customer is not None and order.customer_id is not None and order.customer_id != customer.id:
        _mismatch(found, "order.customer_id", "customer")
    if vehicle.is_stock or detail.service_kind is ServiceKind.PDI:
        _check_stock_names(detail, customer, policy, found)
    else:
        if customer is not None and customer.name == policy.stock_marker:
            found.append(
                violation(
                    "STOCK_NOT_FLAGGED",
                    "vehicle.is_stock",
                    f"recorded as {policy.stock_marker} but the car is not flagged as stock",
                    WARNING,
                )
            )
        if _blank(detail.reporter_name):
            found.append(
                violation(
                    "REPORTER_MISSING",
                    "order.detail.reporter_name",
                    "no reporter: the after-sales callback goes to the reporter",
                    WARNING,
                )
            )
        else:
            found.extend(
                v.at("order.detail")
                for v in person_name.check(
                    detail.reporter_name, field="reporter_name", policy=policy.name
                )
            )
        if _blank(vehicle.plate):
            found.append(
                violation(
                    "REPAIR_NO_PLATE",
                    "vehicle.plate",
                    "a repair order without the car's plate",
                    WARNING,
                )
            )
    for field in ("reporter_phone", "callback_phone"):
        value = getattr(detail, field)
        if not _blank(value):
            _check_phone(value, f"order.detail.{field}", staff, policy, found)
    return _finish(found, policy)
