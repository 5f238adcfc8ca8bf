"""Chinese for the errors a clerk meets most on the command line (常见错误的中文说明).

The library raises its errors in English (they are for developers and logs too). The command line
prints the Chinese first when it knows the message, then the English as raised, so a clerk reads
what went wrong and a developer can still search for the text. Messages not listed here are
printed as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..ledger.messages import from_problems
from ..model.errors import Problem
from ..workflow.states import ACTION_LABELS, past_tense

_ACTIONS = {action: f"{zh}（{action}）" for action, (zh, _) in ACTION_LABELS.items()}
#: The words report messages use ("it cannot be submitted") → the step in Chinese.
_DONE = {past_tense(action): zh for action, (zh, _) in ACTION_LABELS.items()}


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
        (
            r"the demo needs an empty database.*",
            lambda m: (
                "演示数据需要一个空数据库：请用新的 --out，或 --db 指向空的数据库（库或 schema）"
            ),
        ),
    )
)


def in_chinese(message: str) -> str | None:
    """The Chinese for an error message the command line knows, else None."""
    for pattern, render in _CATALOGUE:
        found = pattern.match(message)
        if found:
            return render(found)
    return None


def error_text(message: str, problems: Sequence[Problem] = (), *, lang: str = "zh") -> str:
    """What the command line prints after ``错误 Error:``: the Chinese (when known) on the first
    line, then the message as raised; with ``lang="en"`` the message alone. A record's
    ``problems`` (``InvalidRecord``) are put in Chinese the way an import's error file puts them
    (``ledger.messages``)."""
    if lang == "en":
        return message
    zh = in_chinese(message)
    if zh is None and problems:
        found = from_problems(problems)
        if any(m.zh != m.en for m in found):
            zh = "；".join(f"{m.field}：{m.zh}" if m.field else m.zh for m in found)
    return message if zh is None else f"{zh}\n  {message}"
