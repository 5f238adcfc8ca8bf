"""Closed vocabularies of the domain, each with Chinese and English labels.

Values are stable English keys (stored in the database and used in the API); ``parse`` also
accepts the Chinese label a clerk types in a ledger (``"县区科协"`` → ``UnitKind.COUNTY``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Self


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry ``label_zh`` and ``label_en``."""

    _labels: ClassVar[dict[str, tuple[str, str]]]
    _aliases: ClassVar[dict[str, str]]

    @property
    def label_zh(self) -> str:
        return type(self)._labels[self.value][0]

    @property
    def label_en(self) -> str:
        return type(self)._labels[self.value][1]

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    @classmethod
    def parse(cls, value: Any) -> Self:
        """Accept a member, its key, its Chinese or English label, or a known alias."""
        if isinstance(value, cls):
            return value
        text = str(value).strip()
        try:
            return cls(text)
        except ValueError:
            pass
        lowered = text.lower()
        for key, (zh, en) in cls._labels.items():
            if text == zh or lowered == en.lower():
                return cls(key)
        if text in cls._aliases:
            return cls(cls._aliases[text])
        choices = "、".join(f"{k}（{zh}）" for k, (zh, _) in cls._labels.items())
        raise ValueError(f"unknown {cls.__name__} {text!r}; expected one of: {choices}")


def set_labels(
    cls: type[LabelledEnum],
    labels: dict[str, tuple[str, str]],
    aliases: dict[str, str] | None = None,
) -> None:
    missing = {m.value for m in cls} ^ set(labels)
    assert not missing, f"labels out of step with {cls.__name__}: {missing}"
    cls._labels = labels
    cls._aliases = aliases or {}


class UnitKind(LabelledEnum):
    """Kinds of unit (组织单元) in the association network."""

    MUNICIPAL = "municipal"
    COUNTY = "county"
    ZONE = "zone"
    SOCIETY = "society"
    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"
    UNIVERSITY = "university"
    PARK = "park"
    TOWNSHIP = "township"
    RURAL_TECH = "rural_tech"
    DEPARTMENT = "department"
    AFFILIATE = "affiliate"


set_labels(
    UnitKind,
    {
        "municipal": ("市科协", "municipal association"),
        "county": ("县区科协", "county association"),
        "zone": ("功能区科协", "functional zone association"),
        "society": ("市级学会", "municipal society"),
        "enterprise": ("企业科协", "enterprise association"),
        "institution": ("事业单位科协", "institution association"),
        "university": ("高校科协", "university association"),
        "park": ("园区科协", "park association"),
        "township": ("乡镇（街道）科协", "township association"),
        "rural_tech": ("农技协", "rural technology association"),
        "department": ("机关部室", "department"),
        "affiliate": ("直属事业单位", "affiliated institution"),
    },
    {
        "县科协": "county",
        "区科协": "county",
        "学会": "society",
        "协会": "society",
        "研究会": "society",
        "乡镇科协": "township",
        "街道科协": "township",
        "农村专业技术协会": "rural_tech",
        "事业科协": "institution",
    },
)


class HostCategory(LabelledEnum):
    """Categories of host organisation (依托单位) used by the R3 coverage rates."""

    INDUSTRIAL_ABOVE_SIZE = "industrial_above_size"
    SCIENCE_ENTERPRISE = "science_enterprise"
    SMALL_TECH_FIRM = "small_tech_firm"
    UNIVERSITY = "university"
    VOCATIONAL_COLLEGE = "vocational_college"
    MIDDLE_SCHOOL = "middle_school"
    HOSPITAL = "hospital"
    AGRI_SERVICE = "agri_service"
    PARK = "park"
    RESEARCH_INSTITUTE = "research_institute"
    OTHER = "other"


set_labels(
    HostCategory,
    {
        "industrial_above_size": (
            "规模以上工业企业",
            "industrial enterprise above designated size",
        ),
        "science_enterprise": ("高新技术企业", "high-tech or science-type enterprise"),
        "small_tech_firm": ("科技型小微企业", "small technology firm"),
        "university": ("高校", "university"),
        "vocational_college": ("职业院校", "vocational college"),
        "middle_school": ("中学", "middle school"),
        "hospital": ("医疗卫生机构", "hospital or health institution"),
        "agri_service": ("农技服务机构", "agricultural service body"),
        "park": ("园区", "industrial park"),
        "research_institute": ("科研院所", "research institute"),
        "other": ("其他", "other"),
    },
    {
        "规上工业企业": "industrial_above_size",
        "科技型企业": "science_enterprise",
        "医院": "hospital",
        "高等院校": "university",
        "大学": "university",
    },
)


class Area(LabelledEnum):
    """Areas of work: clauses 1–8 and requirements R1–R3 of the 2019 opinion."""

    THEORY = "1"
    IDEALS = "2"
    ETHICS = "3"
    EXEMPLARS = "4"
    PRACTICE = "5"
    PUBLICITY = "6"
    EDUCATION = "7"
    SERVICE = "8"
    LEADERSHIP = "R1"
    MECHANISM = "R2"
    COVERAGE = "R3"

    @property
    def slug(self) -> str:
        return self.name.lower()


set_labels(
    Area,
    {
        "1": ("强化科学理论武装", "theory"),
        "2": ("强化理想信念教育", "ideals"),
        "3": ("强化思想道德建设", "ethics"),
        "4": ("强化示范带动引领", "exemplars"),
        "5": ("强化岗位践行活动", "practice"),
        "6": ("拓展宣传阵地", "publicity"),
        "7": ("拓展教育阵地", "education"),
        "8": ("拓展服务阵地", "service"),
        "R1": ("加强组织领导", "leadership"),
        "R2": ("健全工作机制", "mechanism"),
        "R3": ("扩大组织覆盖", "coverage"),
    },
    {"r1": "R1", "r2": "R2", "r3": "R3"},
)


class Gender(LabelledEnum):
    MALE = "male"
    FEMALE = "female"


set_labels(
    Gender, {"male": ("男", "male"), "female": ("女", "female")}, {"M": "male", "F": "female"}
)


class ExpertLevel(LabelledEnum):
    """Whether a member is one of the experts visited under clause 8."""

    NONE = "none"
    HIGH_LEVEL = "high_level"
    ACADEMICIAN = "academician"


set_labels(
    ExpertLevel,
    {
        "none": ("无", "none"),
        "high_level": ("高层次专家", "high-level expert"),
        "academician": ("院士", "academician"),
    },
    {"": "none", "否": "none"},
)


class StudyStatus(LabelledEnum):
    """Doctoral students and postdocs are the youth lifting programme's pool (clause 7)."""

    NONE = "none"
    DOCTORAL = "doctoral"
    POSTDOC = "postdoc"


set_labels(
    StudyStatus,
    {
        "none": ("无", "none"),
        "doctoral": ("博士研究生", "doctoral student"),
        "postdoc": ("博士后", "postdoc"),
    },
    {"": "none", "博士生": "doctoral", "在读博士": "doctoral"},
)


class Degree(LabelledEnum):
    DOCTORATE = "doctorate"
    MASTER = "master"
    BACHELOR = "bachelor"
    ASSOCIATE = "associate"
    OTHER = "other"


set_labels(
    Degree,
    {
        "doctorate": ("博士", "doctorate"),
        "master": ("硕士", "master"),
        "bachelor": ("学士", "bachelor"),
        "associate": ("大专", "associate"),
        "other": ("其他", "other"),
    },
    {
        "本科": "bachelor",
        "专科": "associate",
        "博士研究生": "doctorate",
        "硕士研究生": "master",
        "": "other",
    },
)


class TitleLevel(LabelledEnum):
    """Professional title level (职称级别)."""

    SENIOR = "senior"
    DEPUTY_SENIOR = "deputy_senior"
    INTERMEDIATE = "intermediate"
    JUNIOR = "junior"
    NONE = "none"


set_labels(
    TitleLevel,
    {
        "senior": ("正高级", "senior"),
        "deputy_senior": ("副高级", "deputy senior"),
        "intermediate": ("中级", "intermediate"),
        "junior": ("初级", "junior"),
        "none": ("无", "none"),
    },
    {"正高": "senior", "副高": "deputy_senior", "": "none"},
)


class UnitStatus(LabelledEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DISSOLVED = "dissolved"


set_labels(
    UnitStatus,
    {
        "active": ("正常", "active"),
        "suspended": ("暂停", "suspended"),
        "dissolved": ("已撤销", "dissolved"),
    },
    {"": "active", "活跃": "active", "撤销": "dissolved"},
)


class PlatformKind(LabelledEnum):
    """Standing platforms (阵地/平台) registered on their own."""

    HOME_OF_WORKERS = "home_of_workers"
    EXPERT_WORKSTATION = "expert_workstation"
    MEDIA_ACCOUNT = "media_account"
    EDUCATION_BASE = "education_base"
    COOPERATION_PLATFORM = "cooperation_platform"
    SCIENCE_TERMINAL = "science_terminal"
    WEBSITE = "website"
    BULLETIN_BOARD = "bulletin_board"
    OTHER = "other"


set_labels(
    PlatformKind,
    {
        "home_of_workers": ("科技工作者之家", "home of S&T workers"),
        "expert_workstation": ("院士专家工作站", "academician expert workstation"),
        "media_account": ("新媒体账号", "new-media account"),
        "education_base": ("教育基地", "education base"),
        "cooperation_platform": ("合作平台", "cooperation platform"),
        "science_terminal": ("数字科普终端", "digital science terminal"),
        "website": ("网站", "website"),
        "bulletin_board": ("宣传栏", "bulletin board"),
        "other": ("其他", "other"),
    },
    {
        "专家工作站": "expert_workstation",
        "会企合作平台": "cooperation_platform",
        "会院合作平台": "cooperation_platform",
    },
)
