"""Seeded customers and vehicles for the rule benchmark, with seed 000's defects mixed in.

Bench-local on purpose: the benchmark needs control over which identifier defects occur
and how often (so that both the clean fast path and every diagnosis path are timed, and
so that each disagreement class with the reference libraries shows up), which a general
demo data set does not promise. The shares below are rough guesses of a dealer's data
quality before a clean-up, not measurements.
"""

from __future__ import annotations

import importlib.resources
import random
import string
from collections.abc import Iterator
from datetime import date

from crm_core import (
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    Gender,
    IdDocumentType,
    UsageNature,
    Vehicle,
    VehicleId,
)
from crm_core.domain.rules import id_card, plate, uscc, vin
from crm_core.domain.rules._cn_tables import AREA_CODES, DIVISION_CODES, MOBILE_PREFIXES

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲鹏辉斌宇浩凯健俊帆帅旭宁龙林欣"
COMPANIES = (
    "杭州顺达物流有限公司",
    "上海浦江汽车租赁有限公司",
    "苏州工业园区建设集团",
    "广州白云出租汽车公司",
)
WMIS = ("LSV", "LFV", "LDC", "LGB", "LVS", "LHG", "LBV", "LGW")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "gmail.com", "outlook.com")
STAFF_MOBILES = tuple(f"1390000{n:04d}" for n in range(25))

_MOBILE_PREFIXES = sorted(MOBILE_PREFIXES)
_AREAS = sorted(AREA_CODES)
_COUNTIES = sorted(c for c in DIVISION_CODES if not c.endswith("00"))


def _current_counties() -> list[str]:
    """County codes in use today: most people's numbers carry one. python-stdnum's copy
    of GB/T 2260 marks abolished codes with their years ("[-2000]"); the rules' own
    table keeps every code ever listed and has no years, so ask stdnum's (bench extra)."""
    text = importlib.resources.files("stdnum").joinpath("cn/loc.dat").read_text("utf-8")
    province = ""
    current = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith(" "):
            province = line.split()[0]
        elif "[" not in line and not line.split()[0].endswith("00"):
            current.append(province + line.split()[0])
    return current


CURRENT_COUNTIES = _current_counties()


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(string.digits, k=n))


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(_MOBILE_PREFIXES)
    return prefix + _digits(rng, 11 - len(prefix))


def landline(rng: random.Random) -> tuple[str, str]:
    area = rng.choice(_AREAS)
    length = rng.choice(AREA_CODES[area])
    return area, rng.choice("2345678") + _digits(rng, length - 1)


def _phone(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.80:
        return mobile(rng)
    if roll < 0.84:
        m = mobile(rng)
        return f"{m[:3]}-{m[3:7]}-{m[7:]}"
    if roll < 0.86:
        return "+86 " + mobile(rng)
    if roll < 0.89:
        return mobile(rng)[: rng.choice((10, 9))]  # digits missing
    if roll < 0.90:
        return mobile(rng) + rng.choice(string.digits)  # one digit too many
    if roll < 0.93:
        return landline(rng)[1]  # landline or PHS without area code
    if roll < 0.95:
        return rng.choice(STAFF_MOBILES)  # a staff member's number
    if roll < 0.96:
        return "1" + rng.choice("0126") + _digits(rng, 9)  # unallocated block
    area, local = landline(rng)
    return f"{area}-{local}"  # a landline in the mobile field


def _office_phone(rng: random.Random) -> str:
    area, local = landline(rng)
    roll = rng.random()
    if roll < 0.85:
        return f"{area}-{local}"
    if roll < 0.90:
        return local  # no area code
    if roll < 0.94:
        cut = rng.randint(1, len(area) - 1)
        return f"{area[:cut]}-{area[cut:]}{local}"  # separator inside the area code
    if roll < 0.97:
        return f"{area}-{local[:-1]}"  # a digit short
    return f"({area}){local}"


def _name(rng: random.Random) -> str:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
    roll = rng.random()
    if roll < 0.92:
        return name
    if roll < 0.95:
        return name[0] + rng.choice(("先生", "小姐", "女士", "太太", "总"))
    if roll < 0.965:
        return name[0] + " " + name[1:]
    if roll < 0.975:
        return name[0] + "-" + name[1:]
    if roll < 0.99:
        return name + rng.choice(string.digits)
    return rng.choice(COMPANIES)


def resident_id(rng: random.Random) -> str:
    born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    roll = rng.random()
    if roll < 0.01:
        area = "419999"  # a Henan code no GB/T 2260 edition lists
    elif roll < 0.02:
        area = "412702"  # 项城市 since 1993: numbers issued there to people born earlier
        born = born.replace(year=rng.randint(1950, 1992))
    else:
        area = rng.choice(CURRENT_COUNTIES)
    first17 = f"{area}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    number = first17 + id_card.calc_check_digit(first17)
    roll = rng.random()
    if roll < 0.03:
        wrong = rng.choice([c for c in "0123456789X" if c != number[17]])
        return number[:17] + wrong
    if roll < 0.04:
        return number[:6] + number[8:17]  # first-generation, 15 digits
    if roll < 0.05:
        return number.lower() if number.endswith("X") else number[:-1]
    return number


def credit_code(rng: random.Random) -> str:
    authority = rng.choices("9159NY", weights=(70, 10, 8, 4, 4, 4))[0]
    first17 = (
        authority
        + rng.choice("123")
        + rng.choice(_COUNTIES)
        + "".join(rng.choices(uscc.ALPHABET, k=9))
    )
    code = first17 + uscc.calc_check_digit(first17)
    if rng.random() < 0.04:
        return code[:17] + rng.choice([c for c in uscc.ALPHABET if c != code[17]])
    return code


def customer(rng: random.Random, index: int) -> Customer:
    is_company = rng.random() < 0.15
    id_number = None if is_company or rng.random() < 0.3 else resident_id(rng)
    born = None
    gender = Gender.UNKNOWN
    if id_number and len(id_number) == 18:
        born = id_card.decode_birth_date(id_number.upper())
        gender = Gender.MALE if id_number[16] in "13579" else Gender.FEMALE
    email = None
    if rng.random() < 0.5:
        local = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 10)))
        domain = rng.choice(EMAIL_DOMAINS)
        roll = rng.random()
        email = (
            f"{local}@{domain}"
            if roll < 0.94
            else (f"{local}@qq.con" if roll < 0.97 else f"{local}.{domain}")
        )
    return Customer(
        id=CustomerId(f"C{index:07d}"),
        dealer_id=DealerId("D01"),
        type=CustomerType.COMPANY if is_company else CustomerType.INDIVIDUAL,
        name=rng.choice(COMPANIES) if is_company else _name(rng),
        gender=gender,
        mobile=_phone(rng) if rng.random() < 0.97 else None,
        office_phone=_office_phone(rng) if rng.random() < 0.3 else None,
        email=email,
        id_type=IdDocumentType.RESIDENT_ID if id_number else None,
        id_number=id_number,
        birthday=born,
        occupation="教师" if rng.random() < 0.6 else None,
        uscc=credit_code(rng) if is_company else None,
        contact_person=_name(rng) if is_company else None,
        postcode=_digits(rng, 6) if rng.random() < 0.4 else None,
    )


def vehicle_identification(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        wmi = rng.choice(("WVW", "WAU", "VF3", "TMB"))  # European: advisory check digit
        return (
            wmi
            + "ZZZ"
            + "".join(rng.choices(vin.ALPHABET, k=3))
            + rng.choice("LMNPRS")
            + "".join(rng.choices(vin.ALPHABET, k=7))
        )
    wmi = "1G1" if roll < 0.07 else rng.choice(WMIS)
    year = rng.choice("LMNPRS")  # model years 2020-2025
    body = (
        wmi
        + "".join(rng.choices(vin.ALPHABET, k=6))
        + year
        + "".join(rng.choices(vin.ALPHABET, k=7))
    )
    number = body[:8] + vin.calc_check_digit(body) + body[9:]
    roll = rng.random()
    if roll < 0.04:
        wrong = rng.choice([c for c in "0123456789X" if c != number[8]])
        return number[:8] + wrong + number[9:]
    if roll < 0.05:
        return "DC" + number[3:]  # legacy 16-character frame number
    if roll < 0.055:
        return "DC" + number[3:12]  # legacy prefix, too short
    if roll < 0.065:
        return number[:-1]  # a character missing
    if roll < 0.07:
        return number[:5] + "O" + number[6:]  # O for 0
    if roll < 0.075:
        return number.lower()
    return number


def licence_plate(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.1:
        return None
    province = rng.choice(plate.PROVINCES)
    office = rng.choice(PLATE_LETTERS)
    serial = rng.choice(PLATE_LETTERS + string.digits) + "".join(rng.choices(string.digits, k=4))
    if roll < 0.2:
        return province + office + rng.choice("DF") + serial  # small new-energy plate
    if roll < 0.85:
        return province + office + serial
    if roll < 0.89:
        return province + office + rng.choice("-· ") + serial  # joining symbol
    if roll < 0.92:
        return office + serial  # no province
    if roll < 0.94:
        return rng.choice(("无牌", "未上牌", "新车"))
    if roll < 0.95:
        return province + office + "I" + serial[1:]
    return province + office + serial


def vehicle(rng: random.Random, index: int) -> Vehicle:
    return Vehicle(
        id=VehicleId(f"V{index:07d}"),
        dealer_id=DealerId("D01"),
        vin=vehicle_identification(rng),
        plate=licence_plate(rng),
        usage=UsageNature.NON_OPERATING if rng.random() < 0.9 else UsageNature.OPERATING,
        purchase_date=date(2025, 1, 1),
        delivery_date=date(2025, 1, 10),
    )


def records(count: int, seed: int = 2026) -> Iterator[tuple[Customer, Vehicle]]:
    """``count`` (customer, vehicle) pairs, the same for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        yield customer(rng, index), vehicle(rng, index)
