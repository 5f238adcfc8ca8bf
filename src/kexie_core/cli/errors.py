"""Chinese for the errors a clerk meets most on the command line (常见错误的中文说明).

The library raises its errors in English (they are for developers and logs too). The command line
prints the Chinese first when it knows the message, then the English as raised, so a clerk reads
what went wrong and a developer can still search for the text. Messages not listed here are
printed as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..workflow.states import ACTION_LABELS

_ACTIONS = {action: f"{zh}（{action}）" for action, (zh, _) in ACTION_LABELS.items()}
#: The past participles report messages use ("it cannot be submitted").
_DONE = {"submitted": "报送", "accepted": "审核通过", "returned": "退回", "reopened": "重新打开"}


def _actions(text: str) -> str:
    names = [a.strip() for a in text.split(",") if a.strip()]
    return "、".join(_ACTIONS.get(a, a) for a in names) or "无"


def _not_possible(m: re.Match[str]) -> str:
    report, label, done, possible = m.group(1), m.group(3), m.group(4), m.group(5)
    verb = _DONE.get(done, done)
    return f"报告 {report} 当前状态为“{label}”，不能{verb}；现在可以：{_actions(possible)}"


_CATALOGUE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern + r"\Z", re.S), render)
    for pattern, render in (
        (
            r"(.+?) may not read or change (?:.+? of )?unit (\S+): it is outside (\S+)'s subtree",
            lambda m: (
                f"{m.group(1)} 无权查看或修改单位 {m.group(2)}：它不在 {m.group(3)} 的下级范围内"
            ),
        ),
        (r"unit '(.+)' does not exist", lambda m: f"单位 {m.group(1)} 不存在"),
        (
            r"there are no units yet: .*",
            lambda m: "数据库中还没有单位：请先导入单位（kexie import units）",
        ),
        (
            r"(.+) has no report for (\S+) (?:yet.*|to \w+)",
            lambda m: f"{m.group(1)} 还没有 {m.group(2)} 的报告",
        ),
        (
            r"(.+) already has a report for (\S+)",
            lambda m: f"{m.group(1)} 已有 {m.group(2)} 的报告",
        ),
        (r"report (\S+) is (\w+) \((.+?)\): it cannot be (\w+); possible now: (.*)", _not_possible),
        (
            r"report (\S+) is (\w+): its narrative can change only while .*",
            lambda m: f"报告 {m.group(1)} 只有在草稿、被退回或重新打开时才能修改正文",
        ),
        (
            r"(.+) may not (\w+) its own report: only a unit above it in the tree reviews it",
            lambda m: (
                f"{m.group(1)} 不能{_ACTIONS.get(m.group(2), m.group(2))}本单位的报告："
                "报告由上级单位审核"
            ),
        ),
        (
            r"(.+) may not (\w+) the report of (.+): only a unit above it in the tree reviews it",
            lambda m: (
                f"{m.group(1)} 不能{_ACTIONS.get(m.group(2), m.group(2))} {m.group(3)} "
                "的报告：报告由其上级单位审核"
            ),
        ),
        (
            r"(.+) may not (\w+) the report of (.+): a unit submits only its own report.*",
            lambda m: (
                f"{m.group(1)} 不能{_ACTIONS.get(m.group(2), m.group(2))} {m.group(3)} "
                "的报告：各单位只报送本单位的报告（以该单位身份操作：--as 单位代码）"
            ),
        ),
        (
            r"report (\S+) changed meanwhile; try again",
            lambda m: f"报告 {m.group(1)} 刚被修改，请重试",
        ),
        (r"rubric file (.+) does not exist", lambda m: f"考核细则文件 {m.group(1)} 不存在"),
    )
)


def in_chinese(message: str) -> str | None:
    """The Chinese for an error message the command line knows, else None."""
    for pattern, render in _CATALOGUE:
        found = pattern.match(message)
        if found:
            return render(found)
    return None


def error_text(message: str) -> str:
    """What the command line prints after ``错误 Error:``: the Chinese (when known) on the first
    line, then the message as raised."""
    zh = in_chinese(message)
    return message if zh is None else f"{zh}\n  {message}"
