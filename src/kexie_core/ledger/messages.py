"""Problems with ledger rows, in Chinese and English, for the error file (错误文件).

Validation messages come from the model in English (pydantic's, and the identifier and date
checks'). A clerk reads Chinese, so each known message is matched here against a catalogue and
given its Chinese wording; an unknown one (a plug-in's rule, say) keeps its own text in both
columns rather than being lost. Messages never carry an ID or phone number: the model masks them
before they get here, and ``RowError.value`` is masked by the caller for personal columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from ..model.errors import Problem, problems_from_validation


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one row (or with the whole file, ``row`` 1 being the header).

    :param row: the row number a clerk sees in the spreadsheet (the header is row 1).
    :param field: the field name (``id_number``), empty for the row as a whole.
    :param column: the column header as written in the file (``身份证号``).
    :param value: the cell as read, masked when the column is personal.
    :param zh: the message in Chinese; :param en: in English.
    :param warning: the row loaded anyway (e.g. a legacy credit code kept as it is).
    """

    row: int
    field: str
    column: str
    value: str
    zh: str
    en: str
    warning: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    """A field-level message in both languages (before it is tied to a row)."""

    field: str
    zh: str
    en: str


_ENUM_ZH = {
    "UnitKind": "单位类型",
    "UnitStatus": "状态",
    "HostCategory": "依托单位类别",
    "Area": "工作领域",
    "Gender": "性别",
    "ExpertLevel": "专家类别",
    "StudyStatus": "在读状态",
    "Degree": "学历",
    "TitleLevel": "职称级别",
    "PlatformKind": "平台类型",
}

_ID_REASONS: tuple[tuple[str, str], ...] = (
    (r"check character is wrong", "校验码错误"),
    (r"expected exactly 17 digits", "前 17 位应全为数字"),
    (r"a 15-digit \(first-generation\) number must contain only digits", "15 位一代证只能是数字"),
    (r"expected 17 digits followed by a digit or X", "应为 17 位数字加 1 位数字或 X"),
    (
        r"expected 18 characters \(or 15 for a first-generation number\), got (\d+)",
        "应为 18 位（一代证 15 位），实际 {0} 位",
    ),
    (r"expected 18 characters, got (\d+)", "应为 18 位，实际 {0} 位"),
    (r"expected six digits", "应为 6 位数字"),
    (r"(\S+) is not a real province code", "{0} 不是有效的省级代码"),
    (r"birth date (\S+) is not a real date", "其中的出生日期 {0} 不是真实日期"),
    (r"birth date (\S+) is in the future", "其中的出生日期 {0} 在今天之后"),
    (r"birth date (\S+) is before (\S+)", "其中的出生日期 {0} 早于 {1}"),
    (
        r"character\(s\) at position (.+) not allowed.*",
        "第 {0} 位字符不允许（只能是数字和 I、O、S、V、Z 以外的大写字母）",
    ),
    (r"positions 3-8 must be a six-digit division code", "第 3–8 位应为 6 位行政区划代码"),
    (
        r"not a mobile number .*",
        "不是手机号（13–19 开头的 11 位）或带区号的固定电话",
    ),
)

_ID_KINDS = {
    "resident ID": ("身份证号", "id_number"),
    "phone number": ("电话号码", ""),
    "unified social credit code": ("统一社会信用代码", ""),
    "division code": ("行政区划代码", "division_code"),
}

# (pattern, Chinese template, field when the model gives none)
_CATALOGUE: tuple[tuple[str, str, str], ...] = (
    (r"Field required", "必填，不能为空", ""),
    (r"String should have at least 1 character", "不能为空", ""),
    (r"String should have at most (\d+) characters?", "不能超过 {0} 个字符", ""),
    (
        r"String should match pattern .*",
        "只能包含字母、数字和 - _ . ，并以字母或数字开头",
        "",
    ),
    (r"Input should be a valid integer.*", "应为整数", ""),
    (r"Input should be a valid number.*", "应为数字", ""),
    (r"Input should be a valid boolean.*", "应为“是”或“否”", ""),
    (r"Input should be a valid string", "应为文字", ""),
    (r"Input should be a valid dictionary.*", '应为 JSON 对象，例如 {{"days": 2}}', ""),
    (r"Input should be a valid list", "应为列表", ""),
    (r"Input should be greater than or equal to (\S+)", "不能小于 {0}", ""),
    (r"Input should be greater than (\S+)", "应大于 {0}", ""),
    (r"Input should be less than or equal to (\S+)", "不能大于 {0}", ""),
    (r"Input should be (.+)", "应为 {0} 之一", ""),
    (r"Extra inputs are not permitted", "不认识的字段", ""),
    (r"(\d{4}-\d{2}-\d{2}) is not a real date", "{0} 不是真实存在的日期", ""),
    (
        r"(.+) is not a date; use .*",
        "{0} 不是日期；请写成 2026-07-01、2026/7/1、2026年7月1日 或 Excel 日期",
        "",
    ),
    (r"(.+) is not a date", "{0} 不是日期", ""),
    (r"unknown (\w+) (.+?); expected one of: (.+)", "未知的{zh0} {1}；可选：{2}", ""),
    (r"birth_date does not agree with the ID number", "出生日期与身份证号不符", "birth_date"),
    (r"gender does not agree with the ID number", "性别与身份证号不符", "gender"),
    (r"left_on is before joined_on", "退出（退会）日期早于加入（入会）日期", "left_on"),
    (r"ended_on is before started_on", "结束日期早于开始日期", "ended_on"),
    (r"dissolved_on is before founded_on", "撤销日期早于成立日期", "dissolved_on"),
    (r"a unit cannot be its own parent", "单位不能是自己的上级", "parent"),
    (
        r"not a reporting period: (.+?); accepted forms: .*",
        "{0} 不是有效的期间；可写 2026、2026H1、2026Q3、2026-07、2026年上半年、2026年第三季度、"
        "2026年7月",
        "",
    ),
    (r"unknown work kind (.+)", "未知的工作事项类型 {0}", "kind"),
    (r"kind (\S+) belongs to area (\S+), not (\S+)", "事项类型 {0} 属于领域 {1}，不是 {2}", "area"),
    (
        r"(\S+) falls in (\S+), and the report of (.+?) for (\S+) was accepted.*",
        "{0} 属于 {1}，{2} 的 {3} 报告已审核通过、数据已冻结；请审核单位先重新打开该报告"
        "（kexie report reopen）",
        "started_on",
    ),
)
_COMPILED = tuple((re.compile(p + r"\Z", re.S), zh, f) for p, zh, f in _CATALOGUE)
_ID_COMPILED = tuple((re.compile(p + r"\Z", re.S), zh) for p, zh in _ID_REASONS)
_INSTANCE = re.compile(r"Input should be an instance of ")
_ID_PREFIX = re.compile(
    r"(resident ID|phone number|unified social credit code|division code)( (\S+))?: (.+)\Z", re.S
)


def _fill(template: str, groups: Iterable[str | None]) -> str:
    values = [g or "" for g in groups]
    extra = {f"zh{i}": _ENUM_ZH.get(v, v) for i, v in enumerate(values)}
    return template.format(*values, **extra)


def translate(message: str) -> tuple[str, str]:
    """``(Chinese, field)`` for an English message; unknown messages keep their text."""
    text = message.strip()
    legacy = text.endswith("(kept as a legacy code)")
    if legacy:
        text = text[: -len("(kept as a legacy code)")].strip()
    found = _ID_PREFIX.match(text)
    if found:
        kind, _, masked, reason = found.groups()
        zh_kind, field = _ID_KINDS[kind]
        zh_reason = next(
            (_fill(zh, m.groups()) for rx, zh in _ID_COMPILED if (m := rx.match(reason))),
            reason,
        )
        zh = f"{zh_kind} {masked}：{zh_reason}" if masked else f"{zh_kind}：{zh_reason}"
        if legacy:
            zh += "（按旧代码保留）"
        return zh, field
    for rx, template, field in _COMPILED:
        m = rx.match(text)
        if m:
            return _fill(template, m.groups()), field
    return message, ""


def message(field: str, en: str) -> Message:
    zh, implied = translate(en)
    return Message(field or implied, zh, en)


def from_validation(exc: ValidationError) -> list[Message]:
    """The problems of a pydantic error, each with its field and both languages.

    pydantic names the branches of a union in the location (``period.is-instance[Period]``);
    a clerk only needs the column, and only the branch that explains the mistake.
    """
    found: list[Message] = []
    for problem in problems_from_validation(exc):
        parts = problem.field.split(".")
        while len(parts) > 1 and ("[" in parts[-1] or "-" in parts[-1]):
            parts.pop()
        found.append(from_problem(Problem(".".join(parts), problem.message)))
    fields_with_reasons = {m.field for m in found if not _INSTANCE.match(m.en)}
    return [m for m in found if not (_INSTANCE.match(m.en) and m.field in fields_with_reasons)]


def from_problem(problem: Problem) -> Message:
    return message(problem.field, problem.message)


def from_problems(problems: Iterable[Problem]) -> list[Message]:
    return [from_problem(p) for p in problems]


Masker = Callable[[str], str]
