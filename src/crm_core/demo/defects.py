"""The data defects the demo plants, and how often.

Seed 000 lists the mistakes dealers make when they type customer records into the DMS
("客户信息常见问题"). The generator plants each of them in a configurable share of the
records where it can occur, and records every planted defect, so a test can check that the
rule checks find exactly what was planted.
"""

from __future__ import annotations

import enum

import attrs

from crm_core.errors import ValidationError

__all__ = ["DefectKind", "DefectRates", "PlantedDefect"]


class DefectKind(enum.StrEnum):
    """One planted mistake. The comment names the record and field it lands in."""

    NAME_TITLE = "name_title"  # customer.name 王先生
    NAME_SPACE = "name_space"  # customer.name 王 芳
    NAME_SYMBOL = "name_symbol"  # customer.name 王-芳
    NAME_DIGIT = "name_digit"  # customer.name 王芳2
    PHONE_STAFF = "phone_staff"  # customer.mobile is a staff member's number
    PHONE_LENGTH = "phone_length"  # customer.mobile with a digit too many or too few
    LANDLINE_NO_AREA_CODE = "landline_no_area_code"  # customer.home_phone 62345678
    LANDLINE_AREA_SEPARATOR = "landline_area_separator"  # customer.home_phone 0-21-62345678
    ID_CHECKSUM = "id_checksum"  # customer.id_number with a wrong check character
    USAGE_MISMATCH = "usage_mismatch"  # vehicle.usage operating under an individual
    TEST_DRIVE_UNMARKED = "test_drive_unmarked"  # sale remarks lack 试乘试驾车
    REPORTER_COMPANY = "reporter_company"  # repair reporter_name is a company's name
    VIN_CHECK_DIGIT = "vin_check_digit"  # vehicle.vin position 9 wrong
    VIN_LEGACY_SHORT = "vin_legacy_short"  # vehicle.vin LDC… with 16 characters
    PLATE_JOINING = "plate_joining"  # vehicle.plate 沪A-12345
    PLATE_NO_PROVINCE = "plate_no_province"  # vehicle.plate A12345
    STOCK_UNDER_PERSON = "stock_under_person"  # stock car's PDI order under a person
    DUPLICATE_CUSTOMER = "duplicate_customer"  # a second file for the same person


@attrs.frozen(slots=True)
class PlantedDefect:
    """Where a defect was planted: ``record_id`` of a ``record_type`` record, in ``field``.

    For a duplicate customer, ``record_id`` is the duplicate's id, ``related_id`` the
    original's, and ``field`` what the two share (``mobile``, ``id_number``, ``uscc``,
    ``vin``).
    """

    kind: DefectKind
    record_type: str  # "customer", "vehicle", "interaction"
    record_id: str
    field: str
    related_id: str | None = None


def _share(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValidationError(f"a share must be between 0 and 1, got {value}", field=attribute.name)


@attrs.frozen(slots=True)
class DefectRates:
    """Share of the eligible records that get each defect.

    "Eligible" is what the defect can land in: name defects over individual customers (at
    most one name defect each), landline defects over customers with a landline,
    ``test_drive_unmarked`` over sales of former test-drive cars, ``reporter_company``
    over company repair orders, ``stock_under_person`` over customers (each such customer
    gets a stock car's PDI order), ``vin_legacy_short`` over LDC vehicles. The defaults are
    a plausible dealer's mess: most records clean, every defect present.

    >>> DefectRates().name_title
    0.02
    >>> DefectRates.none().name_title
    0.0
    >>> DefectRates().scaled(2.0).name_title
    0.04
    """

    name_title: float = attrs.field(default=0.02, validator=_share)
    name_space: float = attrs.field(default=0.01, validator=_share)
    name_symbol: float = attrs.field(default=0.005, validator=_share)
    name_digit: float = attrs.field(default=0.005, validator=_share)
    phone_staff: float = attrs.field(default=0.005, validator=_share)
    phone_length: float = attrs.field(default=0.01, validator=_share)
    landline_no_area_code: float = attrs.field(default=0.05, validator=_share)
    landline_area_separator: float = attrs.field(default=0.02, validator=_share)
    id_checksum: float = attrs.field(default=0.005, validator=_share)
    usage_mismatch: float = attrs.field(default=0.01, validator=_share)
    test_drive_unmarked: float = attrs.field(default=0.3, validator=_share)
    reporter_company: float = attrs.field(default=0.1, validator=_share)
    vin_check_digit: float = attrs.field(default=0.005, validator=_share)
    vin_legacy_short: float = attrs.field(default=0.003, validator=_share)
    plate_joining: float = attrs.field(default=0.02, validator=_share)
    plate_no_province: float = attrs.field(default=0.02, validator=_share)
    stock_under_person: float = attrs.field(default=0.002, validator=_share)
    duplicate_customer: float = attrs.field(default=0.02, validator=_share)

    @classmethod
    def none(cls) -> DefectRates:
        """Clean data: no defect planted anywhere."""
        return cls(**{f.name: 0.0 for f in attrs.fields(cls)})

    def scaled(self, factor: float) -> DefectRates:
        """Every share multiplied by ``factor`` (capped at 1), to test checks under stress."""
        return DefectRates(
            **{f.name: min(1.0, getattr(self, f.name) * factor) for f in attrs.fields(DefectRates)}
        )

    def rate(self, kind: DefectKind) -> float:
        return float(getattr(self, kind.value))
