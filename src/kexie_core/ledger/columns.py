"""Column names of every record kind, in English (snake_case) and Chinese.

A ledger may use either; the Chinese header is what exports write by default. Aliases are other
Chinese spellings clerks use for the same column.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    zh: str
    aliases: tuple[str, ...] = ()
    personal: bool = False  # masked in error files and exports


@dataclass(frozen=True)
class KindColumns:
    kind: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    def header_map(self) -> dict[str, str]:
        """Every accepted header (English, Chinese, aliases) → field name."""
        mapping: dict[str, str] = {}
        for col in self.columns:
            for header in (col.name, col.zh, *col.aliases):
                mapping[_norm(header)] = col.name
        return mapping

    def zh(self, name: str) -> str:
        return next(c.zh for c in self.columns if c.name == name)


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


C = ColumnSpec

KINDS: dict[str, KindColumns] = {
    "units": KindColumns(
        "units",
        (
            C("code", "单位代码", ("组织代码", "代码")),
            C("name", "单位名称", ("名称", "组织名称")),
            C("kind", "单位类型", ("类型", "组织类型")),
            C("parent", "上级单位代码", ("上级单位", "上级代码")),
            C("division_code", "行政区划代码", ("区划代码",)),
            C("host_uscc", "依托单位信用代码", ("依托单位统一社会信用代码",)),
            C("status", "状态"),
            C("founded_on", "成立日期", ("成立时间",)),
            C("dissolved_on", "撤销日期"),
            C("term_ends_on", "届满日期", ("换届日期", "本届届满日期")),
            C("contact_name", "联系人"),
            C("contact_phone", "联系电话", personal=True),
        ),
        key=("code",),
    ),
    "hosts": KindColumns(
        "hosts",
        (
            C("name", "依托单位名称", ("单位名称", "名称")),
            C("uscc", "统一社会信用代码", ("信用代码",)),
            C("category", "类别", ("单位类别",)),
            C("territory", "所在县区代码", ("所在县区", "属地")),
            C("science_type", "科技型", ("是否科技型",)),
        ),
        key=("uscc",),
    ),
    "members": KindColumns(
        "members",
        (
            C("member_no", "会员编号", ("编号",)),
            C("name", "姓名"),
            C("unit", "所属单位代码", ("所属单位",)),
            C("id_number", "身份证号", ("身份证号码", "公民身份号码"), personal=True),
            C("gender", "性别"),
            C("birth_date", "出生日期"),
            C("lunar_birthday", "农历生日", ("过农历生日",)),
            C("phone", "手机号", ("联系电话", "手机", "电话"), personal=True),
            C("email", "电子邮箱", ("邮箱",)),
            C("degree", "学历", ("学位",)),
            C("title_level", "职称级别", ("职称",)),
            C("field", "专业领域", ("专业",)),
            C("employer", "工作单位"),
            C("political_status", "政治面貌"),
            C("expert_level", "专家类别", ("专家级别",)),
            C("linyi_native", "临沂籍"),
            C("works_in_linyi", "在临工作", ("在临沂工作",)),
            C("study_status", "在读状态", ("博士生/博士后",)),
            C("joined_on", "入会日期", ("入会时间",)),
            C("left_on", "退会日期"),
        ),
        key=("member_no",),
    ),
    "memberships": KindColumns(
        "memberships",
        (
            C("member_no", "会员编号"),
            C("unit", "单位代码", ("所属单位代码",)),
            C("role", "职务", ("角色",)),
            C("joined_on", "加入日期"),
            C("left_on", "退出日期"),
        ),
        key=("member_no", "unit"),
    ),
    "work-items": KindColumns(
        "work-items",
        (
            C("external_id", "事项编号", ("编号",)),
            C("kind", "事项类型", ("类型",)),
            C("area", "工作领域", ("领域",)),
            C("unit", "组织单位代码", ("组织单位", "单位代码")),
            C("title", "事项名称", ("名称", "活动名称")),
            C("started_on", "开始日期", ("日期", "活动日期")),
            C("ended_on", "结束日期"),
            C("participants", "参与人次", ("参加人数", "人次")),
            C("hours", "学时", ("时长",)),
            C("member_nos", "相关会员编号", ("相关会员",)),
            C("details", "详情"),
            C("evidence", "佐证材料", ("附件",)),
        ),
        key=("external_id",),
    ),
    "platforms": KindColumns(
        "platforms",
        (
            C("code", "平台编号", ("编号",)),
            C("name", "平台名称", ("名称",)),
            C("kind", "平台类型", ("类型",)),
            C("unit", "所属单位代码", ("所属单位",)),
            C("established_on", "建立日期", ("成立日期",)),
            C("closed_on", "撤销日期"),
            C("url", "网址", ("链接",)),
            C("details", "详情"),
        ),
        key=("code",),
    ),
    "targets": KindColumns(
        "targets",
        (
            C("unit", "单位代码"),
            C("metric", "指标"),
            C("period", "期间", ("时期",)),
            C("value", "目标值", ("目标",)),
        ),
        key=("unit", "metric", "period"),
    ),
}
