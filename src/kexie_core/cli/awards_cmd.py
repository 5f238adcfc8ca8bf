"""``kexie awards …``: award selection (评选表彰) from opening a round to recording the winners.

A round is named ``PROGRAMME/YEAR`` (``youth_st_award/2026``), optionally ``@ORGANISER``, or by
its number. The steps: ``open`` → ``nominate`` (units, within quota) → ``score`` → ``decide`` →
``notice`` (公示) → ``object``/``resolve`` (异议) → ``finalise`` (winners become honours).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..ledger.columns import normalize_header
from ..people.awards import Awards
from ..people.disqualifications import add_disqualification
from .calendar_cmd import DATE
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option

ROUND_COLUMNS = [
    Column("ref", "评选", "round"),
    Column("label", "奖项", "award"),
    Column("organiser", "组织单位", "organiser"),
    Column("status_label", "状态", "status"),
    Column("reference_date", "基准日", "reference date"),
    Column("quota", "推荐名额", "quota", "right"),
    Column("places", "表彰名额", "places", "right"),
    Column("nominations", "已推荐", "nominated", "right"),
    Column("notice_ends_on", "公示截止", "notice ends"),
    Column("winners", "获奖", "winners", "right"),
]
NOMINATION_COLUMNS = [
    Column("rank", "名次", "rank", "right"),
    Column("member_no", "会员编号", "member no."),
    Column("name", "姓名", "name"),
    Column("unit", "推荐单位", "nominated by"),
    Column("nominated_on", "推荐日期", "nominated on"),
    Column("score", "得分", "score", "right"),
    Column("reviewers", "评审数", "reviewers", "right"),
    Column("status_label", "状态", "status"),
    Column("objections", "待核实异议", "pending objections", "right"),
]
# Score-sheet headers, English or Chinese.
SCORE_HEADERS = {
    "member_no": ("member_no", "会员编号", "编号"),
    "reviewer": ("reviewer", "评审专家", "评委", "评审人"),
    "score": ("score", "评分", "分数", "得分"),
    "weight": ("weight", "权重"),
}


def _awards(obj: CliContext) -> Awards:
    return Awards(obj.session())


def _keyed(columns: list[Column], fmt: str) -> list[Column]:
    """JSON gets the English keys as they are; CSV and tables the labels."""
    return [Column(c.key, c.key, c.key) for c in columns] if fmt == "json" else columns


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group("awards")
def awards() -> None:
    """Award selection (评选表彰): 青年科技奖, 优秀科技工作者, 最美科技工作者 and more.

    A round is named PROGRAMME/YEAR (youth_st_award/2026), optionally @ORGANISER, or by its
    number. The steps: open → nominate (by units, within quota) → score → decide → notice
    (公示) → object / resolve (异议) → finalise (winners are recorded as honours).
    """


@awards.command("programmes")
@format_option
@pass_ctx
def programmes(obj: CliContext, fmt: str) -> None:
    """Award programmes and their eligibility rules (奖项及评选条件)."""
    rows = []
    for p in _awards(obj).programmes():
        assert p.award is not None
        ctx = p.context(p.award.reference_date(date.today().year))
        rows.append(
            {
                "key": p.key,
                "label": p.label(obj.lang),
                "honour_title": p.award.honour_title,
                "quota_per_unit": p.award.quota_per_unit,
                "places": p.award.places,
                "scoring": p.award.scoring.method,
                "notice_days": p.award.notice_days,
                "rules": ("；" if obj.lang == "zh" else "; ").join(
                    p.ruleset.describe(ctx, "zh" if obj.lang == "zh" else "en")
                ),
                "source": p.source,
            }
        )
    columns = [
        Column("key", "代码", "key"),
        Column("label", "奖项", "award"),
        Column("quota_per_unit", "推荐名额", "quota", "right"),
        Column("places", "表彰名额", "places", "right"),
        Column("scoring", "计分", "scoring"),
        Column("rules", "条件", "rules"),
    ]
    if fmt != "table":
        columns += [Column("honour_title", "荣誉称号", "honour title")]
        columns += [
            Column("notice_days", "公示天数", "notice days"),
            Column("source", "来源", "source"),
        ]
    emit(rows, _keyed(columns, fmt), fmt=fmt, lang=obj.lang)


@awards.command("open")
@click.argument("programme")
@click.argument("year", type=click.IntRange(1900, 2999))
@click.option("--unit", metavar="CODE", help="Organising unit (default: the actor).")
@click.option("--on", "opened_on", type=DATE, metavar="DATE", help="Opening day (default today).")
@click.option("--reference-date", type=DATE, metavar="DATE", help="Day eligibility is judged on.")
@click.option("--quota", type=click.IntRange(1), help="Nominations per nominating unit.")
@click.option("--places", type=click.IntRange(1), help="How many may win.")
@click.option("--title", help="Title of the round.")
@pass_ctx
def open_round(obj: CliContext, programme: str, year: int, **options: Any) -> None:
    """Open YEAR's round of PROGRAMME (发起评选)."""
    info = _awards(obj).open_round(programme, year, **options)
    click.echo(
        obj.t(
            f"已发起 {info.title}：{info.ref}"
            f"（基准日 {info.reference_date}，每单位推荐 {info.quota} 人）",
            f"opened {info.ref} (reference date {info.reference_date}, quota {info.quota})",
        )
    )


@awards.command("quota")
@click.argument("round_ref", metavar="ROUND")
@click.argument("unit")
@click.argument("quota", type=click.IntRange(0))
@pass_ctx
def quota(obj: CliContext, round_ref: str, unit: str, quota: int) -> None:
    """Give nominating UNIT its own QUOTA in ROUND (单独核定推荐名额)."""
    _awards(obj).set_quota(round_ref, unit, quota)
    click.echo(obj.t(f"{unit} 推荐名额：{quota}", f"{unit} quota: {quota}"))


@awards.command("list")
@click.argument("round_ref", metavar="[ROUND]", required=False)
@click.option("--year", type=int, help="Only rounds of this year.")
@format_option
@pass_ctx
def list_(obj: CliContext, round_ref: str | None, year: int | None, fmt: str) -> None:
    """Rounds the actor may see; with ROUND, its nominations and scores (评选及推荐情况)."""
    service = _awards(obj)
    if round_ref is None:
        rows = [r.as_row(obj.lang) for r in service.rounds(year=year)]
        if fmt == "json":
            _echo_json(rows)
        else:
            emit(rows, ROUND_COLUMNS, fmt=fmt, lang=obj.lang)
        return
    info = service.round(round_ref)
    rows = [n.as_row(obj.lang) for n in service.nominations(round_ref)]
    if fmt == "json":
        _echo_json({"round": info.as_row(obj.lang), "nominations": rows})
        return
    title = f"{info.title}（{info.as_row(obj.lang)['status_label']}）"
    emit(rows, NOMINATION_COLUMNS, fmt=fmt, lang=obj.lang, title=title)


@awards.command("check")
@click.argument("round_ref", metavar="ROUND")
@click.argument("member_no")
@format_option
@pass_ctx
def check(obj: CliContext, round_ref: str, member_no: str, fmt: str) -> None:
    """Check MEMBER_NO against ROUND's rules without nominating (资格预审)."""
    verdict = _awards(obj).check(round_ref, member_no)
    zh = obj.lang == "zh"
    rows = [
        {
            "rule": r.rule,
            "requirement": r.requirement_zh if zh else r.requirement_en,
            "passed": r.passed,
            "result": ("符合" if zh else "pass") if r.passed else ("不符合" if zh else "fail"),
            "reason": r.reason_zh if zh else r.reason_en,
        }
        for r in verdict.results
    ]
    columns = [
        Column("rule", "规则", "rule"),
        Column("requirement", "条件", "requirement"),
        Column("passed" if fmt == "json" else "result", "结果", "result"),
        Column("reason", "说明", "reason"),
    ]
    emit(rows, _keyed(columns, fmt), fmt=fmt, lang=obj.lang)
    if not verdict.passed:
        click.get_current_context().exit(1)


@awards.command("nominate")
@click.argument("round_ref", metavar="ROUND")
@click.argument("member_no")
@click.option("--unit", metavar="CODE", help="Nominating unit (default: the actor).")
@click.option("--on", "on", type=DATE, metavar="DATE", help="Day of nomination (default today).")
@click.option("--summary", help="Short account of achievements (事迹简介, ≤ 500 characters).")
@pass_ctx
def nominate(
    obj: CliContext,
    round_ref: str,
    member_no: str,
    unit: str | None,
    on: date | None,
    summary: str | None,
) -> None:
    """Nominate MEMBER_NO into ROUND (推荐); refused with the rule that failed."""
    info = _awards(obj).nominate(round_ref, member_no, unit=unit, on=on, summary=summary)
    click.echo(
        obj.t(
            f"已推荐 {info.name}（{info.member_no}），推荐单位 {info.unit_name}",
            f"nominated {info.member_no} on behalf of {info.unit_code}",
        )
    )


def _read_sheet(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # score sheets saved by Excel on Chinese Windows
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    names: list[str | None] = []
    for cell in header:
        key = normalize_header(cell)
        names.append(
            next(
                (
                    f
                    for f, options in SCORE_HEADERS.items()
                    if key in map(normalize_header, options)
                ),
                None,
            )
        )
    missing = {"member_no", "reviewer", "score"} - set(names)
    if missing:
        raise click.UsageError(
            f"{path}: the score sheet has no column {', '.join(sorted(missing))}"
        )
    return [
        {n: value for n, value in zip(names, line, strict=False) if n is not None}
        for line in reader
        if any(cell.strip() for cell in line)
    ]


@awards.command("score")
@click.argument("round_ref", metavar="ROUND")
@click.argument("member_no", required=False)
@click.option("--reviewer", help="Who scored (评审专家).")
@click.option("--score", "value", type=float, help="The score (usually 0–100).")
@click.option("--weight", type=float, default=1.0, show_default=True, help="For weighted scoring.")
@click.option(
    "--file",
    "sheet",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV score sheet: member_no/会员编号, reviewer/评审专家, score/评分, weight/权重.",
)
@pass_ctx
def score(
    obj: CliContext,
    round_ref: str,
    member_no: str | None,
    reviewer: str | None,
    value: float | None,
    weight: float,
    sheet: Path | None,
) -> None:
    """Record review scores (评审打分): one score, or a whole sheet with --file.

    A sheet loads completely or not at all; every bad row is named. A reviewer who scores the
    same nominee again replaces the earlier score.
    """
    if sheet is not None:
        if member_no or reviewer or value is not None:
            raise click.UsageError("give either --file or MEMBER_NO --reviewer --score")
        rows = _read_sheet(sheet)
    else:
        if not (member_no and reviewer and value is not None):
            raise click.UsageError("give MEMBER_NO, --reviewer and --score (or --file)")
        rows = [{"member_no": member_no, "reviewer": reviewer, "score": value, "weight": weight}]
    written = _awards(obj).add_scores(round_ref, rows)
    click.echo(obj.t(f"已记录评分 {written} 条", f"{written} score(s) recorded"))


@awards.command("decide")
@click.argument("round_ref", metavar="ROUND")
@click.option("--on", "on", type=DATE, metavar="DATE", help="Day of the decision (default today).")
@pass_ctx
def decide(obj: CliContext, round_ref: str, on: date | None) -> None:
    """Combine scores, rank nominees and select the best (评审决定)."""
    selected = _awards(obj).decide(round_ref, on=on)
    click.echo(obj.t(f"拟表彰 {selected} 人", f"{selected} selected"))


@awards.command("notice")
@click.argument("round_ref", metavar="ROUND")
@click.option("--from", "starts_on", type=DATE, metavar="DATE", help="First day (default today).")
@click.option("--days", type=click.IntRange(1), help="Length (default: the programme's).")
@pass_ctx
def notice(obj: CliContext, round_ref: str, starts_on: date | None, days: int | None) -> None:
    """Publish the selection for objections (公示)."""
    first, last = _awards(obj).open_notice(round_ref, starts_on=starts_on, days=days)
    click.echo(obj.t(f"公示期：{first} 至 {last}", f"public notice from {first} to {last}"))


@awards.command("object")
@click.argument("round_ref", metavar="ROUND")
@click.argument("member_no")
@click.option("--summary", required=True, help="What the objection says (异议内容).")
@click.option("--on", "on", type=DATE, metavar="DATE", help="Day received (default today).")
@click.option("--by", "lodged_by", help="Who lodged it (may be left out: anonymous).")
@pass_ctx
def object_(
    obj: CliContext,
    round_ref: str,
    member_no: str,
    summary: str,
    on: date | None,
    lodged_by: str | None,
) -> None:
    """Record an objection (异议) to a selected nominee during the notice."""
    objection_id = _awards(obj).lodge_objection(
        round_ref, member_no, summary, lodged_on=on, lodged_by=lodged_by
    )
    click.echo(obj.t(f"已登记异议 {objection_id}", f"objection {objection_id} recorded"))


@awards.command("resolve")
@click.argument("objection_id", type=int)
@click.option("--uphold/--dismiss", required=True, help="Upheld removes the nominee (异议成立).")
@click.option("--resolution", required=True, help="What checking found (核实情况).")
@click.option("--on", "on", type=DATE, metavar="DATE", help="Day resolved (default today).")
@pass_ctx
def resolve(
    obj: CliContext, objection_id: int, uphold: bool, resolution: str, on: date | None
) -> None:
    """Resolve objection OBJECTION_ID after checking it (异议核实)."""
    _awards(obj).resolve_objection(objection_id, upheld=uphold, resolution=resolution, on=on)
    click.echo(
        obj.t(
            "异议成立，已撤销该人选" if uphold else "异议不成立",
            "upheld: nominee removed" if uphold else "dismissed",
        )
    )


@awards.command("objections")
@click.argument("round_ref", metavar="ROUND")
@format_option
@pass_ctx
def objections(obj: CliContext, round_ref: str, fmt: str) -> None:
    """Objections lodged in ROUND and how they were resolved (异议及处理)."""
    rows = [o.as_row(obj.lang) for o in _awards(obj).objections(round_ref)]
    if fmt == "json":
        _echo_json(rows)
        return
    columns = [
        Column("id", "编号", "id", "right"),
        Column("member_no", "会员编号", "member no."),
        Column("name", "姓名", "name"),
        Column("lodged_on", "受理日期", "lodged on"),
        Column("summary", "异议内容", "summary"),
        Column("status_label", "处理结果", "status"),
        Column("resolution", "核实情况", "resolution"),
    ]
    emit(rows, columns, fmt=fmt, lang=obj.lang)


@awards.command("finalise")
@click.argument("round_ref", metavar="ROUND")
@click.option("--on", "on", type=DATE, metavar="DATE", help="Day of the award (default today).")
@pass_ctx
def finalise(obj: CliContext, round_ref: str, on: date | None) -> None:
    """After the notice: record the winners as honours (表彰).

    Allowed from the day after the notice ends, with no objection pending.
    """
    winners = _awards(obj).finalise(round_ref, on=on)
    click.echo(obj.t(f"表彰 {winners} 人，已记入会员荣誉", f"{winners} winner(s) recorded"))


@awards.command("disqualify")
@click.argument("member_no")
@click.option("--kind", required=True, help="misconduct/科研失信, sanction/处分, penalty/刑事处罚…")
@click.option("--on", "noted_on", type=DATE, required=True, metavar="DATE", help="In force from.")
@click.option(
    "--until", "expires_on", type=DATE, metavar="DATE", help="In force until (exclusive)."
)
@click.option("--note", help="What happened (≤ 300 characters).")
@pass_ctx
def disqualify(
    obj: CliContext,
    member_no: str,
    kind: str,
    noted_on: date,
    expires_on: date | None,
    note: str | None,
) -> None:
    """Record a disqualifying record (不良记录) that bars MEMBER_NO from selections."""
    add_disqualification(
        obj.session(), member_no, kind, noted_on=noted_on, expires_on=expires_on, note=note
    )
    click.echo(obj.t(f"已记录 {member_no} 的不良记录", f"record added for {member_no}"))


def register(cli: click.Group) -> None:
    cli.add_command(awards)
