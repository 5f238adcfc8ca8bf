"""Load the small Linyi sample (examples/linyi/: units, hosts, members) with the Python API.

    python examples/load_linyi_sample.py [DATABASE_URL]

The CSV files use the Chinese headers a county clerk's ledger has (单位代码, 姓名, 身份证号 …);
``kexie_core.ledger.columns`` maps them to field names. Every write acts as a unit: the first
unit becomes the root (临沂市科协), and the rest are written on its behalf.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from kexie_core import Workspace
from kexie_core.ledger.columns import KINDS, normalize_header

HERE = Path(__file__).parent / "linyi"


def read(kind: str, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV ledger, with Chinese headers turned into field names."""
    headers = KINDS[kind].header_map()
    with open(HERE / filename, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [{headers[normalize_header(k)]: v for k, v in row.items() if v != ""} for row in rows]


def main(url: str | None = None) -> None:
    ws = Workspace.open(url)
    ws.init()
    units = read("units", "units.csv")
    root = ws.bootstrap_root(units[0])
    # Hosts lie in counties and zones, and enterprise associations live at hosts: create the
    # units first, then the hosts, then link each association to its host.
    for unit in units[1:]:
        root.add_unit({k: v for k, v in unit.items() if k != "host_uscc"})
    for host in read("hosts", "hosts.csv"):
        root.add_host(host)
    for unit in units:
        if "host_uscc" in unit:
            root.update_unit(unit["code"], host_uscc=unit["host_uscc"])
    for member in read("members", "members.csv"):
        root.add_member(member)
    print(f"loaded {len(units)} units and their members into {ws!r}")
    ws.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
