"""Built-in kinds of work item for every area of the 2019 opinion (clauses 1–8, R1–R3)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..model.dates import parse_date
from ..model.enums import Area
from ..people.occasions import Festival, VisitOccasion
from ..plugin.contributions import WorkKind
from ..plugin.hookspecs import hookimpl


class _Details(BaseModel):
    model_config = ConfigDict(extra="allow", hide_input_in_errors=True)


def _visit_occasion(value: Any) -> Any:
    return "routine" if value in (None, "") else VisitOccasion.parse(value).value


def _festival(value: Any) -> Any:
    # Known festivals are stored by key (春节 → spring_festival); a plug-in's own stays as given.
    if value in (None, ""):
        return None
    try:
        return Festival.parse(value).value
    except ValueError:
        return str(value).strip()


def _names(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;；,，、]+", value) if part.strip()]
    return value


def _optional_date(value: Any) -> Any:
    return None if value in (None, "") else parse_date(value)


class VisitDetails(_Details):
    """Details of a visit to an academician or high-level expert (clause 8, 走访看望专家).

    The experts visited are the work item's members (``member_nos``); the people who went are
    ``visitors`` (names, usually staff). Chinese labels are accepted for ``occasion``
    (节日, 生日, 生病, 成就, 日常) and ``festival`` (春节, 中秋, 重阳, 国庆, 科技工作者日).
    ``follow_up_on`` schedules a follow-up line in the care calendar.
    """

    occasion: Annotated[
        Literal["festival", "birthday", "illness", "achievement", "routine"],
        BeforeValidator(_visit_occasion),
    ] = "routine"
    festival: Annotated[str | None, BeforeValidator(_festival)] = Field(
        default=None, description="spring_festival, st_workers_day, mid_autumn, national_day, …"
    )
    visitors: Annotated[list[str], BeforeValidator(_names)] = Field(default_factory=list)
    gifts: str | None = None
    support: str | None = Field(default=None, description="support given: 慰问金, help arranged")
    follow_up_on: Annotated[date | None, BeforeValidator(_optional_date)] = Field(
        default=None, description="date of a follow-up visit"
    )
    notes: str | None = None


class PublicityDetails(_Details):
    """Details of a publicity output (clause 6): which channel carried it."""

    channel: Literal[
        "website",
        "wechat",
        "weibo",
        "app",
        "bulletin_board",
        "science_terminal",
        "newspaper",
        "tv",
        "radio",
        "other",
    ] = "other"
    reach: int = Field(default=0, ge=0, description="views or readers, where known")


class TrainingDetails(_Details):
    """Details of a training class or study course (clause 7)."""

    days: float = Field(default=0, ge=0)
    level: Literal["municipal", "county", "unit", "provincial", "national"] = "unit"


class AwardDetails(_Details):
    """Details of an award selection round (clause 4)."""

    programme: str = Field(min_length=1)
    nominees: int = Field(default=0, ge=0)
    winners: int = Field(default=0, ge=0)


class StudyDetails(_Details):
    """Details of a think-tank or status study (clauses 5 and 8)."""

    adopted: bool = False
    commissioned_by: str | None = None


_KINDS: tuple[WorkKind, ...] = (
    # 1 强化科学理论武装
    WorkKind("study_session", Area.THEORY, "理论学习", "study session"),
    WorkKind(
        "learning_platform", Area.THEORY, "学习强国/灯塔党建在线学习", "learning platform use"
    ),
    WorkKind("policy_briefing", Area.THEORY, "政策宣讲解读", "policy briefing"),
    # 2 强化理想信念教育
    WorkKind(
        "patriotic_striving",
        Area.IDEALS,
        "弘扬爱国奋斗精神、建功立业新时代活动",
        "patriotic striving activity",
    ),
    WorkKind("red_education", Area.IDEALS, "沂蒙红色教育", "red-culture education"),
    # 3 强化思想道德建设
    WorkKind("scientist_spirit", Area.ETHICS, "科学家精神宣传", "scientist-spirit promotion"),
    WorkKind(
        "integrity_education",
        Area.ETHICS,
        "科研诚信与科学道德教育",
        "research ethics and integrity education",
    ),
    WorkKind("academic_environment", Area.ETHICS, "学风建设活动", "academic-environment event"),
    # 4 强化示范带动引领
    WorkKind(
        "award_selection",
        Area.EXEMPLARS,
        "奖项评选表彰",
        "award selection",
        details_model=AwardDetails,
    ),
    WorkKind(
        "exemplar_publicity",
        Area.EXEMPLARS,
        "先进典型宣传",
        "publicity of exemplars",
        details_model=PublicityDetails,
    ),
    # 5 强化岗位践行活动
    WorkKind("academic_exchange", Area.PRACTICE, "学术交流活动", "academic exchange"),
    WorkKind(
        "expert_workstation_activity",
        Area.PRACTICE,
        "院士专家工作站活动",
        "expert workstation activity",
    ),
    WorkKind("cooperation", Area.PRACTICE, "会企合作/会院合作", "society cooperation"),
    WorkKind(
        "tech_evaluation", Area.PRACTICE, "学会承接科技评估", "science and technology evaluation"
    ),
    WorkKind(
        "think_tank_study",
        Area.PRACTICE,
        "智库研究",
        "think-tank study",
        details_model=StudyDetails,
    ),
    WorkKind(
        "agri_tech_service", Area.PRACTICE, "农技服务、推广与培训", "agricultural technical service"
    ),
    # 6 拓展宣传阵地
    WorkKind(
        "publicity_output",
        Area.PUBLICITY,
        "宣传作品发布",
        "publicity output",
        details_model=PublicityDetails,
    ),
    # 7 拓展教育阵地
    WorkKind(
        "training", Area.EDUCATION, "培训班/研修班", "training class", details_model=TrainingDetails
    ),
    WorkKind("youth_lifting", Area.EDUCATION, "青年科技人才托举", "youth lifting programme"),
    WorkKind("talent_cultivation", Area.EDUCATION, "人才培养", "talent cultivation"),
    # 8 拓展服务阵地
    WorkKind("home_creation", Area.SERVICE, "科技工作者之家创建", "home of S&T workers creation"),
    WorkKind(
        "expert_visit",
        Area.SERVICE,
        "走访看望专家",
        "visit to an expert",
        details_model=VisitDetails,
    ),
    WorkKind("pairing", Area.SERVICE, "结对联系科技工作者", "pairing with workers"),
    WorkKind(
        "status_survey",
        Area.SERVICE,
        "科技工作者状况调查",
        "status survey",
        details_model=StudyDetails,
    ),
    WorkKind("legal_aid", Area.SERVICE, "法律援助与知识产权保护", "legal aid and IP protection"),
    # R1 加强组织领导
    WorkKind("leadership_meeting", Area.LEADERSHIP, "议事日程研究部署", "leadership meeting"),
    WorkKind(
        "staff_training",
        Area.LEADERSHIP,
        "干部业务培训",
        "staff training",
        details_model=TrainingDetails,
    ),
    # R2 健全工作机制
    WorkKind("research", Area.MECHANISM, "调查研究", "research"),
    WorkKind("practice_sharing", Area.MECHANISM, "典型经验推广", "spreading good practice"),
    # R3 扩大组织覆盖
    WorkKind("organisation_building", Area.COVERAGE, "组织建设", "organisation building"),
    WorkKind("member_recruitment", Area.COVERAGE, "会员发展", "member recruitment"),
)


@hookimpl(trylast=True)
def kexie_register_work_kinds() -> list[WorkKind]:
    return list(_KINDS)
