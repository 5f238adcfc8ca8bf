"""``kexie report …`` from the command line: the workflow, status board, masking, config."""

from __future__ import annotations

import json

import pytest

AS_YISHUI = ("--as", "371323")


@pytest.fixture
def cli(kexie_linyi, kexie_cli):
    kexie_linyi.update_unit("371302", contact_name="王敏", contact_phone="13912345678")
    return kexie_cli


def test_submit_return_resubmit_accept_show(cli, tmp_path) -> None:
    narrative = tmp_path / "q1.txt"
    narrative.write_text("一季度开展科技人员培训班3期，参训280人次。", encoding="utf-8")
    out = cli(
        *AS_YISHUI,
        "report",
        "submit",
        "-p",
        "2026Q1",
        "--narrative-file",
        str(narrative),
        "--on",
        "2026-04-08",
    ).stdout
    assert "已报送" in out and "按时" in out and "2026年第一季度" in out
    refused = cli("report", "return", "-u", "371323", "-p", "2026Q1", expect=2)
    assert "--reason" in refused.stderr
    cli("report", "return", "-u", "371323", "-p", "2026年第一季度", "--reason", "请补充数据")
    cli(*AS_YISHUI, "report", "submit", "-p", "2026Q1", "--on", "2026年4月12日")
    own = cli(*AS_YISHUI, "report", "accept", "-u", "371323", "-p", "2026Q1", expect=3)
    assert "its own report" in own.stderr
    cli("report", "accept", "-u", "371323", "-p", "2026Q1")
    shown = cli.json(*AS_YISHUI, "report", "show", "-p", "2026Q1")
    assert shown["report"]["status"] == "accepted"
    assert shown["report"]["narrative"].startswith("一季度")
    assert shown["report"]["late"] is True
    assert [e["action"] for e in shown["history"]] == [
        "new",
        "submit",
        "return",
        "submit",
        "accept",
    ]
    assert shown["history"][2]["reason"] == "请补充数据"
    table = cli(*AS_YISHUI, "report", "show", "-p", "2026Q1").stdout
    assert "已审核通过" in table and "审核记录" in table and "请补充数据" in table
    # The return's reason is history now: in the history table, not in the report's facts.
    reason_line = next(line for line in table.splitlines() if "退回/重开理由" in line)
    assert "请补充数据" not in reason_line
    assert "新建" in table and "审核通过" in table  # the history's actions, in Chinese
    listed = cli.json("report", "list", "-p", "2026Q1")
    assert [(r["unit"], r["status"]) for r in listed] == [("371323", "accepted")]
    # The row keeps the latest reason (JSON), but the list no longer shows a settled return's
    # reason as if it were still open; a returned report's reason shows until it is accepted.
    assert listed[0]["reason"] == "请补充数据"
    assert "请补充数据" not in cli("report", "list", "-p", "2026Q1").stdout
    assert "请补充数据" not in cli("report", "list", "-p", "2026Q1", "--format", "csv").stdout
    cli("report", "reopen", "-u", "371323", "-p", "2026Q1", "--reason", "补录培训数据")
    assert "补录培训数据" in cli("report", "list", "-p", "2026Q1").stdout


def test_illegal_step_and_bad_period_exit_with_a_message(cli) -> None:
    result = cli("report", "accept", "-u", "371323", "-p", "2026Q1", expect=4)
    assert "no report" in result.stderr
    bad = cli(*AS_YISHUI, "report", "new", "-p", "2026Q9", expect=1)
    assert "not a reporting period" in bad.stderr
    cli(*AS_YISHUI, "report", "new", "-p", "2026Q1", "--narrative", "草稿")
    again = cli("report", "accept", "-u", "371323", "-p", "2026Q1", expect=1)
    assert "draft" in again.stderr and "possible now: submit" in again.stderr
    cli(*AS_YISHUI, "report", "edit", "-p", "2026Q1", "--narrative", "第二稿")
    assert cli.json(*AS_YISHUI, "report", "show", "-p", "2026Q1")["report"]["narrative"] == "第二稿"


def test_status_lists_missing_units_worst_first_with_masked_contacts(cli) -> None:
    cli(*AS_YISHUI, "report", "submit", "-p", "2026Q1", "--on", "2026-04-08")
    cli("--as", "GXQ", "report", "submit", "-p", "2026Q1", "--on", "2026-04-15")
    rows = cli.json("report", "status", "-p", "2026Q1", "--on", "2026-04-20")
    assert [(r["code"], r["state"]) for r in rows] == [
        ("371302", "overdue"),
        ("E-YS01", "overdue"),
        ("S-NXH", "overdue"),
        ("GXQ", "late"),
        ("371323", "on_time"),
    ]
    assert rows[0]["contact_phone"] == "139****5678" and rows[0]["days_overdue"] == 10
    text = cli("report", "status", "-p", "2026Q1", "--on", "2026-04-20").stdout
    assert "13912345678" not in text and "逾期未报" in text
    assert "应报 5，已报 2（按时 1，逾期 1），未报 3（其中逾期 3），报送率 40.0%" in text
    empty = cli("report", "status", "-p", "2026")
    assert "no unit" not in empty.stdout and "没有应报送的单位" in empty.stderr
    missing = cli.json("report", "status", "-p", "2026Q1", "--on", "2026-04-20", "--missing")
    assert {r["code"] for r in missing} == {"371302", "E-YS01", "S-NXH"}
    full = cli.json("report", "status", "-p", "2026Q1", "--include-personal")
    assert full[0]["contact_phone"] == "13912345678"
    refused = cli(*AS_YISHUI, "report", "status", "-p", "2026Q1", "--include-personal", expect=3)
    assert "only the root" in refused.stderr
    rollup = cli.json("report", "status", "-p", "2026Q1", "--rollup", "--on", "2026-04-20")
    top = next(r for r in rollup if r["code"] == "371300")
    assert (top["expected"], top["submitted"], top["on_time"], top["late"], top["missing"]) == (
        5,
        2,
        1,
        1,
        3,
    )
    assert top["completeness"] == pytest.approx(0.4)
    csv = cli("--lang", "en", "report", "status", "-p", "2026Q1", "--rollup", "--format", "csv")
    assert csv.stdout.splitlines()[0].startswith("code,name,expected,submitted,on time")
    assert "40.0%" in csv.stdout


def test_config_show_set_reset(cli, tmp_path) -> None:
    shown = cli("report", "config").stdout
    assert 'period = "quarter"' in shown and "due_days = 10" in shown
    custom = tmp_path / "rules.toml"
    custom.write_text(
        '[[periodic]]\nkinds = ["乡镇（街道）科协"]\nperiod = "month"\ndue_days = 5\n',
        encoding="utf-8",
    )
    refused = cli(*AS_YISHUI, "report", "config", "--set", str(custom), expect=3)
    assert "only the root" in refused.stderr
    out = cli("report", "config", "--set", str(custom)).stdout
    assert 'kinds = ["township"]' in out and 'period = "month"' in out
    assert cli.json("report", "status", "-p", "2026-03")[0]["code"] == "371323-YC"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[periodic]]\nkinds = ["county"]\nperiod = "week"\ndue_days = 1\n')
    result = cli("report", "config", "--set", str(bad), expect=1)
    assert "periodic.0.period" in result.stderr
    assert "due_days = 10" in cli("report", "config", "--reset").stdout


def test_report_group_is_open_for_extension(cli) -> None:
    from kexie_core.cli.report_cmd import report

    names = set(report.commands)
    assert {"new", "submit", "return", "accept", "reopen", "show", "status"} <= names
    help_text = cli("report", "--help").stdout
    for name in ("submit", "return", "accept", "reopen", "status"):
        assert name in help_text
    assert json.loads(cli("report", "list", "--format", "json").stdout) == []


def test_show_masks_personal_numbers_typed_into_the_narrative_and_reasons(cli) -> None:
    typed = "联系人王敏 13912345678，身份证 11010519491231002X，座机 0539-8123456。"
    cli(*AS_YISHUI, "report", "submit", "-p", "2026Q1", "--narrative", typed, "--on", "2026-04-08")
    cli("report", "return", "-u", "371323", "-p", "2026Q1", "--reason", f"请核实 {typed}")
    for fmt in ("table", "json"):
        out = cli(*AS_YISHUI, "report", "show", "-p", "2026Q1", "--format", fmt).stdout
        for number in ("13912345678", "11010519491231002X", "8123456"):
            assert number not in out, (fmt, number)
        assert "139****5678" in out and "110**************X" in out
    listed = cli("report", "list", "-p", "2026Q1", "--format", "json").stdout
    assert "13912345678" not in listed


def test_common_errors_are_explained_in_chinese_then_english(cli) -> None:
    outside = cli(*AS_YISHUI, "units", "tree", "--unit", "371302", expect=3).stderr
    assert "无权查看或修改单位 371302：它不在 371323 的下级范围内" in outside
    assert "outside 371323's subtree" in outside
    unknown = cli("--as", "NOPE", "units", "tree", expect=4).stderr
    assert "单位 NOPE 不存在" in unknown and "does not exist" in unknown
    missing = cli("report", "return", "-u", "371323", "-p", "2026Q1", "--reason", "x", expect=4)
    assert "还没有 2026Q1 的报告" in missing.stderr
    cli(*AS_YISHUI, "report", "submit", "-p", "2026Q1", "--on", "2026-04-08")
    own = cli(*AS_YISHUI, "report", "accept", "-u", "371323", "-p", "2026Q1", expect=3).stderr
    assert "不能审核通过（accept）本单位的报告" in own and "its own report" in own
    cli("report", "accept", "-u", "371323", "-p", "2026Q1")
    again = cli(*AS_YISHUI, "report", "submit", "-p", "2026Q1", expect=1).stderr
    assert "不能报送；现在可以：重新打开（reopen）" in again and "possible now: reopen" in again
    rubric = cli("evaluate", "--period", "2026", "--rubric", "本市细则.toml", expect=None).stderr
    assert "考核细则文件 本市细则.toml 不存在" in rubric
    # In English, the English alone (the prefix stays bilingual, as it is for every error).
    english = cli("--lang", "en", *AS_YISHUI, "units", "tree", "--unit", "371302", expect=3)
    assert "outside 371323's subtree" in english.stderr
    assert "无权" not in english.stderr and english.stderr.startswith("错误 Error:")


def test_a_refused_record_is_explained_in_chinese_as_the_error_file_does(cli, kexie_linyi):
    from kexie_core.cli.errors import error_text
    from kexie_core.model.errors import InvalidRecord

    cli(*AS_YISHUI, "report", "submit", "-p", "2026Q1", "--on", "2026-04-08")
    cli("report", "accept", "-u", "371323", "-p", "2026Q1")
    yishui = kexie_linyi.workspace.as_unit("371323")
    with pytest.raises(InvalidRecord) as locked:
        yishui.add_work_item({"kind": "training", "unit": "371323", "title": "培训",
                              "started_on": "2026-02-01"})  # fmt: skip
    text = error_text(str(locked.value), locked.value.problems)
    assert "已审核通过" in text and "重新打开" in text and "was accepted" in text
