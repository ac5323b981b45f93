"""Duplicate customers: matching rules, merge plan, and the demo's planted duplicates."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core import (
    Channel,
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    Gender,
    Ownership,
    OwnershipId,
    Vehicle,
    VehicleId,
)
from crm_core.demo import DefectKind, DefectRates, DemoConfig, DemoGenerator
from crm_core.domain.duplicates import (
    MatchKind,
    MergeRules,
    current_holdings,
    find_duplicates,
    names_compatible,
    normalise_mobile,
    normalise_name,
    plan_merge,
)

TZ = timezone(timedelta(hours=8))
D1 = DealerId("D1")


def person(cid: str, name: str, **kw: Any) -> Customer:
    return Customer(id=CustomerId(cid), dealer_id=D1, type=CustomerType.INDIVIDUAL, name=name, **kw)


def company(cid: str, name: str, **kw: Any) -> Customer:
    return Customer(id=CustomerId(cid), dealer_id=D1, type=CustomerType.COMPANY, name=name, **kw)


def car(vid: str, vin: str) -> Vehicle:
    return Vehicle(id=VehicleId(vid), dealer_id=D1, vin=vin)


def held(oid: str, cid: str, vid: str, since: date, until: date | None = None) -> Ownership:
    return Ownership(
        id=OwnershipId(oid),
        dealer_id=D1,
        customer_id=CustomerId(cid),
        vehicle_id=VehicleId(vid),
        since=since,
        until=until,
    )


def test_same_mobile_and_compatible_name() -> None:
    groups = find_duplicates(
        [
            person("C1", "王军", mobile="13812345678"),
            person("C2", "王先生", mobile="138 1234 5678"),
            person("C3", "李娜", mobile="13812345678"),
        ]
    )
    assert [g.customer_ids for g in groups] == [("C1", "C2")]
    kinds = [r.kind for r in groups[0].reasons]
    assert kinds == [MatchKind.SAME_MOBILE, MatchKind.NAME_MATCH]
    assert groups[0].reasons[0].key == "138****5678"


def test_shared_family_phone_is_not_a_duplicate() -> None:
    assert (
        find_duplicates(
            [person("C1", "王军", mobile="13812345678"), person("C2", "李娜", mobile="13812345678")]
        )
        == []
    )


def test_staff_phone_never_joins() -> None:
    customers = [
        person("C1", "王军", mobile="13900000001"),
        person("C2", "王军", mobile="13900000001"),
    ]
    assert len(find_duplicates(customers)) == 1
    assert find_duplicates(customers, staff_phones=["+86 139 0000 0001"]) == []


def test_same_id_number_is_decisive_even_with_other_names() -> None:
    groups = find_duplicates(
        [
            person("C1", "王军", id_number="11010519491231002X"),
            person("C2", "王俊", id_number="11010519491231002x "),
        ]
    )
    assert [g.customer_ids for g in groups] == [("C1", "C2")]
    assert [r.kind for r in groups[0].reasons] == [MatchKind.SAME_ID_NUMBER]


def test_same_uscc_for_companies_not_mixed_with_individuals() -> None:
    firm = company("C1", "上海宏达贸易有限公司", uscc="91350100M000100Y43", mobile="13812345678")
    again = company("C2", "上海宏达贸易有限公司 ", uscc="91350100m000100y43")
    contact = person("C3", "上海宏达贸易有限公司", mobile="13812345678")
    groups = find_duplicates([firm, again, contact])
    assert [g.customer_ids for g in groups] == [("C1", "C2")]
    assert groups[0].reasons[0].kind is MatchKind.SAME_USCC


def test_same_vin_currently_held() -> None:
    vin = "LSVAB7L25M2000040"
    vehicles = [car("V1", vin), car("V2", vin.lower()), car("V3", vin)]
    ownerships = [
        held("O1", "C1", "V1", date(2022, 1, 1)),
        held("O2", "C2", "V2", date(2024, 1, 1)),
        # C3 sold the car on in 2021: not a duplicate of the current holder.
        held("O3", "C3", "V3", date(2020, 1, 1), until=date(2021, 6, 1)),
    ]
    customers = [person("C1", "王军"), person("C2", "王 军"), person("C3", "王军")]
    holdings = list(current_holdings(vehicles, ownerships))
    assert sorted(holdings) == [("C1", vin), ("C2", vin.lower())]
    groups = find_duplicates(customers, holdings=holdings)
    assert [g.customer_ids for g in groups] == [("C1", "C2")]
    assert groups[0].reasons[0].kind is MatchKind.SAME_VIN
    assert list(current_holdings(vehicles, ownerships, on=date(2020, 6, 1))) == [("C3", vin)]


def test_different_dealers_never_grouped() -> None:
    a = person("C1", "王军", mobile="13812345678")
    b = attrs.evolve(person("C2", "王军", mobile="13812345678"), dealer_id=DealerId("D2"))
    assert find_duplicates([a, b]) == []


def test_chain_is_one_group() -> None:
    groups = find_duplicates(
        [
            person("C1", "王军", mobile="13812345678"),
            person("C2", "王军", mobile="13812345678", id_number="11010519491231002X"),
            person("C3", "王军", id_number="11010519491231002X"),
        ]
    )
    assert [g.customer_ids for g in groups] == [("C1", "C2", "C3")]


def test_merge_plan_rules() -> None:
    old = datetime(2023, 1, 1, tzinfo=TZ)
    new = datetime(2025, 1, 1, tzinfo=TZ)
    a = person(
        "C2",
        "王先生",
        mobile="138-1234-5678",
        created_at=old,
        do_not_disturb=True,
        opted_out_channels=frozenset({Channel.SMS}),
    )
    b = person(
        "C1",
        "王军",
        mobile="13812345678",
        email="wj@163.com",
        gender=Gender.MALE,
        birthday=date(1980, 5, 1),
        created_at=new,
        opted_out_channels=frozenset({Channel.EMAIL}),
    )
    plan = plan_merge([b, a])
    assert plan.survivor_id == "C2"  # the oldest file survives
    assert plan.absorbed_ids == ("C1",)
    m = plan.merged
    assert m.id == "C2"
    assert m.name == "王军"  # the clean name beats the titled one
    assert m.mobile == "13812345678"  # normalised
    assert m.email == "wj@163.com"
    assert m.birthday == date(1980, 5, 1)
    assert m.do_not_disturb  # consent wins
    assert m.opted_out_channels == {Channel.SMS, Channel.EMAIL}
    assert m.created_at == old
    sources = {c.field: c.source_id for c in plan.choices}
    assert sources["name"] == "C1"
    assert sources["mobile"] == "C2"
    assert sources["email"] == "C1"
    most_complete = plan_merge([b, a], MergeRules(oldest_first=False))
    assert most_complete.survivor_id == "C1"


def test_name_normalisation() -> None:
    assert normalise_name("王　军") == normalise_name("王-军") == normalise_name("王军3") == "王军"
    assert normalise_name("欧阳小姐") == "欧阳"
    assert names_compatible("欧阳小姐", "欧阳娜娜")
    assert not names_compatible("王军", "王芳")
    assert normalise_mobile("0086 13812345678") == "13812345678"
    assert normalise_mobile("1381234567") is None


# -- properties -----------------------------------------------------------------------------

SURNAMES = st.sampled_from(["王", "李", "张", "欧阳"])
GIVEN = st.text(alphabet="伟芳娜军敏静", min_size=1, max_size=2)
NAMES = st.builds(lambda s, g: s + g, SURNAMES, GIVEN)


def spelling(name: str, how: int) -> str:
    """A spelling variant that keeps the normalised name: spaces, width, symbols, digits."""
    surname = name[:2] if name.startswith("欧阳") else name[:1]
    rest = name[len(surname) :]
    return [
        name,
        f"{surname} {rest}",
        f"{surname}\u3000{rest}",
        f"{surname}-{rest}",
        f"{name}2",
        f" {name} ",
    ][how]


customers_strategy = st.lists(
    st.tuples(NAMES, st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)),
    min_size=1,
    max_size=12,
)


def build(
    rows: list[tuple[str, int, int, int]], variants: list[int] | None = None
) -> list[Customer]:
    out = []
    for i, (name, mobile, idn, _) in enumerate(rows):
        how = variants[i] if variants else 0
        out.append(
            person(
                f"C{i:02d}",
                spelling(name, how),
                mobile=f"1380000000{mobile}" if mobile else None,
                id_number=f"11010519800101{idn:03d}X" if idn else None,
            )
        )
    return out


@settings(max_examples=60)
@given(customers_strategy, st.lists(st.integers(0, 5), min_size=12, max_size=12))
def test_groups_invariant_under_name_spellings(
    rows: list[tuple[str, int, int, int]], variants: list[int]
) -> None:
    plain = [g.customer_ids for g in find_duplicates(build(rows))]
    varied = [g.customer_ids for g in find_duplicates(build(rows, variants))]
    assert plain == varied


@settings(max_examples=60)
@given(customers_strategy)
def test_never_groups_customers_sharing_nothing(rows: list[tuple[str, int, int, int]]) -> None:
    customers = build(rows)
    for group in find_duplicates(customers):
        members = [c for c in customers if c.id in group.customer_ids]
        for c in members:
            others = [o for o in members if o.id != c.id]
            assert any(
                (c.mobile and c.mobile == o.mobile) or (c.id_number and c.id_number == o.id_number)
                for o in others
            ), (c, others)
        assert group.merge.survivor_id in group.customer_ids
        assert set(group.merge.absorbed_ids) | {group.merge.survivor_id} == set(group.customer_ids)


@settings(max_examples=60)
@given(customers_strategy)
def test_distinct_keys_no_groups(rows: list[tuple[str, int, int, int]]) -> None:
    customers = [
        person(f"C{i:02d}", name, mobile=f"138000000{i:02d}", id_number=f"11010519800101{i:03d}X")
        for i, (name, _, _, _) in enumerate(rows)
    ]
    assert find_duplicates(customers) == []


@settings(max_examples=40)
@given(customers_strategy)
def test_groups_partition_and_are_deterministic(rows: list[tuple[str, int, int, int]]) -> None:
    customers = build(rows)
    groups = find_duplicates(customers)
    seen = [cid for g in groups for cid in g.customer_ids]
    assert len(seen) == len(set(seen))
    assert find_duplicates(list(reversed(customers))) == groups


# -- the demo's planted duplicates ------------------------------------------------------------


def test_finds_every_planted_duplicate_in_the_demo() -> None:
    config = DemoConfig(today=date(2026, 11, 23), customers_per_dealer=1500, histories=False)
    gen = DemoGenerator(config)
    files = list(gen.files())
    customers = [c for f in files for c in (f.customer, *f.duplicates)]
    holdings = [h for f in files for h in current_holdings(f.vehicles, f.ownerships)]
    staff = [s.phone for d in gen.dealers() for s in d.staff if s.phone]
    groups = find_duplicates(customers, holdings=holdings, staff_phones=staff)
    found = {tuple(sorted(g.customer_ids)) for g in groups}
    planted = {
        tuple(sorted((d.record_id, d.related_id or "")))
        for f in files
        for d in f.defects
        if d.kind is DefectKind.DUPLICATE_CUSTOMER
    }
    assert len(planted) > 15
    assert found == planted


def test_clean_demo_has_no_duplicates() -> None:
    config = DemoConfig(
        today=date(2026, 11, 23),
        customers_per_dealer=1000,
        histories=False,
        defects=DefectRates.none(),
    )
    files = list(DemoGenerator(config).files())
    customers = [f.customer for f in files]
    holdings = [h for f in files for h in current_holdings(f.vehicles, f.ownerships)]
    assert find_duplicates(customers, holdings=holdings) == []
