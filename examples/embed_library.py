"""Embed kexie-core in your own program: open a workspace, act as a county, record work,
compute metrics.

    python examples/embed_library.py [DATABASE_URL]

Without a URL it works in a temporary SQLite file. Every read and write acts as a unit; a county
sees only its own subtree.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from kexie_core import ScopeError, Workspace
from kexie_core.metrics import compute_metrics


def main(url: str | None = None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kexie-embed-"))
    # A key for hashing ID numbers is configuration, never code; here a throwaway one.
    ws = Workspace.open(
        url or f"sqlite:///{folder / 'kexie.db'}", secret_key="example-key-0123456789"
    )
    ws.init()

    # An empty database gets its root unit first; everything else is written as some unit.
    city = ws.bootstrap_root(
        {
            "code": "371300",
            "name": "临沂市科学技术协会",
            "kind": "municipal",
            "division_code": "371300",
        }
    )
    city.add_unit(
        {
            "code": "371323",
            "name": "沂水县科学技术协会",
            "kind": "县区科协",
            "parent": "371300",
            "division_code": "371323",
        }
    )
    city.add_unit(
        {
            "code": "371302",
            "name": "兰山区科学技术协会",
            "kind": "county",
            "parent": "371300",
            "division_code": "371302",
        }
    )

    yishui = ws.as_unit("371323")
    yishui.add_unit(
        {"code": "371323-XZ", "name": "许家湖镇科协", "kind": "township", "parent": "371323"}
    )
    yishui.add_member(
        {
            "member_no": "YS0001",
            "name": "王建国",
            "unit": "371323-XZ",
            "id_number": "37132319580315001X",
            "expert_level": "高层次专家",
            "phone": "13905391234",
        }
    )
    yishui.add_work_item(
        {
            "kind": "training",
            "unit": "371323-XZ",
            "title": "蜜桃栽培技术培训班",
            "started_on": "2026年7月8日",
            "participants": 120,
            "hours": 6,
            "details": {"days": 1, "level": "county"},
        }
    )
    yishui.add_work_item(
        {
            "kind": "expert_visit",
            "unit": "371323",
            "title": "中秋走访专家",
            "started_on": "2026-09-24",
            "member_nos": ["YS0001"],
            "details": {"occasion": "festival", "festival": "中秋"},
        }
    )

    # A county cannot write into a sibling's subtree.
    try:
        yishui.add_work_item(
            {"kind": "training", "unit": "371302", "title": "越权", "started_on": "2026-07-01"}
        )
    except ScopeError as exc:
        print("refused:", exc)

    table = compute_metrics(yishui, "2026Q3", depth=1)
    for key in ("work_items", "training.person_times", "experts.care_coverage"):
        print(table.metric(key).label_zh, table.value("371323", key))
    ws.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
