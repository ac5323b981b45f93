"""Operator-facing labels of the ``crm-core`` command in Chinese and English.

These are the command's own headings and column names, for the dealer's staff; texts sent
to customers live in the gettext catalogs of :mod:`crm_core.texts`.
"""

from __future__ import annotations

__all__ = ["LOCALES", "code_label", "label"]

LOCALES = ("zh_CN", "en")

# key: (zh_CN, en)
_LABELS: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "row": ("行", "row"),
    "rule": ("规则", "rule"),
    "field": ("字段", "field"),
    "severity": ("级别", "severity"),
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
    "message": ("说明", "message"),
    "violations": ("问题记录", "Violations"),
    "no_violations": ("未发现问题。", "No violations found."),
    "check_summary": (
        "{rows} 行, {errors} 个错误, {warnings} 个警告",
        "{rows} rows, {errors} errors, {warnings} warnings",
    ),
    "ignored_columns": (
        "未检查的列 (不是已知字段, 请用 --columns 映射): {columns}",
        "Columns not checked (not a known field; map them with --columns): {columns}",
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
    "kpi.inbound_calls": ("来电量", "inbound calls"),
    "kpi.showroom_visits": ("来店量", "showroom visits"),
    "kpi.filing_rate": ("留档率", "filing rate"),
    "kpi.lead_conversion_rate": ("销售线索转化率", "lead conversion rate"),
    "kpi.test_drive_rate": ("试乘试驾率", "test-drive rate"),
    "kpi.closing_rate": ("成交率", "closing rate"),
    "kpi.prospect_loss_rate": ("潜在客户流失率", "prospect loss rate"),
    "kpi.delivery_ceremony_rate": ("新车交付仪式率", "delivery ceremony rate"),
    "kpi.sales_callback_rate": ("售时客户回访率", "sales callback rate"),
    "kpi.sales_satisfaction": ("售时满意度", "sales satisfaction"),
    "kpi.owners_on_file": ("保有客户量", "owners on file"),
    "kpi.workshop_visits": ("维修/保养台次", "workshop visits"),
    "kpi.lost_owners": ("售后流失客户", "lost owners"),
    "kpi.long_lost_owners": ("长期流失客户", "long-lost owners"),
    "kpi.appointment_rate": ("预约维修/保养率", "appointment rate"),
    "kpi.referral_rate": ("老客户推荐率", "referral rate"),
    "kpi.repurchases": ("再次购车量", "repurchases"),
    "kpi.insurance_renewal_rate": ("续保率", "insurance renewal rate"),
    "kpi.after_sales_callback_rate": ("售后客户回访率", "after-sales callback rate"),
    "kpi.after_sales_satisfaction": ("售后满意度", "after-sales satisfaction"),
    "kpi.cumulative_enrolment_rate": ("累计入会率", "cumulative club enrolment"),
    "kpi.period_enrolment_rate": ("当期入会率", "club enrolment in the period"),
    "kpi.member_activity_rate": ("会员活跃度", "member activity"),
    "reporting": ("统计中", "reporting"),
    "report_heading": ("{dealer} {month} 月报", "{dealer} report for {month}"),
    "kpis": ("关键指标", "KPIs"),
    "kpi": ("指标", "KPI"),
    "value": ("数值", "value"),
    "numerator": ("分子", "numerator"),
    "denominator": ("分母", "denominator"),
    "outcome": ("考核", "outcome"),
    "outcome.met": ("达标", "met"),
    "outcome.not_eligible": ("不具备评奖资格", "not eligible"),
    "outcome.scores_zero": ("该项不得分", "scores 0"),
    "callback_report": ("回访月报", "Monthly callback report"),
    "callbacks_due": ("应回访数量", "callbacks due"),
    "callbacks_made": ("实施回访数量", "callbacks made"),
    "callbacks_successful": ("成功回访数量", "successful callbacks"),
    "satisfaction": ("维修满意度", "satisfaction with the repair"),
    "question": ("问题", "question"),
    "issue": ("客户反映问题", "issue raised"),
    "compliance": ("回访时限执行", "Callback windows kept"),
    "window": ("时限", "window"),
    "days": ("天数", "days"),
    "inside": ("按时", "on time"),
    "late": ("逾期", "late"),
    "not_done": ("未回访", "not done"),
    "surveys": ("满意度调查", "Satisfaction surveys"),
    "survey": ("调查", "survey"),
    "survey.sales": ("售时满意度 (SSI)", "sales (SSI)"),
    "survey.after_sales": ("售后满意度 (CSI)", "after-sales (CSI)"),
    "responses": ("答卷数", "responses"),
    "overall": ("总体满意度", "overall"),
    "completely_satisfied": ("总体完全满意率", "completely satisfied"),
    "definitely_recommend": ("肯定推荐率", "definitely recommend"),
    "actions_heading": ("整改措施 (截至 {as_of})", "Corrective actions (as of {as_of})"),
    "actions_open": ("未完成措施", "open actions"),
    "actions_overdue": ("逾期措施", "overdue actions"),
    "actions_closed_on_time": ("本月按期完成", "closed on time this month"),
    "issue_without_action": ("尚无措施的问题", "issue without an action"),
    "action": ("措施", "action"),
    "owner": ("负责人", "owner"),
    "deadline": ("完成期限", "deadline"),
    "days_overdue": ("逾期天数", "days overdue"),
    "generating": ("生成演示数据", "generating the demo"),
    "demo_heading": (
        "演示数据库 {path}: {records} 条记录",
        "Demo database {path}: {records} records",
    ),
    "quality_heading": (
        "档案质量: 检查 {checked} 条记录, {errors} 条有错误 (植入缺陷 {planted} 个)",
        "Record quality: {checked} records checked, {errors} with errors "
        "({planted} defects planted)",
    ),
    "count": ("数量", "count"),
    "demo_next": (
        "用时 {seconds} 秒。下一步: crm-core agenda --db {path} / crm-core report --db {path}",
        "Done in {seconds} s. Next: crm-core agenda --db {path} / crm-core report --db {path}",
    ),
    "merging": ("合并中", "merging"),
    "db_current": ("{db} 已是最新版本 {revision}。", "{db} is at the newest revision {revision}."),
    "db_upgraded": (
        "{db} 已从 {before} 升级到 {after}。",
        "{db} upgraded from {before} to {after}.",
    ),
    "completeness_sales": ("售车申报填报率", "Completeness of the sale reports"),
    "completeness_repairs": ("维修工单填报率", "Completeness of the repair orders"),
    "dispatch_summary": (
        "取出 {claimed} 条: 已发送 {sent}, 重试 {retried}, 搁置 {parked}, "
        "拦截 {suppressed}, 推迟 {deferred}",
        "claimed {claimed}: sent {sent}, retried {retried}, parked {parked}, "
        "suppressed {suppressed}, deferred {deferred}",
    ),
    "planning": ("排程中", "planning"),
    "agenda_heading": (
        "{dealer} 今日待办 ({calendar}): {tasks} 项任务, {customers} 位客户",
        "{dealer} agenda ({calendar}): {tasks} tasks for {customers} customers",
    ),
    "nothing_due": ("今日无待办任务。", "Nothing is due."),
    "more_tasks": (
        "另有 {hidden} 项未列出 (crm-core agenda --limit N 列出更多)",
        "{hidden} more not listed (crm-core agenda --limit N lists more)",
    ),
    "skip.do_not_disturb": ("免打扰", "do not disturb"),
    "skip.blacklisted": ("黑名单", "blacklisted"),
    "skip.refused_callbacks": ("拒绝回访", "refused callbacks"),
    "skip.channel_opt_out": ("已退订该渠道", "opted out of the channel"),
    "skip.attempts_exhausted": ("多次联系未果", "attempts exhausted"),
    "agenda_footer": (
        "推迟 {deferred} 项; 不联系: {skipped}",
        "deferred {deferred}; not contacted: {skipped}",
    ),
    "messages_not_queued": (
        "未能生成的客户短信/邮件: {channels} (原因见 --format json)",
        "texts not queued: {channels} (reasons in --format json)",
    ),
    "channel.phone": ("电话", "phone"),
    "channel.sms": ("短信", "SMS"),
    "channel.email": ("电邮", "e-mail"),
    "channel.mail": ("直邮", "mail"),
    "channel.in_person": ("到店", "in person"),
    "channel.wechat": ("微信", "WeChat"),
    "channel.app": ("App", "app"),
    "channel.internal": ("内部", "internal"),
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
    # what a callback window is counted from (AnchorKind values, the default window keys)
    "anchor.sale": ("签约", "sale"),
    "anchor.delivery": ("新车交付", "delivery"),
    "anchor.repair_handed_back": ("维修交车", "repair handed back"),
    "anchor.first_registration": ("初次登记", "first registration"),
    "anchor.birthday": ("生日", "birthday"),
    "anchor.insurance_expiry": ("保险到期", "insurance expiry"),
    "anchor.warranty_end": ("质保到期", "warranty end"),
    "anchor.last_visit": ("最近进厂", "last workshop visit"),
    "anchor.holiday": ("节日", "festival"),
    "anchor.dissatisfaction": ("客户不满意", "dissatisfaction"),
    "anchor.complaint": ("客户投诉", "complaint"),
    "anchor.first_contact": ("首次接触", "first contact"),
    "anchor.test_drive": ("试乘试驾", "test drive"),
    "anchor.club_enrolment": ("入会", "club enrolment"),
    "anchor.inspection_due": ("年检到期", "inspection due"),
    "anchor.not_reached": ("回访未接通", "callback not reached"),
    # seed 002's reasons for dissatisfaction (客户不满意原因调查), as issue codes
    "issue.repair_quality": ("维修质量", "repair quality"),
    "issue.trust": ("信任度", "trust"),
    "issue.emotional_care": ("情感维系", "emotional care"),
    "issue.staff": ("人员素养", "staff"),
    "issue.owner_events": ("车主活动", "owner events"),
    "issue.convenience": ("便捷性", "convenience"),
    "issue.comfort": ("舒适度", "comfort"),
}


def label(key: str, locale: str, **values: object) -> str:
    """The label ``key`` in ``locale`` (``zh_CN`` or ``en``), formatted with ``values``.

    >>> label("check_summary", "en", rows=3, errors=1, warnings=0)
    '3 rows, 1 errors, 0 warnings'
    """
    zh, en = _LABELS[key]
    text = en if locale == "en" else zh
    return text.format(**values) if values else text


def code_label(kind: str, code: str, locale: str) -> str:
    """The label of a code the host's data chooses (an issue, a callback window), known
    when the standards name it (``issue.repair_quality``), else the code as it is.

    >>> code_label("issue", "repair_quality", "zh_CN"), code_label("issue", "rust", "zh_CN")
    ('维修质量', 'rust')
    """
    key = f"{kind}.{code}"
    return label(key, locale) if key in _LABELS else code
