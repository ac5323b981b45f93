"""The vehicle file (一车一档) and who holds it."""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from crm_core.domain._validators import as_members, aware, non_empty, non_negative
from crm_core.domain.ids import CustomerId, DealerId, OwnershipId, VehicleId
from crm_core.errors import ValidationError


class UsageNature(enum.StrEnum):
    """A vehicle's usage nature (使用性质) as its licence (行驶证) prints it: operating or not.

    It decides the inspection schedule, must fit the customer type (seed 000), and keeps
    taxis out of service callbacks.
    """

    NON_OPERATING = "non_operating"  # 非营运
    OPERATING = "operating"  # 营运 (goods or passenger transport)
    TAXI = "taxi"  # 出租客运: operating; seed 000 excludes taxis from service callbacks
    RENTAL = "rental"  # 租赁: operating

    @property
    def is_operating(self) -> bool:
        return self is not UsageNature.NON_OPERATING


class VehicleClass(enum.StrEnum):
    """The class that decides the inspection schedule (GA 802 vehicle types, simplified)."""

    SMALL_PASSENGER = "small_passenger"  # 小型、微型载客汽车 (≤ 9 seats)
    SMALL_VAN = "small_van"  # 面包车: excluded from the 2022 inspection reform
    LARGE_PASSENGER = "large_passenger"  # 大中型载客汽车
    TRUCK = "truck"  # 载货汽车
    OTHER = "other"


@attrs.frozen(slots=True)
class Vehicle:
    """A car the dealer sold or services.

    ``is_stock`` marks a 商品车 — a car in stock or in pre-delivery inspection, which must
    not be serviced under a person's name (seed 000); ``is_test_drive`` marks the dealer's
    own 试乘试驾车.
    """

    id: VehicleId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    vin: str
    brand: str | None = None
    series: str | None = None  # 车系
    model: str | None = None  # 车型
    colour: str | None = None
    plate: str | None = None  # 车牌号
    usage: UsageNature = UsageNature.NON_OPERATING
    vehicle_class: VehicleClass = VehicleClass.SMALL_PASSENGER
    first_registration: date | None = None  # 初次登记日期
    purchase_date: date | None = None
    delivery_date: date | None = None
    mileage_km: int | None = attrs.field(default=None, validator=non_negative)
    warranty_end: date | None = None
    insurance_expiry: date | None = None  # 交强险 / commercial policy end
    is_stock: bool = False  # 商品车
    is_test_drive: bool = False  # 试乘试驾车
    is_used: bool = False  # sold as a used car (二手车)
    remarks: str | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class Ownership:
    """Who held which car when: a customer's ownership of a vehicle from one day to another.

    Customer ``customer_id`` held vehicle ``vehicle_id`` from ``since`` until ``until``
    (exclusive; ``None`` while they still hold it). Resales keep the history."""

    id: OwnershipId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    customer_id: CustomerId = attrs.field(validator=non_empty)
    vehicle_id: VehicleId = attrs.field(validator=non_empty)
    since: date
    until: date | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        if self.until is not None and self.until < self.since:
            raise ValidationError("ownership ends before it starts", field="until")

    def active_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)
