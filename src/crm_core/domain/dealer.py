"""The dealer and its staff."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from crm_core.domain._mask import mask_phone
from crm_core.domain._validators import as_members, aware, non_empty, non_negative
from crm_core.domain.ids import DealerId, StaffId


class StaffRole(enum.StrEnum):
    """Who does a follow-up task. The seeds assign every callback to one of these."""

    SALES_CONSULTANT = "sales_consultant"  # 销售顾问
    SERVICE_ADVISOR = "service_advisor"  # 服务顾问
    CR_REPRESENTATIVE = "cr_representative"  # 客服专员 / 回访员
    CR_MANAGER = "cr_manager"  # 客服经理
    SERVICE_MANAGER = "service_manager"  # 服务经理
    GENERAL_MANAGER = "general_manager"  # 总经理


@attrs.frozen(slots=True)
class Dealer:
    """A dealership (4S店). Its timezone and locale drive working time and customer texts."""

    id: DealerId = attrs.field(validator=non_empty)
    name: str
    timezone: str = "Asia/Shanghai"
    locale: str = "zh_CN"
    brands: tuple[str, ...] = ()
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)


@attrs.frozen(slots=True)
class Staff:
    """A dealer employee who can own a task: sales consultant, service advisor, CR staff …

    The phone is kept to catch customer records that carry a staff member's number instead
    of the customer's (seed 000)."""

    id: StaffId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    name: str
    role: StaffRole
    phone: str | None = attrs.field(default=None, repr=mask_phone)
    active: bool = True
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    __attrs_post_init__ = as_members
