"""Seeded, deterministic demo data: a dealer (or a dealer group) with two years of history
and a realistic share of the seed's data defects, streamed one customer file at a time.

Used by ``crm-core demo``, by the benchmarks and by tests that need realistic records.
"""

from crm_core.demo.defects import DefectKind, DefectRates, PlantedDefect
from crm_core.demo.generator import (
    STOCK_CUSTOMER_NAME,
    CustomerFile,
    DemoConfig,
    DemoDealer,
    DemoGenerator,
    DemoRecord,
)

__all__ = [
    "STOCK_CUSTOMER_NAME",
    "CustomerFile",
    "DefectKind",
    "DefectRates",
    "DemoConfig",
    "DemoDealer",
    "DemoGenerator",
    "DemoRecord",
    "PlantedDefect",
]
