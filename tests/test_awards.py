"""Award selection: rounds, nominations within quota with eligibility reasons, scope, decision,
public notice with objections, winners recorded as honours — through the API and the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from kexie_core.people import (
    Awards,
    AwardStateError,
    Catalogue,
    Refused,
    add_disqualification,
    builtin_catalogue,
)
from kexie_core.people.programmes import ProgrammeError
from kexie_core.plugin.contributions import DuplicateKeyError
from kexie_core.store.scope import NotFound, ScopeError
from kexie_core.store.tables import honour_t, work_member_t, work_t
from kexie_core.workspace import ActorSession

ROUND = "youth_st_award/2026"
MEMBERS = (
    # member_no, unit, birth date (age on 2026-12-31), title level, left on
    ("LS1", "371302", "1990-03-01", "intermediate", None),  # 36
    ("LS2", "371302", "1986-01-01", "senior", None),  # 40 on the reference date: eligible
    ("LS3", "371302", "1992-07-07", "junior", None),
    ("YS1", "371323", "1985-12-31", "senior", None),  # 41: too old
    ("YS2", "371323-YC", "1991-02-02", "intermediate", None),
    ("YS3", "371323", "1993-03-03", "intermediate", None),  # disqualified below
    ("YS4", "371323", "1994-04-04", "intermediate", "2026-01-01"),  # left the network
)


@pytest.fixture
def root(kexie_linyi: ActorSession) -> ActorSession:
    for no, unit, born, title, left in MEMBERS:
        kexie_linyi.add_member(
            {
                "member_no": no,
                "name": f"候选人{no}",
                "unit": unit,
                "birth_date": born,
                "title_level": title,
                "left_on": left,
            }
        )
    add_disqualification(kexie_linyi, "YS3", "科研失信", noted_on="2025-06-01", note="论文造假")
    return kexie_linyi


def awards_as(root: ActorSession, code: str | None = None) -> Awards:
    session = root if code is None else root.workspace.as_unit(code)
    return Awards(session, builtin_catalogue())


def scores(awards: Awards, sheet: dict[str, list[float]], ref: str = ROUND) -> None:
    awards.add_scores(
        ref,
        [
            {"member_no": no, "reviewer": f"专家{j}", "score": s}
            for no, values in sheet.items()
            for j, s in enumerate(values)
        ],
    )


def test_a_nomination_over_quota_is_refused_naming_the_quota(root: ActorSession) -> None:
    awards_as(root).open_round("youth_st_award", 2026, opened_on=date(2026, 3, 1))
    lanshan = awards_as(root, "371302")
    lanshan.nominate(ROUND, "LS1")
    lanshan.nominate(ROUND, "LS2")
    with pytest.raises(Refused) as refused:
        lanshan.nominate(ROUND, "LS3")
    assert [p.field for p in refused.value.problems] == ["quota"]
    assert "2 of 2" in str(refused.value) and "推荐名额已满" in str(refused.value)
    assert len(lanshan.nominations(ROUND)) == 2  # nothing written
    awards_as(root).set_quota(ROUND, "371302", 3)
    lanshan.nominate(ROUND, "LS3")


def test_an_ineligible_nominee_is_refused_with_the_rule_that_failed(root: ActorSession) -> None:
    awards_as(root).open_round("youth_st_award", 2026)
    yishui = awards_as(root, "371323")
    cases = {
        "YS1": ("age_at_most", "2026-12-31时41周岁"),
        "YS3": ("no_disqualifying_record", "不良记录"),
        "YS4": ("member_of_network", "已于2026-01-01退会"),
    }
    for member_no, (rule, reason) in cases.items():
        with pytest.raises(Refused) as refused:
            yishui.nominate(ROUND, member_no)
        assert [p.field for p in refused.value.problems] == [rule]
        assert reason in str(refused.value)
    verdict = yishui.check(ROUND, "YS1")
    assert not verdict.passed and [f.rule for f in verdict.failures] == ["age_at_most"]
    assert verdict.failures[0].reason_en == "aged 41 on 2026-12-31"
    assert yishui.check(ROUND, "YS2").passed
    assert yishui.nominations(ROUND) == []


def test_the_age_limit_counts_the_birthday_on_the_reference_date(root: ActorSession) -> None:
    awards = awards_as(root)
    awards.open_round("youth_st_award", 2026, reference_date=date(2026, 1, 1))
    # LS2 turns 40 on 2026-01-01: "at most 40" holds that very day.
    assert awards.check(ROUND, "LS2").passed
    awards.open_round("youth_st_award", 2027)
    assert [f.rule for f in awards.check("youth_st_award/2027", "LS2").failures] == ["age_at_most"]


def test_nominations_stay_in_scope(root: ActorSession) -> None:
    awards_as(root).open_round("youth_st_award", 2026)
    yishui = awards_as(root, "371323")
    with pytest.raises(ScopeError):
        yishui.nominate(ROUND, "LS1")  # a member of another county
    with pytest.raises(ScopeError):
        yishui.nominate(ROUND, "YS2", unit="371302")  # on behalf of another county
    township = awards_as(root, "371323-YC")
    township.nominate(ROUND, "YS2")
    awards_as(root, "371302").nominate(ROUND, "LS1")
    assert [n.member_no for n in township.nominations(ROUND)] == ["YS2"]
    assert [n.member_no for n in yishui.nominations(ROUND)] == ["YS2"]  # its subtree's
    assert {n.member_no for n in awards_as(root).nominations(ROUND)} == {"YS2", "LS1"}
    with pytest.raises(ScopeError, match="only its organiser"):
        yishui.decide(ROUND)
    with pytest.raises(ScopeError):
        scores(yishui, {"YS2": [90, 90, 90]})
    # A round organised by 沂水县 is invisible to 兰山区.
    yishui.open_round("excellent_st_worker", 2026)
    with pytest.raises(NotFound):
        awards_as(root, "371302").nominations("excellent_st_worker/2026")
    assert [r.ref for r in awards_as(root, "371302").rounds()] == [f"{ROUND}@371300"]


def test_the_nearest_round_up_the_tree_is_meant(root: ActorSession) -> None:
    awards_as(root).open_round("youth_st_award", 2026)
    awards_as(root, "371323").open_round("youth_st_award", 2026)
    info = awards_as(root, "371323-YC").nominate(ROUND, "YS2")
    assert info.unit_code == "371323-YC"
    assert [n.member_no for n in awards_as(root, "371323").nominations(ROUND)] == ["YS2"]
    assert awards_as(root).nominations(f"{ROUND}@371300") == []
    assert awards_as(root).nominations(ROUND) == []  # its own round comes first
    # Below the actor, two counties' rounds of the same award are ambiguous.
    awards_as(root).open_round("excellent_st_worker", 2026, unit="371302")
    awards_as(root).open_round("excellent_st_worker", 2026, unit="371323")
    with pytest.raises(ValueError, match="add @CODE"):
        awards_as(root).nominations("excellent_st_worker/2026")
    assert awards_as(root).nominations("excellent_st_worker/2026@371323") == []


def test_decision_notice_objections_and_honours(root: ActorSession) -> None:
    city = awards_as(root)
    info = city.open_round("youth_st_award", 2026, places=2, opened_on=date(2026, 3, 1))
    awards_as(root, "371302").nominate(ROUND, "LS1", on=date(2026, 3, 10))
    awards_as(root, "371302").nominate(ROUND, "LS2", on=date(2026, 3, 10))
    awards_as(root, "371323").nominate(ROUND, "YS2", on=date(2026, 3, 12))
    with pytest.raises(AwardStateError, match="at least 3 score"):
        city.decide(ROUND)
    scores(city, {"LS1": [60, 80, 85, 90, 100], "LS2": [70, 70, 75, 75, 99], "YS2": [50] * 5})
    with pytest.raises(AwardStateError, match="needs decided"):
        city.open_notice(ROUND)
    assert city.decide(ROUND, on=date(2026, 5, 1)) == 2
    ranked = {n.member_no: (n.rank, n.status, n.score) for n in city.nominations(ROUND)}
    assert ranked == {
        "LS1": (1, "selected", 85.0),
        "LS2": (2, "selected", pytest.approx(73.333333)),
        "YS2": (3, "not_selected", 50.0),
    }
    with pytest.raises(AwardStateError):
        awards_as(root, "371302").nominate(ROUND, "LS3")  # nominations have closed
    first, last = city.open_notice(ROUND, starts_on=date(2026, 5, 6))
    assert (first, last) == (date(2026, 5, 6), date(2026, 5, 12))  # 7 days, both included
    with pytest.raises(AwardStateError, match="outside the notice window"):
        city.lodge_objection(ROUND, "LS1", "署名存疑", lodged_on=date(2026, 5, 13))
    with pytest.raises(Exception, match="not a selected nominee"):
        city.lodge_objection(ROUND, "YS2", "……", lodged_on=date(2026, 5, 7))
    upheld = city.lodge_objection(ROUND, "LS2", "成果系他人完成", lodged_on=date(2026, 5, 7))
    dismissed = city.lodge_objection(ROUND, "LS1", "署名存疑", lodged_on=date(2026, 5, 12))
    with pytest.raises(AwardStateError, match="until 2026-05-12"):
        city.finalise(ROUND, on=date(2026, 5, 12))
    with pytest.raises(AwardStateError, match="pending"):
        city.finalise(ROUND, on=date(2026, 5, 13))
    city.resolve_objection(upheld, upheld=True, resolution="经核实，异议属实")
    city.resolve_objection(dismissed, upheld=False, resolution="经核实，署名无误")
    with pytest.raises(AwardStateError, match="already"):
        city.resolve_objection(upheld, upheld=False, resolution="x")
    assert city.finalise(ROUND, on=date(2026, 5, 20)) == 1
    statuses = {n.member_no: n.status for n in city.nominations(ROUND)}
    assert statuses == {"LS1": "winner", "LS2": "removed", "YS2": "not_selected"}
    assert city.round(info.id).status == "closed" and city.round(info.id).winners == 1
    with root.workspace.engine.connect() as conn:
        honours = conn.execute(sa.select(honour_t)).all()
        (item,) = conn.execute(sa.select(work_t).where(work_t.c.kind == "award_selection")).all()
        linked = conn.execute(
            sa.select(work_member_t.c.role).where(work_member_t.c.work_item_id == item.id)
        ).all()
    assert [(h.title, h.programme, h.awarded_on, h.level) for h in honours] == [
        ("临沂市青年科技奖", "youth_st_award", date(2026, 5, 20), "municipal")
    ]
    assert item.external_id == f"award-round-{info.id}" and item.area == "4"
    assert item.details == {"programme": "青年科技奖", "nominees": 3, "winners": 1}
    assert [r.role for r in linked] == ["winner"]
    # A winner may not be nominated for the same award again (no_prior_honour).
    city.open_round("youth_st_award", 2027)
    with pytest.raises(Refused) as refused:
        awards_as(root, "371302").nominate("youth_st_award/2027", "LS1")
    assert [p.field for p in refused.value.problems] == ["no_prior_honour"]
    actions = [(e["entity"], e["action"]) for e in root.audit_log(limit=100)]
    for step in [
        ("award_round", "create"),
        ("award_nomination", "create"),
        ("award_score", "set"),
        ("award_round", "decide"),
        ("award_round", "notice"),
        ("award_objection", "create"),
        ("award_objection", "resolve"),
        ("award_round", "finalise"),
        ("work_item", "create"),
    ]:
        assert step in actions


def test_a_tie_for_the_last_place_is_not_broken_silently(root: ActorSession) -> None:
    city = awards_as(root)
    city.open_round("excellent_st_worker", 2026, places=1)
    ref = "excellent_st_worker/2026"
    awards_as(root, "371302").nominate(ref, "LS1")
    awards_as(root, "371302").nominate(ref, "LS2")
    scores(city, {"LS1": [80, 90, 70], "LS2": [70, 80, 90]}, ref)
    with pytest.raises(AwardStateError, match="LS1, LS2 tie"):
        city.decide(ref)
    city.score(ref, "LS1", "专家3", 95)
    assert city.decide(ref) == 1


def test_a_score_sheet_loads_all_or_nothing(root: ActorSession) -> None:
    city = awards_as(root)
    city.open_round("youth_st_award", 2026)
    awards_as(root, "371302").nominate(ROUND, "LS1")
    with pytest.raises(Exception) as bad:
        city.add_scores(
            ROUND,
            [
                {"member_no": "LS1", "reviewer": "甲", "score": "88"},
                {"member_no": "LS9", "reviewer": "乙", "score": "90"},
                {"member_no": "LS1", "reviewer": "丙", "score": "120"},
                {"member_no": "LS1", "reviewer": "", "score": "80", "weight": "-1"},
            ],
        )
    message = str(bad.value)
    assert "row 2 member_no" in message and "row 3 score" in message
    assert "row 4 reviewer" in message and "row 4 weight" in message
    with root.workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM award_score").scalar() == 0
    city.score(ROUND, "LS1", "甲", 80)
    city.score(ROUND, "LS1", "甲", 85)  # a reviewer's second score replaces the first
    with root.workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT score FROM award_score").scalars().all() == [85.0]


def test_programmes_are_data_with_clear_errors(tmp_path) -> None:
    catalogue = builtin_catalogue()
    assert {p.key for p in catalogue.awards()} == {
        "youth_st_award",
        "excellent_st_worker",
        "most_beautiful_st_worker",
        "popularizer_new_era",
    }
    assert [p.key for p in catalogue.cohorts()] == ["youth_lifting"]
    (tmp_path / "bad.toml").write_text(
        'key = "county_award"\nkind = "award"\nlabel_zh = "县奖"\nlabel_en = "x"\n'
        '[award]\nhonour_title = "沂水县优秀科技工作者"\n'
        '[[rules]]\nrule = "age_at_most"\n',
        encoding="utf-8",
    )
    with pytest.raises(ProgrammeError, match=r"bad.toml.*rules\.0\.age_at_most\.years"):
        Catalogue().load_toml(tmp_path / "bad.toml")
    with pytest.raises(DuplicateKeyError, match="youth_st_award"):
        catalogue.add(catalogue.get("youth_st_award"), source="my-plugin")
    with pytest.raises(ProgrammeError, match="unknown programme"):
        catalogue.get("youth_lifting", kind="award")


def test_a_county_adds_its_own_programme_from_a_directory(
    root: ActorSession, tmp_path, monkeypatch
) -> None:
    (tmp_path / "county.toml").write_text(
        'key = "yishui_talent"\nkind = "award"\nlabel_zh = "沂水英才"\nlabel_en = "Yishui talent"\n'
        '[award]\nhonour_title = "沂水英才"\nquota_per_unit = 1\nplaces = 1\n'
        '[[rules]]\nrule = "title_level_at_least"\nlevel = "副高级"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("KEXIE_PROGRAMME_PATH", str(tmp_path))
    yishui = Awards(root.workspace.as_unit("371323"))
    yishui.open_round("yishui_talent", 2026)
    with pytest.raises(Refused, match="title_level_at_least"):
        yishui.nominate("yishui_talent/2026", "YS2")  # 中级
    yishui.nominate("yishui_talent/2026", "YS1")  # 正高级; no age limit here


# -- command line ------------------------------------------------------------------------------


@pytest.fixture
def run(run, monkeypatch):
    """The suite's ``run``, without a programme folder the developer's shell may have set."""
    monkeypatch.delenv("KEXIE_PROGRAMME_PATH", raising=False)
    return run


def test_cli_runs_a_whole_round(root: ActorSession, run, tmp_path) -> None:
    programmes = json.loads(run("awards", "programmes", "--format", "json").output)
    youth = next(p for p in programmes if p["key"] == "youth_st_award")
    assert youth["scoring"] == "trimmed_mean" and "年龄不超过40周岁" in youth["rules"]
    run("awards", "open", "youth_st_award", "2026", "--on", "2026-03-01", "--places", "1")
    out = run("--as", "371302", "awards", "nominate", ROUND, "LS1", "--summary", "攻关").output
    assert "已推荐" in out
    refused = run("--as", "371323", "awards", "nominate", ROUND, "YS1", ok=False)
    assert refused.exit_code == 1
    assert "age_at_most" in refused.output and "41周岁" in refused.output
    check = run("--as", "371323", "awards", "check", ROUND, "YS1", "--format", "json", ok=False)
    assert check.exit_code == 1
    assert [r["rule"] for r in json.loads(check.output) if not r["passed"]] == ["age_at_most"]
    sheet = tmp_path / "scores.csv"
    sheet.write_text(
        "会员编号,评审专家,评分\nLS1,甲,60\nLS1,乙,80\nLS1,丙,85\nLS1,丁,90\nLS1,戊,100\n",
        encoding="gb18030",
    )
    assert "5" in run("awards", "score", ROUND, "--file", str(sheet)).output
    run("awards", "decide", ROUND, "--on", "2026-05-01")
    listing = json.loads(run("awards", "list", ROUND, "--format", "json").output)
    assert listing["round"]["status"] == "decided"
    assert listing["nominations"][0]["score"] == 85.0
    assert (
        "公示期：2026-05-06 至 2026-05-12"
        in run("awards", "notice", ROUND, "--from", "2026-05-06").output
    )
    run("awards", "object", ROUND, "LS1", "--summary", "署名存疑", "--on", "2026-05-08")
    (objection,) = json.loads(run("awards", "objections", ROUND, "--format", "json").output)
    run(
        "awards",
        "resolve",
        str(objection["id"]),
        "--dismiss",
        "--resolution",
        "署名无误",
    )
    assert "表彰 1 人" in run("awards", "finalise", ROUND, "--on", "2026-05-13").output
    rounds = json.loads(run("awards", "list", "--format", "json").output)
    assert rounds[0]["status"] == "closed" and rounds[0]["winners"] == 1
    table = run("awards", "list", ROUND).output
    assert "获奖" in table and "候选人LS1" in table
    assert run("awards", "decide", ROUND, ok=False).exit_code == 1
    assert run("--as", "371302", "awards", "finalise", ROUND, ok=False).exit_code == 3


def test_finalising_into_an_accepted_period_is_refused_until_it_is_reopened(
    root: ActorSession,
) -> None:
    """The round is recorded as an award_selection work item dated when it opened, so an
    accepted report covering that day must be reopened first — and a refusal changes nothing."""
    from kexie_core.workflow import ReportLocked, Reports

    county = awards_as(root, "371323")
    county.open_round("youth_st_award", 2026, places=1, opened_on=date(2026, 3, 1))
    county.nominate(ROUND, "YS2", on=date(2026, 3, 10))
    scores(county, {"YS2": [80, 85, 90]})
    county.decide(ROUND, on=date(2026, 3, 20))
    county.open_notice(ROUND, starts_on=date(2026, 3, 21))
    Reports(root.workspace.as_unit("371323")).submit("2026Q1", today=date(2026, 4, 1))
    city_reports = Reports(root)
    city_reports.accept("371323", "2026Q1")
    with pytest.raises(ReportLocked, match="2026Q1"):
        county.finalise(ROUND, on=date(2026, 4, 10))
    (info,) = county.rounds()
    assert info.status == "notice"
    with root.workspace.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(honour_t)).scalar_one() == 0
        kinds = conn.execute(sa.select(work_t.c.kind)).scalars().all()
    assert "award_selection" not in kinds
    city_reports.reopen("371323", "2026Q1", "补录年度评选结果")
    assert county.finalise(ROUND, on=date(2026, 4, 10)) == 1
