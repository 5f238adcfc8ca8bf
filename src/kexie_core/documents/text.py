"""Headings, column headers and number formats shared by every writer, in Chinese and English.

Keeping them here means the docx, xlsx, html and md writers name the same things the same way.
"""

from __future__ import annotations

import unicodedata

from .model import Number

_TEXT: dict[str, tuple[str, str]] = {
    "report_title": ("{unit}{period}工作报告", "{unit} work report, {period}"),
    "headline": ("主要指标", "Headline figures"),
    "sections": ("分领域指标", "Metrics by area"),
    "coverage": ("组织覆盖情况", "Organisational coverage"),
    "children": ("下级单位对比", "Comparison of child units"),
    "work_items": ("重点工作事项", "Notable work items"),
    "trend": ("指标趋势", "Trend over periods"),
    "narrative": ("工作总结", "Narrative"),
    "no_narrative": ("本期尚未填写工作总结。", "No narrative has been written for this period."),
    "no_rows": ("无", "none"),
    "generated": ("生成时间", "Generated"),
    "unit": ("单位", "Unit"),
    "unit_code": ("单位代码", "Unit code"),
    "unit_kind": ("单位类型", "Unit kind"),
    "period": ("统计期间", "Period"),
    "area": ("领域", "Area"),
    "metric": ("指标", "Metric"),
    "measure": ("计量单位", "Measure"),
    "value": ("合计", "Total"),
    "own": ("本级", "Own"),
    "target": ("目标", "Target"),
    "achievement": ("完成率", "Achievement"),
    "category": ("依托单位类别", "Host category"),
    "all_categories": ("全部类别", "All categories"),
    "hosts": ("依托单位数", "Hosts"),
    "covered": ("已建科协数", "With an association"),
    "rate": ("覆盖率", "Coverage rate"),
    "date": ("日期", "Date"),
    "title": ("事项名称", "Title"),
    "kind": ("事项类型", "Kind"),
    "organiser": ("组织单位", "Organised by"),
    "participants": ("参与人次", "Participants"),
    "work_count": ("本领域工作事项 {n} 项。", "{n} work items in this area."),
    "no_metrics": ("本领域暂无指标。", "No metrics in this area."),
    "contents": ("目录", "Contents"),
    "sheet_summary": ("概况", "Summary"),
}

#: Chinese ordinals for 公文 headings: 一、二、… and （一）（二）…
ZH_NUMERALS = "一二三四五六七八九十"


def t(key: str, lang: str, **kwargs: object) -> str:
    zh, en = _TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**kwargs) if kwargs else text


def zh_ordinal(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十 (enough for the headings of a report)."""
    if n <= 10:
        return ZH_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else ZH_NUMERALS[tens - 1]
    return head + "十" + (ZH_NUMERALS[ones - 1] if ones else "")


def heading(level: int, n: int, text: str, lang: str) -> str:
    """A numbered heading: level 1 ``一、`` and level 2 ``（一）`` in Chinese; ``1.``/``1.1`` style
    numbers are left to the reader in English (plain ``1.`` and ``(a)``)."""
    if lang == "zh":
        return f"{zh_ordinal(n)}、{text}" if level == 1 else f"（{zh_ordinal(n)}）{text}"
    return f"{n}. {text}" if level == 1 else f"({chr(ord('a') + n - 1)}) {text}"


def number(value: Number | None, *, percent: bool = False, empty: str = "—") -> str:
    """A figure as text: integers plain, fractions to two places, rates as ``85.0%``."""
    if value is None:
        return empty
    if percent:
        return f"{value * 100:.1f}%"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.2f}"


def display_width(text: str) -> int:
    """Width in monospace cells: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
