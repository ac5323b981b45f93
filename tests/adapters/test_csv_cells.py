"""CSV cells that parse as numbers but are none (NaN, Infinity) or lose digits: a reported
problem on the row, never an exception and never a silently changed value."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.adapters.csv_import import HeaderMapping, ParsedRow, RecordKind, parse_row, read_rows
from crm_core.domain.rules import SaleReport

VIN = "LSVAU218XN2183294"


def _sale(price: str, mileage: str) -> ParsedRow:
    text = f"客户名称,车身号,成交价,里程\n王军,{VIN},{price},{mileage}\n"
    (row,) = read_rows(io.BytesIO(text.encode("utf-8")))
    return parse_row(RecordKind.SALES, row, HeaderMapping.default())


def _problems(parsed: ParsedRow) -> set[tuple[str, str]]:
    return {(p.code, p.field) for p in parsed.problems}


@pytest.mark.parametrize("cell", ["NaN", "-Infinity", "Infinity", "sNaN", "1e999999999999"])
def test_a_mileage_that_is_no_number_is_a_problem(cell: str) -> None:
    # int(Decimal("NaN")) raised ValueError, int(Decimal("Infinity")) OverflowError
    parsed = _sale("150000", cell)
    assert ("CSV_NUMBER", "vehicle.mileage_km") in _problems(parsed)


@given(km=st.decimals(min_value=0, max_value=10**7, places=1).filter(lambda d: d % 1 != 0))
def test_a_fractional_mileage_is_a_problem_not_cut(km: Decimal) -> None:
    parsed = _sale("150000", str(km))
    assert ("CSV_NUMBER", "vehicle.mileage_km") in _problems(parsed)


@given(km=st.integers(0, 10**9))
def test_a_whole_mileage_is_read_exactly(km: int) -> None:
    parsed = _sale("150000", f"{km}.0")
    assert isinstance(parsed.record, SaleReport)
    assert parsed.record.vehicle.mileage_km == km
    assert not _problems(parsed)


@pytest.mark.parametrize("cell", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_a_price_that_is_no_amount_is_a_problem(cell: str) -> None:
    # Decimal("NaN") was stored as the sale's amount without a word
    parsed = _sale(cell, "5")
    assert ("CSV_NUMBER", "sale.amount") in _problems(parsed)
