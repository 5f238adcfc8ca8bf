"""Vocabularies of the people programmes: festivals, visit occasions, calendar occasions and kinds
of disqualifying record, each with Chinese and English labels.

Stable English keys are stored (in a visit's ``details``, in a calendar's JSON); ``parse`` also
accepts the Chinese a clerk types (``"春节"`` → ``Festival.SPRING_FESTIVAL``).
"""

from __future__ import annotations

from ..model.enums import LabelledEnum, set_labels

#: Expert levels whose holders are cared for under clause 8 (院士 and 高层次专家).
EXPERT_LEVELS: tuple[str, ...] = ("high_level", "academician")


class Festival(LabelledEnum):
    """Festivals on which experts are visited (节日走访)."""

    SPRING_FESTIVAL = "spring_festival"
    ST_WORKERS_DAY = "st_workers_day"
    MID_AUTUMN = "mid_autumn"
    NATIONAL_DAY = "national_day"
    DOUBLE_NINTH = "double_ninth"


set_labels(
    Festival,
    {
        "spring_festival": ("春节", "Spring Festival"),
        "st_workers_day": ("全国科技工作者日", "National S&T Workers' Day"),
        "mid_autumn": ("中秋节", "Mid-Autumn Festival"),
        "national_day": ("国庆节", "National Day"),
        "double_ninth": ("重阳节", "Double Ninth Festival"),
    },
    {
        "春节前": "spring_festival",
        "新春": "spring_festival",
        "元旦春节": "spring_festival",
        "科技工作者日": "st_workers_day",
        "workers_day": "st_workers_day",
        "5·30": "st_workers_day",
        "530": "st_workers_day",
        "中秋": "mid_autumn",
        "国庆": "national_day",
        "重阳": "double_ninth",
        "老年节": "double_ninth",
    },
)


class VisitOccasion(LabelledEnum):
    """Why an expert was visited (走访事由): the ``occasion`` of an ``expert_visit``."""

    FESTIVAL = "festival"
    BIRTHDAY = "birthday"
    ILLNESS = "illness"
    ACHIEVEMENT = "achievement"
    ROUTINE = "routine"


set_labels(
    VisitOccasion,
    {
        "festival": ("节日走访", "festival"),
        "birthday": ("生日祝寿", "birthday"),
        "illness": ("生病住院看望", "illness"),
        "achievement": ("重大成就祝贺", "achievement"),
        "routine": ("日常走访", "routine"),
    },
    {
        "节日": "festival",
        "生日": "birthday",
        "祝寿": "birthday",
        "生病": "illness",
        "住院": "illness",
        "看望病人": "illness",
        "成就": "achievement",
        "祝贺": "achievement",
        "获奖": "achievement",
        "日常": "routine",
        "走访": "routine",
    },
)


class Occasion(LabelledEnum):
    """What a line of the care calendar (关怀日历) is about."""

    SPRING_FESTIVAL = "spring_festival"
    ST_WORKERS_DAY = "st_workers_day"
    MID_AUTUMN = "mid_autumn"
    NATIONAL_DAY = "national_day"
    DOUBLE_NINTH = "double_ninth"
    BIRTHDAY = "birthday"
    FOLLOW_UP = "follow_up"
    CONGRATULATION = "congratulation"
    RENEWAL = "renewal"

    @property
    def festival(self) -> Festival | None:
        return Festival(self.value) if self.value in Festival._value2member_map_ else None

    @property
    def visit_occasion(self) -> VisitOccasion | None:
        """The visit occasion that marks a line of this kind as done (None: no visit expected)."""
        if self.festival is not None:
            return VisitOccasion.FESTIVAL
        return {
            "birthday": VisitOccasion.BIRTHDAY,
            "congratulation": VisitOccasion.ACHIEVEMENT,
        }.get(self.value)


set_labels(
    Occasion,
    {
        **{f.value: Festival._labels[f.value] for f in Festival},
        "birthday": ("生日", "birthday"),
        "follow_up": ("回访", "follow-up visit"),
        "congratulation": ("获奖祝贺", "congratulation on an honour"),
        "renewal": ("换届", "council renewal"),
    },
)


class DisqualificationKind(LabelledEnum):
    """Records that bar a member from award selections while in force."""

    MISCONDUCT = "misconduct"
    SANCTION = "sanction"
    PENALTY = "penalty"
    OTHER = "other"


set_labels(
    DisqualificationKind,
    {
        "misconduct": ("科研失信", "research misconduct"),
        "sanction": ("党纪政务处分", "disciplinary sanction"),
        "penalty": ("刑事处罚", "criminal penalty"),
        "other": ("其他不良记录", "other disqualifying record"),
    },
    {"失信": "misconduct", "学术不端": "misconduct", "处分": "sanction", "刑罚": "penalty"},
)

__all__ = [
    "EXPERT_LEVELS",
    "DisqualificationKind",
    "Festival",
    "Occasion",
    "VisitOccasion",
]
