"""Likely duplicate customers: one person, one file (一人一档, seed 000).

Dealers re-enter returning customers instead of finding their file: "王先生" with the same
mobile as "王军", the same ID number typed twice, a car's VIN under two customers. This
module finds such groups and proposes a merge. It is a pure function of the records, so a
host can run it in a nightly job, in an import screen or in a test; ``crm-core duplicates``
runs it over a database and applies the merges through the repository.

Matching rules (each group lists the reasons that joined it):

1. **Same ID number or same USCC** (normalised: full-width folded, spaces removed, upper
   case) — decisive: an identity document belongs to one person or company.
2. **Same mobile** (digits only, ``+86``/``0086`` dropped, staff members' numbers never
   count) or **same VIN currently held** — joins two files only when their names are
   compatible: equal after normalisation, or one is the other's surname with a title
   ("王先生" and "王军"). A family sharing one phone, or a car sold from one person to
   another, is not a duplicate.
3. Names alone never join files (there are many 王芳), and an individual is never joined
   with a company.

Groups are closed under these rules (if A matches B and B matches C, all three are one
group). Merge rules are in :class:`MergeRules`.

>>> from crm_core import Customer, CustomerType
>>> a = Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王军",
...              mobile="13812345678")
>>> b = Customer(id="C2", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王先生",
...              mobile="+86 138 1234 5678")
>>> c = Customer(id="C3", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="李娜",
...              mobile="13812345678")
>>> [group] = find_duplicates([a, b, c])
>>> group.customer_ids, [r.kind.value for r in group.reasons]
(('C1', 'C2'), ['same_mobile', 'name_match'])
>>> group.merge.survivor_id, group.merge.merged.name
('C1', '王军')
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import attrs

from crm_core.domain._validators import as_members
from crm_core.domain.customer import Customer
from crm_core.domain.ids import CustomerId
from crm_core.domain.vehicle import Ownership, Vehicle

__all__ = [
    "DuplicateGroup",
    "FieldChoice",
    "MatchKind",
    "MatchReason",
    "MergePlan",
    "MergeRules",
    "current_holdings",
    "find_duplicates",
    "names_compatible",
    "normalise_id_number",
    "normalise_mobile",
    "normalise_name",
    "normalise_vin",
    "plan_merge",
]


class MatchKind(enum.StrEnum):
    """What two customer files share: an ID number, a USCC, a mobile, a VIN, or a name."""

    SAME_ID_NUMBER = "same_id_number"
    SAME_USCC = "same_uscc"
    SAME_MOBILE = "same_mobile"
    SAME_VIN = "same_vin"
    NAME_MATCH = "name_match"  # supporting reason: names compatible across the group


@attrs.frozen(slots=True)
class MatchReason:
    """Why customers ``customer_ids`` were joined, and on what shared value.

    ``key`` is the normalised shared value, masked where it is personal data (it ends up
    in reports and logs)."""

    kind: MatchKind
    customer_ids: tuple[CustomerId, ...]
    key: str

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class FieldChoice:
    """Field ``field`` of the merged record comes from customer ``source_id``."""

    field: str
    source_id: CustomerId


@attrs.frozen(slots=True)
class MergePlan:
    """Keep ``survivor_id`` (updated to ``merged``), fold ``absorbed_ids`` into it.

    A host applying the plan re-points the absorbed customers' vehicles, interactions,
    cases and club records to the survivor, then removes the absorbed files, and keeps the
    plan as the audit record of what was merged.
    """

    survivor_id: CustomerId
    absorbed_ids: tuple[CustomerId, ...]
    merged: Customer
    choices: tuple[FieldChoice, ...]


@attrs.frozen(slots=True)
class DuplicateGroup:
    """Customer files that are likely one person or company, why, and how to merge them."""

    customer_ids: tuple[CustomerId, ...]  # sorted
    reasons: tuple[MatchReason, ...]
    merge: MergePlan


# Fields whose value the merge picks from one of the records; flags are combined instead.
_VALUE_FIELDS = (
    "gender",
    "category",
    "mobile",
    "office_phone",
    "home_phone",
    "company_address",
    "home_address",
    "postcode",
    "id_type",
    "id_number",
    "industry",
    "occupation",
    "email",
    "birthday",
    "preferences",
    "characteristics",
    "uscc",
    "contact_person",
    "locale",
)
_FLAG_FIELDS = ("do_not_disturb", "complaining", "blacklisted", "redlisted")


@attrs.frozen(slots=True)
class MergeRules:
    """How a group of duplicate files becomes one record.

    Defaults, in order:

    - the **survivor** is the oldest file (earliest ``created_at``; files without one
      count as newest), then the most complete one, then the smallest id — the oldest file
      is the one the dealer's history hangs on;
    - the **name** is the survivor's unless it is not clean (a title, spaces, symbols,
      digits) and another record has a clean one — then the longest clean name;
    - every other **field** keeps the survivor's value when it has one, else the first
      value in survivor order (oldest first); a mobile is stored normalised;
    - **flags** that stop or restrict contact (do-not-disturb, blacklist, complaining,
      redlist) are combined with OR and opted-out channels are united: consent wins over
      tidiness, a merge never re-opens a channel a customer closed;
    - ``created_at`` is the earliest of the group.

    ``oldest_first=False`` makes the most complete file the survivor instead.
    """

    oldest_first: bool = True


_TITLES = ("先生", "小姐", "女士", "太太", "夫人", "老师", "老板", "总", "经理")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―·•・._/\\,，、]+")
_DIGITS_RE = re.compile(r"\d")


def _fold(value: str) -> str:
    # NFKC folds full-width letters, digits, spaces (U+3000) and punctuation to ASCII.
    return unicodedata.normalize("NFKC", value).strip()


def normalise_name(name: str) -> str:
    """The form two spellings of one name share, for comparing names.

    Width folded; spaces, joining symbols, digits and a trailing title removed.

    >>> normalise_name("王\u3000芳"), normalise_name("王-芳 2"), normalise_name("王先生")
    ('王芳', '王芳', '王')
    >>> normalise_name("上海宏达贸易有限公司 "), normalise_name("ＡＢＣ 公司")
    ('上海宏达贸易有限公司', 'ABC公司')
    """
    folded = _DIGITS_RE.sub("", _SEPARATORS.sub("", _fold(name)))
    for title in _TITLES:
        if folded.endswith(title) and len(folded) > len(title):
            return folded[: -len(title)]
    return folded


def _is_clean_name(name: str) -> bool:
    return bool(name) and name == normalise_name(name)


def _has_title(name: str) -> bool:
    folded = _DIGITS_RE.sub("", _SEPARATORS.sub("", _fold(name)))
    return folded != normalise_name(name)


def names_compatible(a: str, b: str) -> bool:
    """Whether two names may be one person's: equal after normalisation, or a surname.

    Equal after normalisation, or one is the other's surname with a title ("王先生" /
    "王军"). An empty name is compatible with anything (nothing contradicts).

    >>> names_compatible("王先生", "王军"), names_compatible("王军", "王 军")
    (True, True)
    >>> names_compatible("王先生", "李军"), names_compatible("王军", "王芳")
    (False, False)
    """
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb or na == nb:
        return True
    if _has_title(a) and len(na) < len(nb):
        return nb.startswith(na)
    if _has_title(b) and len(nb) < len(na):
        return na.startswith(nb)
    return False


def normalise_mobile(phone: str | None) -> str | None:
    """The eleven digits of a mainland mobile, or None when ``phone`` is not one.

    >>> normalise_mobile("+86 138-1234-5678"), normalise_mobile("１３８１２３４５６７８")
    ('13812345678', '13812345678')
    >>> normalise_mobile("021-62345678") is None
    True
    """
    if not phone:
        return None
    digits = "".join(ch for ch in _fold(phone) if ch.isdigit())
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if len(digits) == 11 and digits[0] == "1":
        return digits
    return None


def normalise_id_number(value: str | None) -> str | None:
    """An ID number or USCC folded, without spaces, upper case; None when empty.

    >>> normalise_id_number(" 11010519491231002x ")
    '11010519491231002X'
    """
    if not value:
        return None
    compact = _SEPARATORS.sub("", _fold(value)).upper()
    return compact or None


def normalise_vin(vin: str | None) -> str | None:
    """A VIN folded, without separators, upper case; None when too short to identify a car.

    >>> normalise_vin("lsv ab7l2-5m2000040")
    'LSVAB7L25M2000040'
    """
    if not vin:
        return None
    compact = _SEPARATORS.sub("", _fold(vin)).upper()
    return compact if len(compact) >= 11 else None


def current_holdings(
    vehicles: Iterable[Vehicle], ownerships: Iterable[Ownership], on: date | None = None
) -> Iterator[tuple[CustomerId, str]]:
    """``(customer_id, vin)`` for every ownership still running (on ``on``, or open-ended).

    A resale gives two customers the same VIN one after the other; only current holdings
    say that two files claim one car.
    """
    vins = {v.id: v.vin for v in vehicles}
    for o in ownerships:
        running = o.until is None if on is None else o.active_on(on)
        if running and o.vehicle_id in vins:
            yield o.customer_id, vins[o.vehicle_id]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[CustomerId, CustomerId] = {}

    def find(self, x: CustomerId) -> CustomerId:
        parent = self.parent.setdefault(x, x)
        if parent != x:
            parent = self.parent[x] = self.find(parent)
        return parent

    def union(self, a: CustomerId, b: CustomerId) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _mask(value: str) -> str:
    """Keep the first three and last four characters, as the records' reprs do."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def find_duplicates(
    customers: Iterable[Customer],
    *,
    holdings: Iterable[tuple[CustomerId, str]] = (),
    staff_phones: Collection[str] = (),
    rules: MergeRules | None = None,
) -> list[DuplicateGroup]:
    """Groups of customer files that are likely one person or company, with a merge plan.

    ``holdings`` are ``(customer_id, vin)`` pairs (see :func:`current_holdings`);
    ``staff_phones`` are the dealer's staff numbers, which the seed warns end up in
    customer files and must never join two customers. Groups come sorted by their first
    customer id; customers of different dealers are never grouped.
    """
    rules = rules or MergeRules()
    by_id: dict[CustomerId, Customer] = {}
    for c in customers:
        by_id[c.id] = c
    excluded = {m for m in (normalise_mobile(p) for p in staff_phones) if m}

    keyed: dict[tuple[MatchKind, str, str], list[CustomerId]] = defaultdict(list)
    for c in by_id.values():
        scope = f"{c.dealer_id}/{c.type.value}"
        if c.id_number and (key := normalise_id_number(c.id_number)):
            keyed[(MatchKind.SAME_ID_NUMBER, scope, key)].append(c.id)
        if c.uscc and (key := normalise_id_number(c.uscc)):
            keyed[(MatchKind.SAME_USCC, scope, key)].append(c.id)
        mobile = normalise_mobile(c.mobile)
        if mobile and mobile not in excluded:
            keyed[(MatchKind.SAME_MOBILE, scope, mobile)].append(c.id)
    for customer_id, vin in holdings:
        holder = by_id.get(customer_id)
        if holder is not None and (key := normalise_vin(vin)):
            scope = f"{holder.dealer_id}/{holder.type.value}"
            keyed[(MatchKind.SAME_VIN, scope, key)].append(customer_id)

    uf = _UnionFind()
    reasons: list[MatchReason] = []
    for (kind, _, key), ids in sorted(keyed.items()):
        members = sorted(set(ids))
        if len(members) < 2:
            continue
        if kind in (MatchKind.SAME_ID_NUMBER, MatchKind.SAME_USCC):
            joined = members
        else:
            joined = _compatible_subset(members, by_id)
        if len(joined) < 2:
            continue
        for other in joined[1:]:
            uf.union(joined[0], other)
        reasons.append(MatchReason(kind, tuple(joined), _mask(key)))

    groups: dict[CustomerId, list[CustomerId]] = defaultdict(list)
    for customer_id in sorted(uf.parent):
        groups[uf.find(customer_id)].append(customer_id)
    result: list[DuplicateGroup] = []
    for root in sorted(groups):
        group_ids = tuple(groups[root])
        if len(group_ids) < 2:
            continue
        members_set = set(group_ids)
        group_reasons = [r for r in reasons if members_set.issuperset(r.customer_ids)]
        names = [by_id[i].name for i in group_ids]
        if all(names_compatible(a, b) for a in names for b in names):
            group_reasons.append(
                MatchReason(
                    MatchKind.NAME_MATCH, group_ids, normalise_name(by_id[group_ids[0]].name)
                )
            )
        result.append(
            DuplicateGroup(
                customer_ids=group_ids,
                reasons=tuple(group_reasons),
                merge=plan_merge([by_id[i] for i in group_ids], rules),
            )
        )
    return result


def _compatible_subset(
    members: list[CustomerId], by_id: Mapping[CustomerId, Customer]
) -> list[CustomerId]:
    """The customers sharing a weak key whose names agree with the first one that has a
    compatible partner; a shared phone between different people joins nobody."""
    for i, anchor in enumerate(members):
        partners = [
            m for m in members[i + 1 :] if names_compatible(by_id[anchor].name, by_id[m].name)
        ]
        if partners:
            return [anchor, *partners]
    return []


def _completeness(c: Customer) -> int:
    return sum(getattr(c, f) not in (None, "") for f in _VALUE_FIELDS)


def _survivor_order(group: list[Customer], rules: MergeRules) -> list[Customer]:
    def created(c: Customer) -> tuple[bool, float]:
        # Files without a creation time sort as the newest.
        return (c.created_at is None, c.created_at.timestamp() if c.created_at else 0.0)

    if rules.oldest_first:
        return sorted(group, key=lambda c: (created(c), -_completeness(c), c.id))
    return sorted(group, key=lambda c: (-_completeness(c), created(c), c.id))


def plan_merge(group: list[Customer], rules: MergeRules | None = None) -> MergePlan:
    """The merged record for ``group`` (two or more files of one customer), by ``rules``."""
    rules = rules or MergeRules()
    ordered = _survivor_order(group, rules)
    survivor = ordered[0]
    changes: dict[str, Any] = {}
    choices: list[FieldChoice] = []

    clean = [c for c in ordered if _is_clean_name(c.name)]
    name_source = survivor
    if not _is_clean_name(survivor.name) and clean:
        name_source = max(clean, key=lambda c: len(c.name))
    changes["name"] = name_source.name
    choices.append(FieldChoice("name", name_source.id))

    for field in _VALUE_FIELDS:
        source = next((c for c in ordered if getattr(c, field) not in (None, "")), None)
        if source is None:
            continue
        value = getattr(source, field)
        if field == "mobile":
            value = normalise_mobile(value) or value
        changes[field] = value
        choices.append(FieldChoice(field, source.id))
    for flag in _FLAG_FIELDS:
        changes[flag] = any(getattr(c, flag) for c in group)
    changes["opted_out_channels"] = frozenset().union(*(c.opted_out_channels for c in group))
    created = [c.created_at for c in group if c.created_at is not None]
    if created:
        changes["created_at"] = min(created)
    merged = attrs.evolve(survivor, **changes)
    return MergePlan(
        survivor_id=survivor.id,
        absorbed_ids=tuple(sorted(c.id for c in ordered[1:])),
        merged=merged,
        choices=tuple(choices),
    )
