"""沂水县科协季度工作报表: the county office's own one-page layout of a period report.

An exporter for the ``report`` target: ``kexie report build --format yishui-report`` hands it
the same ``ReportData`` the built-in Word and Excel writers get, and it lays it out the way the
county office files its quarterly return — a plain-text table, one figure per line, with the
county's own wording and a signature block.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kexie_core.documents import ReportData

#: The county's own wording for the figures it files (metric key → 报表栏目).
ROWS: tuple[tuple[str, str], ...] = (
    ("work_items", "开展各类活动（项）"),
    ("participants", "参与人次"),
    ("training.person_times", "培训人次"),
    ("visits.total", "走访专家（次）"),
    ("members.count", "会员总数（人）"),
    ("coverage.industrial_above_size", "规上工业企业科协覆盖率"),
)


def _figure(value: Any, percent: bool) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value * 100:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def render(report: ReportData) -> str:
    """The return as text (UTF-8, CRLF line ends so Notepad shows it as typed)."""
    figures = {row.key: row for section in report.sections for row in section.metrics}
    figures.update({row.key: row for row in report.headline})
    lines = [
        f"{report.unit.name}季度工作报表",
        f"报表期间：{report.period_label}",
        "",
        "栏目                              本级        合计",
    ]
    for key, label in ROWS:
        row = figures.get(key)
        own = _figure(row.own, row.percent) if row else "—"
        total = _figure(row.value, row.percent) if row else "—"
        lines.append(f"{label:<{30 - sum(1 for c in label if ord(c) > 127)}}{own:>10}{total:>12}")
    lines += [
        "",
        f"下级单位 {len(report.children.rows)} 个",
        "",
        "填报单位（盖章）：",
        f"填报日期：{report.generated_at:%Y年%m月%d日}",
    ]
    return "\r\n".join(lines) + "\r\n"


def write_report(report: ReportData, out: Path | IO[bytes], **options: Any) -> None:
    data = render(report).encode("utf-8-sig")
    if isinstance(out, Path | str):
        Path(out).write_bytes(data)
    else:
        out.write(data)
