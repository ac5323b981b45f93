"""Operator-facing labels of the ``crm-core`` command in Chinese and English.

These are the command's own headings and column names, for the dealer's staff; texts sent
to customers live in the gettext catalogs of :mod:`crm_core.texts`.
"""

from __future__ import annotations

__all__ = ["LOCALES", "label"]

LOCALES = ("zh_CN", "en")

# key: (zh_CN, en)
_LABELS: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "row": ("行", "row"),
    "rule": ("规则", "rule"),
    "field": ("字段", "field"),
    "severity": ("级别", "severity"),
    "message": ("说明", "message"),
    "violations": ("问题记录", "Violations"),
    "no_violations": ("未发现问题。", "No violations found."),
    "check_summary": (
        "{rows} 行, {errors} 个错误, {warnings} 个警告",
        "{rows} rows, {errors} errors, {warnings} warnings",
    ),
    "completeness": ("填报率", "Completeness"),
    "measure": ("指标", "measure"),
    "filled": ("已填", "filled"),
    "of": ("总数", "of"),
    "share": ("比例", "share"),
    "target": ("目标", "target"),
    "met": ("达标", "met"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "checking": ("检查中", "checking"),
    "duplicates": ("疑似重复客户", "Likely duplicate customers"),
    "no_duplicates": ("未发现疑似重复客户。", "No likely duplicates found."),
    "group": ("组", "group"),
    "customers": ("客户", "customers"),
    "reasons": ("原因", "reasons"),
    "survivor": ("保留", "keeps"),
    "absorbed": ("合并", "merges"),
    "metric.plate_filled": ("车牌号填报率", "plate filled"),
    "metric.plate_valid": ("车牌号有效填报率", "valid plate"),
    "metric.email_filled": ("E-mail 填报率", "e-mail filled"),
    "metric.industry_or_occupation_filled": ("行业或职业填报率", "industry or occupation filled"),
    "planning": ("排程中", "planning"),
    "agenda_heading": (
        "{dealer} 今日待办 ({calendar}): {tasks} 项任务, {customers} 位客户",
        "{dealer} agenda ({calendar}): {tasks} tasks for {customers} customers",
    ),
    "nothing_due": ("今日无待办任务。", "Nothing is due."),
    "agenda_footer": (
        "推迟 {deferred} 项; 不联系: {skipped}",
        "deferred {deferred}; not contacted: {skipped}",
    ),
    "forecast_heading": ("{dealer} 任务预测 ({calendar})", "{dealer} forecast ({calendar})"),
    "date": ("日期", "date"),
    "due": ("时限", "due"),
    "customer": ("客户", "customer"),
    "assignee": ("负责人", "assignee"),
    "why": ("原因", "why"),
    "role.sales_consultant": ("销售顾问", "sales consultant"),
    "role.service_advisor": ("服务顾问", "service advisor"),
    "role.cr_representative": ("客服专员", "CR representative"),
    "role.cr_manager": ("客服经理", "CR manager"),
    "role.service_manager": ("服务经理", "service manager"),
    "role.general_manager": ("总经理", "general manager"),
    "merged_summary": (
        "已合并 {groups} 组, {absorbed} 个重复档案。",
        "Merged {groups} groups, {absorbed} duplicate files.",
    ),
}


def label(key: str, locale: str, **values: object) -> str:
    """The label ``key`` in ``locale`` (``zh_CN`` or ``en``), formatted with ``values``.

    >>> label("check_summary", "en", rows=3, errors=1, warnings=0)
    '3 rows, 1 errors, 0 warnings'
    """
    zh, en = _LABELS[key]
    text = en if locale == "en" else zh
    return text.format(**values) if values else text
