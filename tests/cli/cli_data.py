"""The generated dealer the CLI tests run on (small, so the suite stays fast)."""

from __future__ import annotations

from datetime import date

from crm_core.demo import DemoConfig

TODAY = date(2026, 11, 23)
SMALL = DemoConfig(today=TODAY, dealers=2, customers_per_dealer=150, seed=7)
