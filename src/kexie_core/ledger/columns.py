"""Column names of every record kind, in English (snake_case) and Chinese.

A ledger (台账) may use either; the Chinese header is what exports write by default. Aliases are
other Chinese spellings clerks use for the same column. Each column also says what kind of value
it holds (``ColumnType``), which the readers use to turn spreadsheet cells into values (an Excel
number in a code column becomes text again) and the writers use to type XLSX cells (codes, ID and
phone numbers as text, dates as dates, numbers as numbers).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..model.enums import (
    Area,
    Degree,
    ExpertLevel,
    Gender,
    HostCategory,
    LabelledEnum,
    PlatformKind,
    StudyStatus,
    TitleLevel,
    UnitKind,
    UnitStatus,
)


class ColumnType(StrEnum):
    """What a column holds; decides how a cell is read and how it is written."""

    TEXT = "text"
    CODE = "code"  # an identifier: always text, never a number (371323, not 371323.0)
    DATE = "date"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"  # 是/否
    ENUM = "enum"  # a closed vocabulary (``vocab``): key or Chinese/English label
    LIST = "list"  # several values separated by ; ；, ， 、 or spaces
    JSON = "json"  # a JSON object
    ID_NUMBER = "id_number"  # resident ID (personal)
    PHONE = "phone"  # phone number (personal)
    USCC = "uscc"  # unified social credit code
    PERIOD = "period"  # 2026, 2026H1, 2026Q3, 2026-07
    WORK_KIND = "work_kind"  # a work kind key or label (from the plug-in registry)


#: Column types written as text cells in XLSX, whatever they look like.
TEXT_TYPES = frozenset(
    {ColumnType.TEXT, ColumnType.CODE, ColumnType.ID_NUMBER, ColumnType.PHONE, ColumnType.USCC}
)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a ledger.

    :param name: the field name (English snake_case header, JSON key).
    :param zh: the Chinese header exports write.
    :param aliases: other headers accepted on import.
    :param personal: personal information: masked in error files and exports.
    :param en: a short English description (docs).
    :param type: what the column holds.
    :param vocab: the vocabulary of an ``enum`` column.
    :param required: a file without this column is refused as a whole.
    :param note: what a clerk should know when filling it in (docs, Chinese and English).
    """

    name: str
    zh: str
    aliases: tuple[str, ...] = ()
    personal: bool = False  # masked in error files and exports
    en: str = ""
    type: ColumnType = ColumnType.TEXT
    vocab: builtins.type[LabelledEnum] | None = None
    required: bool = False
    note: str = ""

    def header(self, lang: str = "zh") -> str:
        """The header exports write: Chinese, or the English field name."""
        return self.zh if lang == "zh" else self.name


@dataclass(frozen=True)
class KindColumns:
    kind: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    entity: str = ""  # the record kind on write paths: ``unit``, ``member``, ``work_item``…
    zh_name: str = ""  # 组织单元, 会员 … (docs, sheet names)
    en_name: str = ""

    def header_map(self) -> dict[str, str]:
        """Every accepted header (English, Chinese, aliases) → field name."""
        mapping: dict[str, str] = {}
        for col in self.columns:
            for header in (col.name, col.zh, *col.aliases):
                mapping[_norm(header)] = col.name
        return mapping

    def zh(self, name: str) -> str:
        return next(c.zh for c in self.columns if c.name == name)

    def spec(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)

    def sheet_names(self) -> tuple[str, ...]:
        """Names of the XLSX sheet that holds this kind (else the first sheet is read)."""
        return tuple(n for n in (self.kind, self.zh_name, self.en_name) if n)


def _norm(header: str) -> str:
    return (
        header.strip()
        .lstrip("\ufeff")
        .replace(" ", "")
        .replace("（", "(")
        .replace("）", ")")
        .lower()
    )


def normalize_header(header: str) -> str:
    return _norm(header)


def _column(
    name: str,
    zh: str,
    aliases: tuple[str, ...] = (),
    personal: bool = False,
    *,
    en: str = "",
    type: ColumnType = ColumnType.TEXT,
    vocab: Any = None,
    required: bool = False,
    note: str = "",
) -> ColumnSpec:
    if vocab is not None:
        type = ColumnType.ENUM
    return ColumnSpec(name, zh, aliases, personal, en, type, vocab, required, note)


C = _column
T = ColumnType

KINDS: dict[str, KindColumns] = {
    "units": KindColumns(
        "units",
        (
            C("code", "单位代码", ("组织代码", "代码"), en="unit code", type=T.CODE, required=True),
            C("name", "单位名称", ("名称", "组织名称"), en="name", required=True),
            C(
                "kind",
                "单位类型",
                ("类型", "组织类型"),
                en="kind of unit",
                vocab=UnitKind,
                required=True,
            ),
            C(
                "parent",
                "上级单位代码",
                ("上级单位", "上级代码"),
                en="parent unit code",
                type=T.CODE,
                note="空白仅限根单位；可以是同一文件中后面的行 / blank only for the root unit; may "
                "be a unit further down the same file",
            ),
            C(
                "division_code",
                "行政区划代码",
                ("区划代码",),
                en="GB/T 2260 division code",
                type=T.CODE,
            ),
            C(
                "host_uscc",
                "依托单位信用代码",
                ("依托单位统一社会信用代码",),
                en="USCC of the host organisation",
                type=T.USCC,
                note="依托单位须已导入 / the host must have been imported",
            ),
            C("status", "状态", en="status", vocab=UnitStatus),
            C("founded_on", "成立日期", ("成立时间",), en="founded on", type=T.DATE),
            C("dissolved_on", "撤销日期", en="dissolved on", type=T.DATE),
            C(
                "term_ends_on",
                "届满日期",
                ("换届日期", "本届届满日期"),
                en="current term ends on",
                type=T.DATE,
            ),
            C("contact_name", "联系人", en="contact person"),
            C("contact_phone", "联系电话", personal=True, en="contact phone", type=T.PHONE),
        ),
        key=("code",),
        entity="unit",
        zh_name="组织单元",
        en_name="units",
    ),
    "hosts": KindColumns(
        "hosts",
        (
            C("name", "依托单位名称", ("单位名称", "名称"), en="name", required=True),
            C(
                "uscc",
                "统一社会信用代码",
                ("信用代码",),
                en="unified social credit code",
                type=T.USCC,
                note="无代码时按“所在县区+名称”匹配 / without a code, matched on territory and "
                "name",
            ),
            C("category", "类别", ("单位类别",), en="category", vocab=HostCategory, required=True),
            C(
                "territory",
                "所在县区代码",
                ("所在县区", "属地"),
                en="territory (unit code)",
                type=T.CODE,
                required=True,
            ),
            C("science_type", "科技型", ("是否科技型",), en="science-type", type=T.BOOL),
        ),
        key=("uscc",),
        entity="host",
        zh_name="依托单位",
        en_name="hosts",
    ),
    "members": KindColumns(
        "members",
        (
            C("member_no", "会员编号", ("编号",), en="member number", type=T.CODE, required=True),
            C("name", "姓名", en="name", required=True),
            C(
                "unit",
                "所属单位代码",
                ("所属单位",),
                en="unit keeping the record (unit code)",
                type=T.CODE,
                required=True,
            ),
            C(
                "id_number",
                "身份证号",
                ("身份证号码", "公民身份号码"),
                personal=True,
                en="resident ID number",
                type=T.ID_NUMBER,
                note="只保存密钥哈希和脱敏形式；导出的脱敏号码导回时保持原值 / only a keyed hash "
                "and a masked form are kept; a masked number (as exported) keeps what is stored",
            ),
            C(
                "gender",
                "性别",
                en="gender",
                vocab=Gender,
                note="有身份证号时由其推出 / taken from the ID number when given",
            ),
            C("birth_date", "出生日期", en="birth date", type=T.DATE),
            C(
                "lunar_birthday",
                "农历生日",
                ("过农历生日",),
                en="keeps a lunar birthday",
                type=T.BOOL,
            ),
            C(
                "phone",
                "手机号",
                ("联系电话", "手机", "电话"),
                personal=True,
                en="phone",
                type=T.PHONE,
            ),
            C("email", "电子邮箱", ("邮箱",), en="email"),
            C("degree", "学历", ("学位",), en="degree", vocab=Degree),
            C(
                "title_level",
                "职称级别",
                ("职称",),
                en="professional title level",
                vocab=TitleLevel,
            ),
            C("field", "专业领域", ("专业",), en="field"),
            C("employer", "工作单位", en="employer"),
            C("political_status", "政治面貌", en="political status"),
            C("expert_level", "专家类别", ("专家级别",), en="expert level", vocab=ExpertLevel),
            C("linyi_native", "临沂籍", en="native of Linyi", type=T.BOOL),
            C("works_in_linyi", "在临工作", ("在临沂工作",), en="works in Linyi", type=T.BOOL),
            C(
                "study_status",
                "在读状态",
                ("博士生/博士后",),
                en="doctoral student or postdoc",
                vocab=StudyStatus,
            ),
            C("joined_on", "入会日期", ("入会时间",), en="joined on", type=T.DATE),
            C("left_on", "退会日期", en="left on", type=T.DATE),
        ),
        key=("member_no",),
        entity="member",
        zh_name="会员",
        en_name="members",
    ),
    "memberships": KindColumns(
        "memberships",
        (
            C("member_no", "会员编号", en="member number", type=T.CODE, required=True),
            C("unit", "单位代码", ("所属单位代码",), en="unit code", type=T.CODE, required=True),
            C("role", "职务", ("角色",), en="role", note="默认“会员” / default 会员"),
            C("joined_on", "加入日期", en="joined on", type=T.DATE),
            C("left_on", "退出日期", en="left on", type=T.DATE),
        ),
        key=("member_no", "unit"),
        entity="membership",
        zh_name="会员所属关系",
        en_name="memberships",
    ),
    "work-items": KindColumns(
        "work-items",
        (
            C(
                "external_id",
                "事项编号",
                ("编号",),
                en="work item id",
                type=T.CODE,
                note="无编号时按“单位+类型+名称+开始日期”匹配 / without an id, matched on unit, "
                "kind, title and start date",
            ),
            C("kind", "事项类型", ("类型",), en="kind of work", type=T.WORK_KIND, required=True),
            C(
                "area",
                "工作领域",
                ("领域",),
                en="area (1–8, R1–R3)",
                vocab=Area,
                note="由事项类型决定，可留空 / decided by the kind; may be blank",
            ),
            C(
                "unit",
                "组织单位代码",
                ("组织单位", "单位代码"),
                en="organising unit (code)",
                type=T.CODE,
                required=True,
            ),
            C("title", "事项名称", ("名称", "活动名称"), en="title", required=True),
            C(
                "started_on",
                "开始日期",
                ("日期", "活动日期"),
                en="started on",
                type=T.DATE,
                required=True,
            ),
            C("ended_on", "结束日期", en="ended on", type=T.DATE),
            C("participants", "参与人次", ("参加人数", "人次"), en="participants", type=T.INT),
            C("hours", "学时", ("时长",), en="hours", type=T.FLOAT),
            C(
                "member_nos",
                "相关会员编号",
                ("相关会员",),
                en="members taking part (numbers)",
                type=T.LIST,
            ),
            C("details", "详情", en="details (JSON object)", type=T.JSON),
            C("evidence", "佐证材料", ("附件",), en="evidence (links or file names)", type=T.LIST),
        ),
        key=("external_id",),
        entity="work_item",
        zh_name="工作事项",
        en_name="work items",
    ),
    "platforms": KindColumns(
        "platforms",
        (
            C("code", "平台编号", ("编号",), en="platform code", type=T.CODE, required=True),
            C("name", "平台名称", ("名称",), en="name", required=True),
            C(
                "kind",
                "平台类型",
                ("类型",),
                en="kind of platform",
                vocab=PlatformKind,
                required=True,
            ),
            C("unit", "所属单位代码", ("所属单位",), en="unit (code)", type=T.CODE, required=True),
            C("established_on", "建立日期", ("成立日期",), en="established on", type=T.DATE),
            C("closed_on", "撤销日期", en="closed on", type=T.DATE),
            C("url", "网址", ("链接",), en="web address"),
            C("details", "详情", en="details (JSON object)", type=T.JSON),
        ),
        key=("code",),
        entity="platform",
        zh_name="阵地平台",
        en_name="platforms",
    ),
    "targets": KindColumns(
        "targets",
        (
            C("unit", "单位代码", en="unit code", type=T.CODE, required=True),
            C("metric", "指标", en="metric key", type=T.CODE, required=True),
            C("period", "期间", ("时期",), en="period", type=T.PERIOD, required=True),
            C("value", "目标值", ("目标",), en="target value", type=T.FLOAT, required=True),
        ),
        key=("unit", "metric", "period"),
        entity="target",
        zh_name="目标值",
        en_name="targets",
    ),
}
