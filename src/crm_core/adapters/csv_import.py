"""Reading a DMS export (CSV) into records, so the rule checks can gate an import.

DMS exports come in UTF-8 (often with a byte-order mark) or GB18030 (Excel on a Chinese
Windows), with Chinese or English headers that differ from one DMS to the next. This
module decodes the file, maps headers to record fields through a :class:`HeaderMapping`
(the default knows the seed's Chinese field names and the records' English ones; a host
adds its own), and turns each row into the record a rule check takes. A cell that cannot
be read (a date like "2024/13/45", an unknown usage nature) becomes a reported problem on
that row, never an exception and never a silently dropped row.

>>> import io
>>> text = "客户名称,手机,车身号,车牌号\\n王先生,13812345678,LSVAU218XN2183294,沪A-12345\\n"
>>> rows = list(read_rows(io.BytesIO(text.encode("gb18030"))))
>>> rows[0].number, rows[0].cells["客户名称"]
(2, '王先生')
>>> parsed = parse_row(RecordKind.SALES, rows[0], HeaderMapping.default())
>>> parsed.problems, parsed.record.customer.name, parsed.record.vehicle.plate
((), '王先生', '沪A-12345')
"""

from __future__ import annotations

import csv
import enum
import io
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import attrs

from crm_core.domain.customer import Customer, CustomerType, Gender, IdDocumentType
from crm_core.domain.ids import CustomerId, DealerId, InteractionId, VehicleId
from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder, Sale, ServiceKind
from crm_core.domain.rules import RepairReport, SaleReport, Severity, Violation
from crm_core.domain.vehicle import UsageNature, Vehicle
from crm_core.errors import CrmCoreError, ValidationError

__all__ = [
    "CsvFormatError",
    "HeaderMapping",
    "ParsedRow",
    "RecordKind",
    "Row",
    "known_columns",
    "parse_row",
    "read_rows",
]


class CsvFormatError(CrmCoreError):
    """The file is not a CSV this module can read (undecodable, no header, no known column)."""


class RecordKind(enum.StrEnum):
    """What one row of the export describes."""

    CUSTOMERS = "customers"
    VEHICLES = "vehicles"
    SALES = "sales"  # one sale report: buyer, car and the sale in one row
    REPAIRS = "repairs"  # one repair order: car, registered customer and the order


# Header (lower-cased, stripped) -> "record.field". Chinese names follow seed 000's lists.
_DEFAULT_HEADERS: dict[str, str] = {
    # customer
    "客户编号": "customer.id",
    "客户id": "customer.id",
    "customer_id": "customer.id",
    "客户名称": "customer.name",
    "客户姓名": "customer.name",
    "姓名": "customer.name",
    "name": "customer.name",
    "customer_name": "customer.name",
    "客户类型": "customer.type",
    "customer_type": "customer.type",
    "type": "customer.type",
    "性别": "customer.gender",
    "gender": "customer.gender",
    "移动电话": "customer.mobile",
    "手机": "customer.mobile",
    "手机号": "customer.mobile",
    "mobile": "customer.mobile",
    "办公电话": "customer.office_phone",
    "office_phone": "customer.office_phone",
    "家庭电话": "customer.home_phone",
    "home_phone": "customer.home_phone",
    "单位地址": "customer.company_address",
    "客户单位地址": "customer.company_address",
    "company_address": "customer.company_address",
    "住址": "customer.home_address",
    "客户住址": "customer.home_address",
    "home_address": "customer.home_address",
    "邮编": "customer.postcode",
    "postcode": "customer.postcode",
    "证件类型": "customer.id_type",
    "id_type": "customer.id_type",
    "证件号码": "customer.id_number",
    "身份证号": "customer.id_number",
    "id_number": "customer.id_number",
    "行业": "customer.industry",
    "industry": "customer.industry",
    "职业": "customer.occupation",
    "occupation": "customer.occupation",
    "e-mail": "customer.email",
    "email": "customer.email",
    "电子邮箱": "customer.email",
    "邮箱": "customer.email",
    "生日": "customer.birthday",
    "出生日期": "customer.birthday",
    "birthday": "customer.birthday",
    "统一社会信用代码": "customer.uscc",
    "组织机构代码": "customer.uscc",
    "uscc": "customer.uscc",
    "联系人": "customer.contact_person",
    "contact_person": "customer.contact_person",
    "经销商代码": "dealer_id",
    "dealer_id": "dealer_id",
    # vehicle
    "车辆编号": "vehicle.id",
    "vehicle_id": "vehicle.id",
    "车身号": "vehicle.vin",
    "车架号": "vehicle.vin",
    "vin": "vehicle.vin",
    "品牌": "vehicle.brand",
    "brand": "vehicle.brand",
    "车系": "vehicle.series",
    "series": "vehicle.series",
    "车型": "vehicle.model",
    "model": "vehicle.model",
    "颜色": "vehicle.colour",
    "colour": "vehicle.colour",
    "color": "vehicle.colour",
    "车牌号": "vehicle.plate",
    "车牌": "vehicle.plate",
    "plate": "vehicle.plate",
    "使用性质": "vehicle.usage",
    "usage": "vehicle.usage",
    "初次登记日期": "vehicle.first_registration",
    "first_registration": "vehicle.first_registration",
    "购车日期": "vehicle.purchase_date",
    "purchase_date": "vehicle.purchase_date",
    "交车日期": "vehicle.delivery_date",
    "delivery_date": "vehicle.delivery_date",
    "里程": "vehicle.mileage_km",
    "mileage_km": "vehicle.mileage_km",
    "商品车": "vehicle.is_stock",
    "is_stock": "vehicle.is_stock",
    "试乘试驾车": "vehicle.is_test_drive",
    "is_test_drive": "vehicle.is_test_drive",
    # sale report
    "订单编号": "event.id",
    "工单号": "event.id",
    "order_id": "event.id",
    "销售日期": "event.occurred_at",
    "开单时间": "event.occurred_at",
    "date": "event.occurred_at",
    "occurred_at": "event.occurred_at",
    "成交价": "sale.amount",
    "金额": "sale.amount",
    "amount": "sale.amount",
    "备注": "sale.remarks",
    "remarks": "sale.remarks",
    # repair order
    "报修人": "repair.reporter_name",
    "reporter_name": "repair.reporter_name",
    "报修人电话": "repair.reporter_phone",
    "reporter_phone": "repair.reporter_phone",
    "维修类型": "repair.service_kind",
    "service_kind": "repair.service_kind",
    "交车时间": "repair.handed_back_at",
    "handed_back_at": "repair.handed_back_at",
    "同意回访": "repair.callback_consent",
    "callback_consent": "repair.callback_consent",
}

_CUSTOMER_TYPES = {
    "个人": CustomerType.INDIVIDUAL,
    "公司": CustomerType.COMPANY,
    "单位": CustomerType.COMPANY,
}
_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
_ID_TYPES = {
    "身份证": IdDocumentType.RESIDENT_ID,
    "居民身份证": IdDocumentType.RESIDENT_ID,
    "护照": IdDocumentType.PASSPORT,
    "统一社会信用代码": IdDocumentType.USCC,
}
_USAGES = {
    "非营运": UsageNature.NON_OPERATING,
    "营运": UsageNature.OPERATING,
    "出租": UsageNature.TAXI,
    "出租客运": UsageNature.TAXI,
    "租赁": UsageNature.RENTAL,
}
_SERVICE_KINDS = {
    "首保": ServiceKind.FIRST_SERVICE,
    "保养": ServiceKind.MAINTENANCE,
    "维修": ServiceKind.REPAIR,
    "索赔": ServiceKind.WARRANTY,
    "保修": ServiceKind.WARRANTY,
    "事故": ServiceKind.ACCIDENT,
    "事故车": ServiceKind.ACCIDENT,
    "售前检查": ServiceKind.PDI,
    "pdi": ServiceKind.PDI,
}
_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TRUE = {"是", "y", "yes", "true", "1", "√", "同意"}
_FALSE = {"否", "n", "no", "false", "0", "", "不同意"}


@attrs.frozen(slots=True)
class HeaderMapping:
    """Which header means which field. Keys are compared lower-cased and stripped.

    A host whose DMS calls the mobile "联系手机" adds ``{"联系手机": "customer.mobile"}``
    (from a TOML or JSON file with :meth:`load`) on top of the defaults.
    """

    headers: Mapping[str, str]

    @classmethod
    def default(cls) -> HeaderMapping:
        return cls(dict(_DEFAULT_HEADERS))

    def extended(self, extra: Mapping[str, str]) -> HeaderMapping:
        return HeaderMapping({**self.headers, **{_key(k): v for k, v in extra.items()}})

    @classmethod
    def load(cls, path: Path) -> HeaderMapping:
        """The defaults plus a file's ``{"header": "record.field"}`` table (TOML or JSON)."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CsvFormatError(f"cannot read the header mapping {path}: {exc.strerror}") from exc
        try:
            data: Any = (
                json.loads(raw)
                if path.suffix.lower() == ".json"
                else tomllib.loads(raw.decode("utf-8"))
            )
        except (ValueError, UnicodeDecodeError) as exc:
            raise CsvFormatError(f"the header mapping {path} is not valid: {exc}") from exc
        table = data.get("columns", data) if isinstance(data, dict) else None
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            raise CsvFormatError(
                f"the header mapping {path} must map header names to fields, "
                'e.g. "联系手机" = "customer.mobile"'
            )
        unknown = sorted(set(table.values()) - set(_DEFAULT_HEADERS.values()))
        if unknown:
            raise CsvFormatError(
                f"the header mapping {path} names unknown fields: {', '.join(unknown)}"
            )
        return cls.default().extended(table)

    def field(self, header: str) -> str | None:
        return self.headers.get(_key(header))


def _key(header: str) -> str:
    return header.strip().lstrip("\ufeff").lower()


@attrs.frozen(slots=True)
class Row:
    """One data row: ``number`` is its line in the file (the header is line 1)."""

    number: int
    cells: Mapping[str, str]
    extra: tuple[str, ...] = ()  # cells beyond the header's columns
    missing: int = 0  # columns the row did not have


def _decode(data: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise CsvFormatError(f"the file is not {encoding}: {exc}") from exc
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise CsvFormatError("the file is neither UTF-8 nor GB18030 text")


def read_rows(source: IO[bytes], *, encoding: str | None = None) -> Iterator[Row]:
    """The data rows of a CSV export, decoded as UTF-8 (with or without BOM) or GB18030.

    The delimiter (comma, semicolon, tab) is sniffed from the header line. Raises
    :class:`CsvFormatError` for a file that is not text or has no header.
    """
    text = _decode(source.read(), encoding)
    if "\x00" in text:
        raise CsvFormatError("the file contains NUL bytes: not a CSV text file")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise CsvFormatError("the file is empty: no header line")
        header = [h.strip().lstrip("\ufeff") for h in header]
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield Row(
                number=reader.line_num,
                cells=dict(zip(header, values, strict=False)),
                extra=tuple(values[len(header) :]),
                missing=max(0, len(header) - len(values)),
            )
    except csv.Error as exc:
        raise CsvFormatError(f"line {reader.line_num}: {exc}") from exc


@attrs.frozen(slots=True)
class ParsedRow:
    """A row turned into the record its kind checks, with what could not be read.

    ``record`` is a :class:`Customer`, :class:`Vehicle`, :class:`SaleReport` or
    :class:`RepairReport`; ``problems`` are violations about the row itself (code
    ``CSV_...``), reported next to the rule checks' findings.
    """

    row: Row
    record: Customer | Vehicle | SaleReport | RepairReport
    problems: tuple[Violation, ...] = ()


class _Cells:
    """Typed access to one row's mapped cells, collecting what cannot be read."""

    def __init__(self, row: Row, mapping: HeaderMapping, tz: ZoneInfo) -> None:
        self.values: dict[str, str] = {}
        for header, value in row.cells.items():
            target = mapping.field(header)
            if target is not None and value.strip():
                self.values[target] = value.strip()
        self.problems: list[Violation] = []
        self.tz = tz
        if row.extra:
            self.problem("CSV_ROW_LENGTH", "", f"{len(row.extra)} cell(s) more than the header has")
        if row.missing:
            self.problem("CSV_ROW_LENGTH", "", f"{row.missing} cell(s) fewer than the header has")

    def problem(self, code: str, field: str, message: str) -> None:
        self.problems.append(Violation(code, field, message, Severity.ERROR))

    def text(self, field: str) -> str | None:
        return self.values.get(field)

    def choice(self, field: str, table: Mapping[str, Any], enum_type: type[enum.Enum]) -> Any:
        value = self.values.get(field)
        if value is None:
            return None
        found = table.get(value.lower()) or table.get(value)
        if found is not None:
            return found
        try:
            return enum_type(value.lower())
        except ValueError:
            self.problem("CSV_VALUE", field, f"unknown value {value!r}")
            return None

    def day(self, field: str) -> date | None:
        value = self.values.get(field)
        if value is None:
            return None
        head = value.replace("T", " ").split(" ", 1)[0]
        match = _DATE_RE.fullmatch(head) or _COMPACT_DATE_RE.fullmatch(head)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        self.problem("CSV_DATE", field, f"not a date: {value!r}")
        return None

    def moment(self, field: str) -> datetime | None:
        value = self.values.get(field)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("/", "-"))
        except ValueError:
            day = self.day(field)
            return datetime.combine(day, time(12), self.tz) if day else None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.tz)

    def number(self, field: str) -> int | None:
        value = self.values.get(field)
        if value is None:
            return None
        try:
            exact = Decimal(value.replace(",", ""))
        except InvalidOperation:
            exact = Decimal("NaN")
        if not exact.is_finite():  # int() of "NaN" or "Infinity" raised
            self.problem("CSV_NUMBER", field, f"not a number: {value!r}")
            return None
        if exact.adjusted() >= 18:  # "1e999999999999" would exhaust memory as an int
            self.problem("CSV_NUMBER", field, f"too large: {value!r}")
            return None
        if exact != exact.to_integral_value():  # int() cut "12345.6" km to 12345
            self.problem("CSV_NUMBER", field, f"not a whole number: {value!r}")
            return None
        number = int(exact)
        if number < 0:
            self.problem("CSV_NUMBER", field, f"negative: {value!r}")
            return None
        return number

    def money(self, field: str) -> Decimal | None:
        value = self.values.get(field)
        if value is None:
            return None
        try:
            amount = Decimal(value.replace(",", "").replace("¥", "").replace("￥", ""))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():  # "NaN" and "Infinity" parse, but are no amount
            self.problem("CSV_NUMBER", field, f"not an amount: {value!r}")
            return None
        return amount

    def flag(self, field: str, default: bool) -> bool:
        value = self.values.get(field)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.problem("CSV_VALUE", field, f"not yes or no: {value!r}")
        return default


_DEFAULT_DEALER = DealerId("import")


def _customer(cells: _Cells, row: Row, dealer: DealerId) -> Customer:
    ctype = cells.choice("customer.type", _CUSTOMER_TYPES, CustomerType)
    uscc = cells.text("customer.uscc")
    if ctype is None:
        ctype = CustomerType.COMPANY if uscc else CustomerType.INDIVIDUAL
    id_type = cells.choice("customer.id_type", _ID_TYPES, IdDocumentType)
    id_number = cells.text("customer.id_number")
    if id_number and id_type is None and ctype is CustomerType.INDIVIDUAL:
        id_type = IdDocumentType.RESIDENT_ID
    return Customer(
        id=CustomerId(cells.text("customer.id") or f"row-{row.number}"),
        dealer_id=dealer,
        type=ctype,
        name=cells.text("customer.name") or "",
        gender=cells.choice("customer.gender", _GENDERS, Gender) or Gender.UNKNOWN,
        mobile=cells.text("customer.mobile"),
        office_phone=cells.text("customer.office_phone"),
        home_phone=cells.text("customer.home_phone"),
        company_address=cells.text("customer.company_address"),
        home_address=cells.text("customer.home_address"),
        postcode=cells.text("customer.postcode"),
        id_type=id_type,
        id_number=id_number,
        industry=cells.text("customer.industry"),
        occupation=cells.text("customer.occupation"),
        email=cells.text("customer.email"),
        birthday=cells.day("customer.birthday"),
        uscc=uscc,
        contact_person=cells.text("customer.contact_person"),
    )


def _vehicle(cells: _Cells, row: Row, dealer: DealerId) -> Vehicle:
    return Vehicle(
        id=VehicleId(cells.text("vehicle.id") or f"row-{row.number}"),
        dealer_id=dealer,
        vin=cells.text("vehicle.vin") or "",
        brand=cells.text("vehicle.brand"),
        series=cells.text("vehicle.series"),
        model=cells.text("vehicle.model"),
        colour=cells.text("vehicle.colour"),
        plate=cells.text("vehicle.plate"),
        usage=cells.choice("vehicle.usage", _USAGES, UsageNature) or UsageNature.NON_OPERATING,
        first_registration=cells.day("vehicle.first_registration"),
        purchase_date=cells.day("vehicle.purchase_date"),
        delivery_date=cells.day("vehicle.delivery_date"),
        mileage_km=cells.number("vehicle.mileage_km"),
        is_stock=cells.flag("vehicle.is_stock", False),
        is_test_drive=cells.flag("vehicle.is_test_drive", False),
    )


def parse_row(
    kind: RecordKind, row: Row, mapping: HeaderMapping, *, timezone: str = "Asia/Shanghai"
) -> ParsedRow:
    """The record of ``kind`` that ``row`` describes, and the row's own problems."""
    cells = _Cells(row, mapping, ZoneInfo(timezone))
    dealer = DealerId(cells.text("dealer_id") or _DEFAULT_DEALER)
    record: Customer | Vehicle | SaleReport | RepairReport
    try:
        if kind is RecordKind.CUSTOMERS:
            record = _customer(cells, row, dealer)
        elif kind is RecordKind.VEHICLES:
            record = _vehicle(cells, row, dealer)
        else:
            customer = _customer(cells, row, dealer)
            vehicle = _vehicle(cells, row, dealer)
            at = cells.moment("event.occurred_at") or datetime(2000, 1, 1, tzinfo=cells.tz)
            event_id = InteractionId(cells.text("event.id") or f"row-{row.number}")
            sold = kind is RecordKind.SALES
            detail: Sale | RepairOrder
            if sold:
                detail = Sale(amount=cells.money("sale.amount"), remarks=cells.text("sale.remarks"))
            else:
                detail = RepairOrder(
                    reporter_name=cells.text("repair.reporter_name"),
                    reporter_phone=cells.text("repair.reporter_phone"),
                    service_kind=cells.choice("repair.service_kind", _SERVICE_KINDS, ServiceKind)
                    or ServiceKind.MAINTENANCE,
                    handed_back_at=cells.moment("repair.handed_back_at"),
                    callback_consent=cells.flag("repair.callback_consent", True),
                )
            event = Interaction(
                id=event_id,
                dealer_id=dealer,
                kind=InteractionKind.DELIVERY if sold else InteractionKind.REPAIR_ORDER,
                occurred_at=at,
                customer_id=customer.id,
                vehicle_id=vehicle.id,
                detail=detail,
            )
            if sold:
                record = SaleReport(event, customer, vehicle)
            else:
                has_customer = any(k.startswith("customer.") for k in cells.values)
                record = RepairReport(event, vehicle, customer if has_customer else None)
    except ValidationError as exc:
        raise CsvFormatError(f"line {row.number}: {exc}") from exc
    return ParsedRow(row, record, tuple(cells.problems))


def known_columns(headers: list[str], mapping: HeaderMapping) -> list[str]:
    """The headers the mapping understands (a file with none is not a DMS export)."""
    return [h for h in headers if mapping.field(h) is not None]
