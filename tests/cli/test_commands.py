"""``demo``, ``agenda``, ``report`` and ``dispatch`` through the entry point, on temporary
SQLite databases: output, exit statuses, idempotence and bad input."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from cli_data import SMALL, build_demo_db, fresh_copy

from crm_core.adapters.sql import SqlStorage
from crm_core.cli import main
from crm_core.cli._labels import LOCALES, code_label, label
from crm_core.cli._report import render_report
from crm_core.cli._ui import Ui
from crm_core.demo import DemoGenerator
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.contact import Channel
from crm_core.domain.ids import DealerId
from crm_core.scoring import Period, ThresholdOutcome, action_report, dealer_kpis


@pytest.fixture(scope="module")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    return fresh_copy(demo_db_template, tmp_path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def stored_tasks(path: Path) -> int:
    storage = SqlStorage.open(path)
    try:
        with storage.unit_of_work() as uow:
            return sum(len(uow.tasks.by_dealer(DealerId(d))) for d in ("D01", "D02"))
    finally:
        storage.close()


def test_agenda_lists_tasks_per_role_and_stores_them_once(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["agenda", "--db", str(demo_db), "--date", "2026-11-23", "--format", "json"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert [d["dealer"] for d in result["dealers"]] == ["D01", "D02"]
    assert [d["calendar"] for d in result["dealers"]] == ["svw", "dfpeugeot"]
    first = result["dealers"][0]
    assert sum(first["tasks"].values()) > 0
    assert first["stored"] == sum(first["tasks"].values()) + first["deferred"]
    for role, rows in first["by_role"].items():
        for row in rows:
            assert row["explanation"]
            assert row["rule"].startswith("svw.")
            assert row["due_from"] <= row["due_until"]
        assert len(rows) <= 20
        assert role in first["tasks"]
    stored = stored_tasks(demo_db)
    assert stored >= first["stored"]
    code, out, _ = run(argv, capsys)  # the same day again stores nothing new
    again = json.loads(out)
    assert [d["stored"] for d in again["dealers"]] == [0, 0]
    assert stored_tasks(demo_db) == stored


def test_agenda_text_role_calendar_and_forecast(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["agenda", "--db", str(demo_db), "--date", "2026-11-23", "--role", "sales_consultant",
         "--dealer", "D01", "--locale", "en", "--calendar", "skoda"],
        capsys,
    )  # fmt: skip
    assert code == 0
    assert "agenda (skoda)" in out
    assert "CR representative" not in out
    code, out, _ = run(
        ["agenda", "--db", str(demo_db), "--date", "2026-11-23", "--forecast", "7",
         "--format", "json"],
        capsys,
    )  # fmt: skip
    assert code == 0
    days = json.loads(out)["dealers"][0]["days"]
    assert [d["date"] for d in days][:2] == ["2026-11-23", "2026-11-24"]
    assert len(days) == 7
    assert sum(d.get("cr_representative", 0) for d in days) > 0


def test_agenda_text_says_what_it_leaves_out_in_the_operators_language(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["agenda", "--db", str(demo_db), "--date", "2026-11-23", "--dealer", "D01"]
    _, out, _ = run([*argv, "--format", "json"], capsys)
    result = json.loads(out)["dealers"][0]
    total, skipped = result["tasks"]["cr_representative"], result["skipped"]
    assert total > 1
    assert skipped  # the demo has customers who refused callbacks or want no calls
    for locale in LOCALES:
        _, text, _ = run([*argv, "--limit", "1", "--locale", locale], capsys)
        assert label("more_tasks", locale, hidden=total - 1) in text
        for reason, n in skipped.items():
            assert f"{label('skip.' + reason, locale)} {n}" in text
            assert reason not in text  # the label, not the code "refused_callbacks"


def test_agenda_with_a_calendar_file(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        'format = 1\nid = "mine"\nname = "Mine"\nversion = "1"\nextends = "svw"\n',
        encoding="utf-8",
    )
    code, out, err = run(
        ["agenda", "--db", str(demo_db), "--date", "2026-11-23", "--calendar", str(mine),
         "--format", "json"],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert {d["calendar"] for d in json.loads(out)["dealers"]} == {"mine"}
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\nid = "x"\nrules = 3\n', encoding="utf-8")
    code, out, err = run(["agenda", "--db", str(demo_db), "--calendar", str(broken)], capsys)
    assert code == 2
    assert out == ""
    assert "invalid calendar" in err
    assert "broken.toml" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--date", "2026-13-01"], "not a date (YYYY-MM-DD): '2026-13-01'"),
        (["--calendar", "bmw"], "unknown calendar 'bmw'"),
        (["--role", "janitor"], "invalid choice: 'janitor'"),
        (["--forecast", "0"], "must be at least 1"),
        (["--forecast", "99999999"], "at most 366 days: 99999999"),
        # the planner's dates run off the calendar: a typed error, not a traceback
        (["--date", "9999-12-31"], "a date falls outside the years 1 to 9999"),
        (["--date", "0001-01-01"], "a date falls outside the years 1 to 9999"),
        (["--dealer", "D99"], "no dealer 'D99' in the database"),
    ],
)
def test_agenda_bad_arguments(
    demo_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(["agenda", "--db", str(demo_db), *argv, "--locale", "en"], capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.startswith("crm-core: error: ")
    assert err.count("\n") == 1


def test_report_kpis_and_callback_report(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["report", "--db", str(demo_db), "--month", "2026-11", "--format", "json"], capsys
    )
    assert (code, err) == (0, "")
    reports = json.loads(out)["reports"]
    assert [(r["dealer"], r["month"]) for r in reports] == [("D01", "2026-11"), ("D02", "2026-11")]
    kpis = {k["code"]: k for k in reports[0]["kpis"]}
    assert kpis["owners_on_file"]["value"] > 100
    assert (
        kpis["lead_conversion_rate"]["value"] is None or kpis["lead_conversion_rate"]["denominator"]
    )
    assert set(reports[0]["callbacks"]) >= {"due", "made", "successful", "compliance"}
    code, out, _ = run(["report", "--db", str(demo_db), "--month", "2026-11"], capsys)
    assert "保有客户量" in out
    assert "回访月报" in out
    code, _, err = run(["report", "--db", str(demo_db), "--month", "2026-13"], capsys)
    assert code == 2
    assert "not a month (YYYY-MM)" in err


def test_agenda_says_which_texts_it_could_not_queue(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["agenda", "--db", str(demo_db), "--date", "2026-11-23", "--dealer", "D01"]
    with sqlite3.connect(demo_db) as db:  # customers nobody can text or mail
        db.execute("UPDATE customers SET mobile = NULL, email = NULL")
    _, out, _ = run([*argv, "--format", "json"], capsys)
    unsent = json.loads(out)["dealers"][0]["messages_not_queued"]
    assert unsent  # the day's SMS reminders had a text but no number to go to
    assert {u["reason"] for u in unsent} <= {
        "the customer has no mobile number",
        "the customer has no e-mail address",
    }
    per_channel = Counter(u["channel"] for u in unsent)
    for locale in LOCALES:
        _, text, _ = run([*argv, "--locale", locale], capsys)
        channels = ", ".join(
            f"{label('channel.' + c, locale)} {n}" for c, n in sorted(per_channel.items())
        )
        assert label("messages_not_queued", locale, channels=channels) in text
    assert all(label("channel." + c, loc) for c in Channel for loc in LOCALES)


def test_report_names_kpi_outcomes_in_the_operators_language(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert all(label("outcome." + o, loc) for o in ThresholdOutcome for loc in LOCALES)
    month = ["report", "--db", str(demo_db), "--month", "2026-11"]
    _, out, _ = run([*month, "--format", "json"], capsys)
    outcomes = {k["outcome"] for k in json.loads(out)["reports"][0]["kpis"]} - {None}
    assert outcomes  # the club KPIs have thresholds
    for locale in LOCALES:
        _, text, _ = run([*month, "--locale", locale], capsys)
        for outcome in outcomes:
            shown = label("outcome." + outcome, locale)
            assert shown in text
            assert shown == outcome or outcome not in text  # not the code: "scores_zero"


def test_report_names_standard_issues_and_windows_in_the_operators_language(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert all(label("anchor." + kind, loc) for kind in AnchorKind for loc in LOCALES)
    assert code_label("issue", "a_host_code", "zh_CN") == "a_host_code"  # unknown: as it is
    _, out, _ = run(
        ["report", "--db", str(demo_db), "--month", "2026-11", "--format", "json"], capsys
    )
    report = json.loads(out)["reports"][0]
    issues = {i["issue"] for i in report["callbacks"]["top_issues"]}
    issues |= {o["issue"] for o in report["actions"]["overdue"]}
    assert issues  # the demo's callbacks find seed 002's reasons for dissatisfaction
    # the small demo has no callback window due this month: show the report one
    window = {"window": "repair_handed_back", "days": "3-7", "due": 2, "inside": 1}
    report["callbacks"]["compliance"] = [{**window, "early": 0, "late": 1, "not_done": 0}]
    for locale in LOCALES:
        shown = io.StringIO()
        render_report(Ui(locale=locale, stdout=shown), report)
        text = shown.getvalue()
        codes = [("anchor", "repair_handed_back"), *(("issue", i) for i in issues)]
        for kind, code in codes:
            assert code_label(kind, code, locale) in text
            if locale == "zh_CN":  # JSON keeps the code; the operator reads Chinese
                assert code not in text, code


@pytest.mark.parametrize("before", [True, False], ids=["before-command", "after-command"])
def test_format_and_locale_work_before_and_after_the_command(
    demo_db: Path, capsys: pytest.CaptureFixture[str], before: bool
) -> None:
    # `crm-core --help` shows them before the command; they used to be ignored there
    command = ["report", "--db", str(demo_db), "--month", "2026-11"]
    for options, looks_right in (
        (["--format", "json"], lambda out: json.loads(out)["reports"][0]["month"] == "2026-11"),
        (["--locale", "en"], lambda out: "report for 2026-11" in out and "月报" not in out),
    ):
        code, out, err = run(options + command if before else command + options, capsys)
        assert (code, err) == (0, "")
        assert looks_right(out), options


def test_report_feeds_policies_surveys_and_actions(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report reads the month's terms, their renewals and the surveys through the
    store's range queries; the figures equal the KPIs over every generated record."""
    code, out, err = run(
        ["report", "--db", str(demo_db), "--month", "2026-10", "--format", "json"], capsys
    )
    assert (code, err) == (0, "")
    reports = json.loads(out)["reports"]
    gen = DemoGenerator(SMALL)
    october = Period.month(2026, 10)
    bases: dict[str, int] = {}
    for report, dealer in zip(reports, gen.dealers(), strict=True):
        did = DealerId(dealer.dealer.id)
        files = list(gen.dealer_files(dealer))
        expected = dealer_kpis(
            october,
            policies=[p for f in files for p in f.insurance_policies],
            surveys=[s for f in files for s in f.survey_responses],
            dealer_id=did,
        )[did]
        kpis = {k["code"]: k for k in report["kpis"]}
        for kpi in ("insurance_renewal_rate", "sales_satisfaction", "after_sales_satisfaction"):
            assert (kpis[kpi]["numerator"], kpis[kpi]["denominator"]) == (
                expected[kpi].numerator,
                expected[kpi].denominator,
            )
            bases[kpi] = bases.get(kpi, 0) + kpis[kpi]["denominator"]
        surveys = {s["kind"]: s for s in report["surveys"]}
        for kind in ("sales", "after_sales"):
            assert surveys[kind]["responses"] == kpis[f"{kind}_satisfaction"]["denominator"]
        actions = action_report(
            dealer.actions,
            date(2026, 10, 31),  # a past month is reported as of its last day
            period=october,
            issues=[i["issue"] for i in report["callbacks"]["top_issues"]],
        )
        assert actions.closed_on_time is not None
        assert report["actions"]["as_of"] == "2026-10-31"
        assert report["actions"]["open"] == actions.open
        assert [(o["id"], o["days_overdue"]) for o in report["actions"]["overdue"]] == [
            (o.id, o.days_overdue) for o in actions.overdue
        ]
        on_time = report["actions"]["closed_on_time"]
        assert (on_time["numerator"], on_time["denominator"]) == (
            actions.closed_on_time.numerator,
            actions.closed_on_time.denominator,
        )
        assert report["actions"]["issues_without_action"] == list(actions.issues_without_action)
    # the demo has the data: none of these KPIs is "n/a" over the group
    assert all(base > 0 for base in bases.values()), bases
    code, out, _ = run(
        ["report", "--db", str(demo_db), "--month", "2026-10", "--locale", "en"], capsys
    )
    assert code == 0
    assert "Satisfaction surveys" in out
    assert "Corrective actions (as of 2026-10-31)" in out


def test_dispatch_sends_what_the_agenda_queued(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["agenda", "--db", str(demo_db), "--date", "2026-11-23", "--format", "json"], capsys
    )
    queued = sum(d["messages_queued"] for d in json.loads(out)["dealers"])
    log = tmp_path / "sent.txt"
    code, out, err = run(
        ["dispatch", "--db", str(demo_db), "--out", str(log), "--format", "json"], capsys
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["claimed"] == report["sent"] + report["deferred"] + report["suppressed"]
    assert report["claimed"] <= queued
    text = log.read_text(encoding="utf-8")
    assert text.count("--- SMS to ") + text.count("--- E-mail to ") == report["sent"]
    assert "****" in text or report["sent"] == 0  # recipients masked by default
    code, out, _ = run(["dispatch", "--db", str(demo_db), "--format", "json"], capsys)
    assert json.loads(out)["sent"] == 0  # nothing is sent twice


def test_demo_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.db"
    argv = ["demo", "--db", str(path), "--customers", "60", "--seed", "5", "--format", "json"]
    argv += ["--today", "2026-11-23"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["records"] > 500
    assert result["today"] == "2026-11-23"
    quality = result["quality"]
    assert quality["defects_planted"] > 0
    assert quality["records_with_errors"] > 0
    assert {r["code"] for r in quality["by_rule"]} & {"NAME_TITLE", "PLATE_NO_PROVINCE"}
    assert [line["metric"] for line in quality["sale_reports"]] == [
        "plate_filled",
        "email_filled",
        "industry_or_occupation_filled",
    ]
    assert result["agenda"]["dealers"][0]["calendar"] == "svw"
    assert result["reports"][0]["kpis"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "exists; use --force" in err
    code, out, _ = run([*argv, "--force", "--locale", "en"], capsys)
    assert code == 0
    text = [a for a in argv if a not in ("--format", "json")]
    code, out, _ = run([*text, "--force"], capsys)
    assert code == 0
    assert "│ 错误" in out  # the quality table's severities in the operator's language
    assert "│ error" not in out
    code, _, err = run(["demo", "--db", str(tmp_path / "no" / "dir.db")], capsys)
    assert code == 2
    assert "no directory" in err
    code, _, err = run(["demo", "--customers", "zero"], capsys)
    assert code == 2
    assert "not a number" in err


def test_installed_script_demo_and_agenda(tmp_path: Path) -> None:
    script = str(Path(sys.executable).with_name("crm-core"))
    path = tmp_path / "crm.db"
    done = subprocess.run(
        [script, "demo", "--db", str(path), "--customers", "50", "--locale", "en"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Record quality" in done.stdout
    assert "Next: crm-core agenda" in done.stdout
    bad = subprocess.run(
        [script, "agenda", "--db", str(path), "--date", "yesterday"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "not a date" in bad.stderr
