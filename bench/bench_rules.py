"""Benchmark: crm_core's rule checks against phonenumbers, python-stdnum and vininfo.

Three measurements over the same generated records (``bench/rules_data.py``):

1. ``check_customer`` + ``check_vehicle`` over every record (all rules: names, phones,
   e-mail, ID numbers, credit codes, VINs, plates), in records per second on one core;
2. the identifier checks the reference libraries can also do — phones
   (``phonenumbers.parse`` + ``is_valid_number``), resident ID numbers
   (``stdnum.cn.ric``), credit codes (``stdnum.cn.uscc``), VINs (``vininfo``) — timed
   both ways on the same values;
3. agreement: for every value both sides judged, whether they agree on valid/invalid,
   and the disagreements grouped by our rule code and the library's verdict, with one
   example each (the data is synthetic, nothing personal is printed).

    python bench/bench_rules.py                     # 100 000 records, as in the docs
    python bench/bench_rules.py --records 5000      # a quick run

Needs the ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import phonenumbers
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc
from vininfo import Vin
from vininfo.exceptions import VininfoException

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rules_data import STAFF_MOBILES, records

from crm_core import Customer, CustomerType, IdDocumentType, Vehicle
from crm_core.domain.rules import (
    Severity,
    StaffPhones,
    Violation,
    check_customer,
    check_vehicle,
    id_card,
    phone,
    uscc,
    vin,
)

Verdict = bool | str  # True / False, or the name of the exception the library raised
Judge = Callable[[str], Verdict]
SAID: dict[Verdict, str] = {True: "valid", False: "invalid"}


def ours_valid(violations: Sequence[Violation]) -> bool:
    return not any(v.severity is Severity.ERROR for v in violations)


def lib_phone(value: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(value, "CN")))
    except phonenumbers.NumberParseException:
        return False


def lib_vin(value: str) -> bool:
    try:
        return bool(Vin(value).verify_checksum())
    except VininfoException:
        return False


def lib_ric(value: str) -> Verdict:
    # cn.ric.is_valid raises KeyError on some division codes instead of answering
    try:
        return bool(ric.is_valid(value))
    except Exception as exc:
        return type(exc).__name__


def lib_uscc(value: str) -> bool:
    return bool(stdnum_uscc.is_valid(value))


def our_phone(value: str) -> tuple[Violation, ...]:
    return phone.check(value)


def our_ric(value: str) -> tuple[Violation, ...]:
    return id_card.check(value)


def our_uscc(value: str) -> tuple[Violation, ...]:
    return uscc.check(value)


def our_vin(value: str) -> tuple[Violation, ...]:
    return vin.check(value)


KINDS: dict[str, tuple[Callable[[str], tuple[Violation, ...]], Judge, str]] = {
    "phone": (our_phone, lib_phone, "phonenumbers"),
    "resident ID": (our_ric, lib_ric, "stdnum cn.ric"),
    "USCC": (our_uscc, lib_uscc, "stdnum cn.uscc"),
    "VIN": (our_vin, lib_vin, "vininfo"),
}


def identifiers(pairs: Sequence[tuple[Customer, Vehicle]]) -> dict[str, list[str]]:
    """The values of each kind the libraries can judge, in record order."""
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for customer, vehicle in pairs:
        for value in (customer.mobile, customer.office_phone, customer.home_phone):
            if value:
                found["phone"].append(value)
        if customer.id_number and customer.id_type is IdDocumentType.RESIDENT_ID:
            found["resident ID"].append(customer.id_number)
        if customer.type is CustomerType.COMPANY and customer.uscc:
            found["USCC"].append(customer.uscc)
        found["VIN"].append(vehicle.vin)
    return found


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs, in seconds of this process's CPU time: on a shared,
    loaded machine wall time counts the other processes' turns too, and the minimum is
    the run least disturbed by them."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def each(judge: Callable[[str], object], items: Sequence[str]) -> Callable[[], object]:
    """A run of ``judge`` over ``items`` for :func:`best_of`, bound to these two now (a
    lambda in the loop would see the loop's later values)."""
    return lambda: [judge(x) for x in items]


def calibrate() -> float:
    """µs per compiled-regex match of a mobile number: the yardstick the issue used
    (0.6 µs when it was filed), to tell a slow machine from slow code."""
    pattern = re.compile(r"1[3-9][0-9]{9}")
    n = 200_000
    return best_of(5, lambda: [pattern.fullmatch("13812345678") for _ in range(n)]) / n * 1e6


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--library-records",
        type=int,
        default=None,
        help="time the libraries on the first N records only (default: all)",
    )
    args = parser.parse_args(argv)

    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"calibration: regex match of a mobile {calibrate():.2f} µs CPU")
    start = time.perf_counter()
    pairs = list(records(args.records, args.seed))
    print(
        f"generated {len(pairs):,} customer+vehicle records in {time.perf_counter() - start:.1f} s"
    )

    staff = StaffPhones.of(STAFF_MOBILES)

    def all_rules() -> None:
        for customer, vehicle in pairs:
            check_customer(customer, staff=staff)
            check_vehicle(vehicle)

    elapsed = best_of(args.repeat, all_rules)
    print(
        f"\ncheck_customer + check_vehicle: {elapsed:.2f} s CPU, "
        f"{len(pairs) / elapsed:,.0f} records/s ({elapsed / len(pairs) * 1e6:.1f} µs/record)"
    )
    codes = Counter(
        v.code
        for customer, vehicle in pairs
        for v in (*check_customer(customer, staff=staff), *check_vehicle(vehicle))
    )
    clean = [
        (c, v) for c, v in pairs if not check_customer(c, staff=staff) and not check_vehicle(v)
    ]
    dirty = len(pairs) - len(clean)
    print(f"records with at least one violation: {dirty:,} ({dirty / len(pairs):.1%})")
    if clean:
        clean_time = best_of(
            args.repeat,
            lambda: [(check_customer(c, staff=staff), check_vehicle(v)) for c, v in clean],
        )
        print(
            f"clean records alone: {len(clean) / clean_time:,.0f} records/s "
            f"({clean_time / len(clean) * 1e6:.1f} µs/record)"
        )
    print("most frequent codes: " + ", ".join(f"{c} {n:,}" for c, n in codes.most_common(12)))

    limit = args.library_records or len(pairs)
    values = identifiers(pairs[:limit])
    print(f"\nidentifier checks on {limit:,} records (the libraries' share of the work):")
    print(f"{'kind':12} {'values':>8} {'ours µs':>8} {'library':>15} {'lib µs':>8} {'speed-up':>8}")
    total_ours = total_lib = 0.0
    for kind, (ours, lib, lib_name) in KINDS.items():
        items = values[kind]
        t_ours = best_of(args.repeat, each(ours, items))
        t_lib = best_of(1, each(lib, items))
        total_ours += t_ours
        total_lib += t_lib
        n = max(len(items), 1)
        print(
            f"{kind:12} {len(items):>8,} {t_ours / n * 1e6:>8.2f} {lib_name:>15} "
            f"{t_lib / n * 1e6:>8.2f} {t_lib / t_ours:>7.1f}×"
        )
    print(
        f"{'all':12} {sum(map(len, values.values())):>8,} {'':>8} {'':>15} {'':>8} "
        f"{total_lib / total_ours:>7.1f}×  ({total_ours:.2f} s against {total_lib:.2f} s)"
    )

    print("\nagreement (valid = no error-severity violation / the library's is_valid):")
    for kind, (ours, lib, lib_name) in KINDS.items():
        items = values[kind]
        outcomes: Counter[tuple[bool, bool]] = Counter()
        classes: Counter[tuple[str, Verdict]] = Counter()
        examples: dict[tuple[str, Verdict], str] = {}
        for value in items:
            found = ours(value)
            verdict = lib(value)
            mine, theirs = ours_valid(found), verdict is True
            outcomes[(mine, theirs)] += 1
            if mine != theirs or isinstance(verdict, str):
                code = next((v.code for v in found if v.severity is Severity.ERROR), None)
                key = (code or "+".join(v.code for v in found) or "clean", verdict)
                classes[key] += 1
                examples.setdefault(key, value)
        agree = outcomes[(True, True)] + outcomes[(False, False)]
        print(
            f"  {kind} vs {lib_name}: {agree:,}/{len(items):,} agree "
            f"({agree / max(len(items), 1):.2%}); both valid {outcomes[(True, True)]:,}, "
            f"both invalid {outcomes[(False, False)]:,}"
        )
        for (code, answer), count in classes.most_common():
            said = SAID.get(answer, f"raised {answer}")
            example = examples[(code, answer)]
            print(f"    {count:>6,}  ours {code:28} library {said:16} e.g. {example!r}")


if __name__ == "__main__":
    main()
