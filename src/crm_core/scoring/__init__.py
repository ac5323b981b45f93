"""Loyalty, churn, segments, KPIs and reports: pure functions over records."""
