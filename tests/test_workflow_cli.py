"""``kexie matters``, ``kexie suggestions`` and ``kexie tasks`` from the command line."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli(kexie_linyi, kexie_cli):
    kexie_linyi.add_member({"member_no": "YS001", "name": "王芳", "unit": "371323"})
    return kexie_cli


def test_matters(cli) -> None:
    out = cli(
        "--as", "371323-YC", "matters", "new", "--title", "暴雨致农技站受损",
        "--text", "夜间暴雨", "--occurred-on", "2026-07-01", "--urgency", "紧急",
        "--attachment", "http://a.cn/1.jpg", "--on", "2026-07-02",
    ).stdout  # fmt: skip
    assert "已报告重要情况 1" in out and "报 371323" in out and "及时" in out
    listed = cli.json("--as", "371323", "matters", "list")
    assert [(m["id"], m["urgency"], m["timely"], m["attachments"]) for m in listed] == [
        (1, "urgent", True, ["http://a.cn/1.jpg"])
    ]
    cli("--as", "371302", "matters", "ack", "1", expect=4)
    cli("matters", "ack", "1", expect=3)
    cli("--as", "371323", "matters", "ack", "1", "--note", "已派人", "--on", "2026-07-02")
    shown = cli.json("matters", "show", "1")
    assert (shown["acknowledged_by"], shown["ack_note"]) == ("371323", "已派人")
    stats = cli.json("matters", "stats", "-p", "2026Q3")
    assert stats[0]["code"] == "371300" and stats[0]["matters"] == 1
    table = cli("matters", "list").stdout
    assert "紧急" in table and "暴雨" in table
    bad = cli("--as", "371323", "matters", "new", "--title", "x", "--text", "y",
              "--occurred-on", "2026-13-01", expect=2)  # fmt: skip
    assert "not a real date" in bad.stderr


def test_suggestions(cli) -> None:
    cli(
        "--as", "371323", "suggestions", "new", "--title", "关于建设科技工作者之家的建议",
        "--text", "建议……", "--author", "YS001", "--on", "2026-05-01",
    )  # fmt: skip
    cli("suggestions", "forward", "1", "--to", "中共临沂市委办公室", "--on", "2026-05-03")
    cli("suggestions", "adopt", "1", "--note", "已采纳", "--on", "2026-06-01")
    again = cli("suggestions", "close", "1", expect=1)
    assert "cannot be closed" in again.stderr
    rows = cli.json("suggestions", "list")
    assert [(s["status"], s["forwarded_to"], s["authors"]) for s in rows] == [
        ("adopted", "中共临沂市委办公室", ["YS001 王芳"])
    ]
    stats = cli.json("suggestions", "stats", "-p", "2026")
    assert (stats[0]["total"], stats[0]["adopted"]) == (1, 1)
    assert "已采纳" in cli("suggestions", "stats").stdout
    missing = cli("suggestions", "new", "--title", "t", "--text", "x", "--author", "NOPE", expect=1)
    assert "NOPE" in missing.stderr


def test_tasks(cli) -> None:
    out = cli(
        "tasks", "issue", "--title", "推进科技工作者之家建设", "--goal", "6月底前建成",
        "--lead", "371323", "--assist", "GXQ", "--due", "2026-06-30", "--on", "2026-03-01",
    ).stdout  # fmt: skip
    assert "已交办督办事项 1" in out
    cli("--as", "GXQ", "tasks", "note", "1", "已完成选址", "--on", "2026-04-01")
    cli("--as", "371323", "tasks", "extend", "1", "--until", "2026-07-31",
        "--reason", "汛期施工受阻", "--on", "2026-06-20")  # fmt: skip
    cli("--as", "371323", "tasks", "grant", "1", expect=3)
    cli("tasks", "grant", "1", "--on", "2026-06-21")
    overdue = cli.json("tasks", "list", "--overdue", "--on", "2026-08-05")
    assert [(t["id"], t["days_overdue"], t["delay_count"]) for t in overdue] == [(1, 5, 1)]
    assert cli.json("tasks", "list", "--overdue", "--on", "2026-07-31") == []
    shown = cli.json("tasks", "show", "1", "--on", "2026-08-05")
    assert [n["text"] for n in shown["notes"]] == ["已完成选址"]
    assert shown["extensions"][0]["status"] == "granted"
    ranking = cli.json("tasks", "ranking", "--on", "2026-08-05")
    assert (ranking[0]["code"], ranking[0]["overdue_days"], ranking[0]["extensions"]) == (
        "371323",
        5,
        1,
    )
    cli("--as", "371323", "tasks", "complete", "1", "--note", "已挂牌", "--on", "2026-08-06")
    table = cli("tasks", "list", "--on", "2026-08-10").stdout
    assert "已办结" in table
    cli("--as", "371302", "tasks", "show", "1", expect=4)


def test_typed_personal_numbers_are_masked_in_every_format(cli) -> None:
    typed = "联系 13912345678（身份证 11010519491231002X）"
    said: list[str] = []

    def run(*args: str) -> None:
        said.append(cli(*args).output)  # confirmations quote titles and notes

    run("--as", "371323-YC", "matters", "new", "--title", "求助 13912345678",
        "--text", typed, "--occurred-on", "2026-07-01", "--on", "2026-07-02")  # fmt: skip
    run("--as", "371323", "matters", "ack", "1", "--note", typed, "--on", "2026-07-02")
    run("--as", "371323", "suggestions", "new", "--title", f"建议 {typed}", "--text", typed,
        "--author", "YS001", "--on", "2026-07-03")  # fmt: skip
    run("suggestions", "forward", "1", "--to", "市委办公室", "--on", "2026-07-04")
    run("suggestions", "adopt", "1", "--note", typed, "--on", "2026-07-05")
    run("tasks", "issue", "--title", f"督办 {typed}", "--goal", typed, "--lead", "371323",
        "--due", "2026-09-30", "--on", "2026-07-01")  # fmt: skip
    run("--as", "371323", "tasks", "note", "1", typed, "--on", "2026-07-05")
    for command in (
        ("matters", "show", "1"),
        ("matters", "list"),
        ("suggestions", "show", "1"),
        ("suggestions", "list"),
        ("tasks", "show", "1"),
        ("tasks", "list"),
        ("audit",),
    ):
        for fmt in ("table", "csv", "json"):
            if fmt == "csv" and command[-1] == "1":
                continue
            said.append(cli(*command, "--format", fmt).stdout)
    for out in said:
        assert "13912345678" not in out and "11010519491231002X" not in out, out
    assert "139****5678" in cli("matters", "show", "1").stdout
