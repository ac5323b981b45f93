"""The customer file (一人一档): every field that seed 000 asks a dealer to keep."""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from crm_core.domain._mask import mask_email, mask_id_number, mask_phone, mask_text
from crm_core.domain._validators import as_members, aware, non_empty, non_negative
from crm_core.domain.contact import Channel
from crm_core.domain.ids import CustomerId, DealerId


class CustomerType(enum.StrEnum):
    """Individual (个人) or company (公司) customer: decides which fields and checks apply.

    A company has a credit code and a contact person instead of an ID card and a gender, and
    the usage nature of its cars is checked against it (seed 000).
    """

    INDIVIDUAL = "individual"  # 个人
    COMPANY = "company"  # 公司


class Gender(enum.StrEnum):
    """An individual customer's gender as the customer file records it (UNKNOWN if not given)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class IdDocumentType(enum.StrEnum):
    """The kind of ID document on a customer file (证件类型): resident ID, passport, credit code …

    The types DMS systems list; the number is checked against the type's standard (GB 11643
    for a resident ID, GB 32100 for a company's credit code).
    """

    RESIDENT_ID = "resident_id"  # 居民身份证
    PASSPORT = "passport"  # 护照
    MILITARY_ID = "military_id"  # 军官证
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    FOREIGN_RESIDENCE = "foreign_residence"  # 外国人永久居留身份证
    USCC = "uscc"  # 统一社会信用代码 (companies)
    OTHER = "other"


@attrs.frozen(slots=True)
class Customer:
    """One person or one company, once (一人一档).

    Flags are the seed's: ``do_not_disturb`` (免打扰) and ``blacklisted`` (黑名单) stop
    every outbound contact; ``complaining`` (投诉客户) and ``redlisted`` (红名单, VIP /
    protected) change who calls and in which order. ``opted_out_channels`` holds the
    channels the customer refused (e.g. SMS marketing) while others stay open.
    """

    id: CustomerId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    type: CustomerType
    name: str
    gender: Gender = Gender.UNKNOWN
    category: str | None = None  # 客户类别, free classification of the host
    mobile: str | None = attrs.field(default=None, repr=mask_phone)
    office_phone: str | None = attrs.field(default=None, repr=mask_phone)
    home_phone: str | None = attrs.field(default=None, repr=mask_phone)
    company_address: str | None = attrs.field(default=None, repr=mask_text)
    home_address: str | None = attrs.field(default=None, repr=mask_text)
    postcode: str | None = None
    id_type: IdDocumentType | None = None
    id_number: str | None = attrs.field(default=None, repr=mask_id_number)
    industry: str | None = None
    occupation: str | None = None
    email: str | None = attrs.field(default=None, repr=mask_email)
    birthday: date | None = None
    preferences: str | None = None
    characteristics: str | None = None
    # company customers
    uscc: str | None = attrs.field(default=None, repr=mask_id_number)  # 统一社会信用代码
    contact_person: str | None = None
    # flags
    do_not_disturb: bool = False
    complaining: bool = False
    blacklisted: bool = False
    redlisted: bool = False
    opted_out_channels: frozenset[Channel] = frozenset()
    locale: str | None = None  # customer's language for texts; the dealer's when None
    created_at: datetime | None = attrs.field(default=None, validator=aware)
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    __attrs_post_init__ = as_members

    @property
    def is_company(self) -> bool:
        return self.type is CustomerType.COMPANY

    @property
    def contactable(self) -> bool:
        """False when the customer asked for no contact at all or is blacklisted."""
        return not (self.do_not_disturb or self.blacklisted)
