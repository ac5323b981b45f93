"""``crm-core check``: CSV exports in UTF-8 and GB18030, header mapping, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crm_core.cli import main

SALES = (
    "客户名称,手机,车身号,车牌号,使用性质,备注\n"
    "王先生,13812345678,LSVAU218XN2183294,沪A-12345,非营运,\n"
    "李娜,1381234567,LSVAU218XN2183294,沪A12345,营运,\n"
    "张伟,13912345678,LSVAU218XN2183294,沪B12345,非营运,\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def check_json(
    path: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, dict[str, Any]]:
    """``crm-core check PATH [options] --format json``: the exit status and the result."""
    code, out, _ = run(["check", str(path), *options, "--format", "json"], capsys)
    result: dict[str, Any] = json.loads(out)
    return code, result


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_sales_export_in_every_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    path = write(tmp_path, "sales.csv", SALES, encoding)
    code, out, err = run(["check", str(path), "--format", "json"], capsys)
    assert code == 1
    assert err == ""
    result = json.loads(out)
    assert result["kind"] == "sales"
    assert result["rows"] == 3
    found = [(v["row"], v["code"]) for v in result["violations"]]
    assert found == [
        (2, "NAME_TITLE"),
        (2, "PLATE_JOINING_SYMBOL"),
        (3, "PHONE_LENGTH"),
        (3, "USAGE_MISMATCH"),
    ]
    assert [(c["metric"], c["filled"], c["of"], c["met"]) for c in result["completeness"]] == [
        ("plate_filled", 3, 3, True),
        ("email_filled", 0, 3, False),
        ("industry_or_occupation_filled", 0, 3, False),
    ]


def test_text_output_lists_row_code_and_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "sales.csv", SALES, "gb18030")
    code, out, _ = run(["check", str(path), "--locale", "en"], capsys)
    assert code == 1
    assert "NAME_TITLE" in out
    assert "先生" in out
    assert "3 rows, 4 errors, 0 warnings" in out
    assert "e-mail filled" in out
    code, out, _ = run(["check", str(path)], capsys)
    assert "3 行, 4 个错误, 0 个警告" in out
    assert "│ error" not in out  # the severity in the operator's language
    assert "│ 错误" in out
    assert "车牌号填报率" in out


def test_missed_fill_rate_alone_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "sales.csv",
        "客户名称,手机,车身号,职业,E-mail\n王芳,13812345678,LSVAU218XN2183294,教师,wf@163.com\n",
    )
    code, result = check_json(path, capsys)
    assert result["errors"] == 0
    assert [c["metric"] for c in result["completeness"] if not c["met"]] == ["plate_filled"]
    assert code == 1


def test_clean_file_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "name,mobile,email,gender\n王芳,13812345678,wf@163.com,女\n李军,13912345678,,男\n",
    )
    code, out, _ = run(["check", str(path), "--locale", "en"], capsys)
    assert code == 0
    assert "No violations found." in out
    assert "2 rows, 0 errors, 0 warnings" in out


def test_kind_can_be_forced_and_is_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "v.csv", "VIN,车牌号\nLSVAU218XN2183295,A12345\n")
    code, result = check_json(path, capsys)
    assert result["kind"] == "vehicles"
    assert {v["code"] for v in result["violations"]} == {"VIN_CHECK_DIGIT", "PLATE_NO_PROVINCE"}
    assert code == 1


def test_repairs_reporter_company_and_bad_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "ro.csv",
        "工单号,车身号,车牌号,报修人,报修人电话,交车时间,维修类型\n"
        "RO1,LSVAU218XN2183294,沪A12345,上海宏达物流有限公司,13812345678,2026-11-20 17:30,保养\n"
        "RO2,LSVAU218XN2183294,沪A12345,王军,13812345678,2026-13-45,保养\n",
    )
    code, result = check_json(path, capsys)
    found = [(v["row"], v["code"]) for v in result["violations"]]
    assert (2, "NAME_COMPANY") in found
    assert (3, "CSV_DATE") in found
    assert code == 1


def test_header_mapping_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "c.csv", "联系手机,客户\n138-1234-567,王 芳\n")
    mapping = write(
        tmp_path,
        "map.toml",
        '[columns]\n"联系手机" = "customer.mobile"\n"客户" = "customer.name"\n',
    )
    code, result = check_json(path, capsys, "--columns", str(mapping))
    codes = [v["code"] for v in result["violations"]]
    assert codes == ["NAME_SPACE", "PHONE_LENGTH"]
    assert code == 1


def test_columns_the_mapping_does_not_know_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # unchecked, "联系手机" would only show as customers without a phone
    path = write(tmp_path, "c.csv", "客户名称,联系手机,VIN码\n王芳,1381234567,LSVAU218XN218329\n")
    _, result = check_json(path, capsys)
    assert result["ignored_columns"] == ["联系手机", "VIN码"]
    assert [v["code"] for v in result["violations"]] == ["CUSTOMER_NO_PHONE"]
    _, out, _ = run(["check", str(path), "--locale", "en"], capsys)
    assert out.endswith(
        "Columns not checked (not a known field; map them with --columns): 联系手机, VIN码\n"
    )
    columns = '"联系手机" = "customer.mobile"\n"VIN码" = "vehicle.vin"\n'
    mapping = ("--columns", str(write(tmp_path, "map.toml", columns)))
    _, result = check_json(path, capsys, *mapping)
    assert result["ignored_columns"] == []
    assert [v["code"] for v in result["violations"]] == ["PHONE_LENGTH", "VIN_LENGTH"]
    _, out, _ = run(["check", str(path), *mapping], capsys)
    assert "--columns" not in out


def test_staff_phone_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "c.csv", "name,mobile\n王芳,13800001111\n")
    code, out, _ = run(
        ["check", str(path), "--staff-phones", "138-0000-1111", "--format", "json"], capsys
    )
    assert [v["code"] for v in json.loads(out)["violations"]] == ["PHONE_STAFF_NUMBER"]
    assert code == 1


def test_ragged_rows_are_reported_not_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "c.csv", "name,mobile\n王芳,13812345678,extra\n李军\n")
    code, result = check_json(path, capsys)
    assert result["rows"] == 2
    assert [(v["row"], v["code"]) for v in result["violations"]][:2] == [
        (2, "CSV_ROW_LENGTH"),
        (3, "CSV_ROW_LENGTH"),
    ]
    assert code == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no header"),
        (b"\xff\xfe\x00\x00binary\x00junk", "neither UTF-8 nor GB18030"),
        (b"name\x00,mobile\n1,2\n", "NUL bytes"),
        (b"foo,bar\n1,2\n", "none of the headers is a known field"),
        (b"name,mobile\n", "no data rows"),
    ],
)
def test_unreadable_files_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run(["check", str(path)], capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", str(tmp_path / "missing.csv")], capsys)
    assert code == 2
    assert "no such file" in err
    code, _, err = run(["check"], capsys)
    assert code == 2
    code, _, err = run(["check", str(tmp_path), "--locale", "en"], capsys)
    assert code == 2
    assert err.startswith("crm-core: error: argument FILE.csv: not a file")
    path = write(tmp_path, "c.csv", "name\n王芳\n")
    code, _, err = run(["check", str(path), "--kind", "nonsense"], capsys)
    assert code == 2
    assert "invalid choice" in err
    bad_map = write(tmp_path, "m.toml", 'x = "customer.nonsense"\n')
    code, _, err = run(["check", str(path), "--columns", str(bad_map)], capsys)
    assert code == 2
    assert "unknown fields: customer.nonsense" in err
    code, _, err = run(["check", str(path), "--encoding", "klingon"], capsys)
    assert code == 2
    assert "not klingon" in err


def test_installed_script_runs(tmp_path: Path) -> None:
    path = write(tmp_path, "sales.csv", SALES, "gb18030")
    script = Path(sys.executable).with_name("crm-core")
    done = subprocess.run(
        [str(script), "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["errors"] == 4
    missing = subprocess.run(
        [str(script), "check", str(tmp_path / "nope.csv")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
