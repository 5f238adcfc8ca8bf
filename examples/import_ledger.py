"""Import a county clerk's ledger and deal with its bad rows.

    python examples/import_ledger.py [OUT_DIR]

Loads the Linyi sample (units, hosts and members from examples/linyi/, Chinese headers) with
the importer, then a members ledger that has mistakes in it: the good rows load, every bad row
is reported with its row number, column and message (ID numbers masked), nothing is
half-loaded, and importing the same file again changes nothing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from kexie_core import Workspace
from kexie_core.ledger import import_records

SAMPLE = Path(__file__).parent / "linyi"

# A ledger as a clerk might send it: one wrong check digit (row 4), one impossible date (row 3),
# one unit that does not exist (row 5), and two good rows.
BAD_LEDGER = """会员编号,姓名,所属单位代码,身份证号,入会日期
YS2026001,刘志强,371323,371323198805120133,2026/3/1
YS2026002,陈丽,371323,371323199002270247,2026年2月30日
YS2026003,王磊,371323,371323198711110371,2026-04-01
YS2026004,赵敏,371399,371323199512120484,2026-04-01
YS2026005,孙伟,371323,371323197001010516,2026-05-01
"""


def main(out: Path | None = None) -> None:
    out = out or Path(tempfile.mkdtemp(prefix="kexie-import-"))
    out.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(f"sqlite:///{out / 'kexie.db'}", secret_key="example-key-0123456789")
    ws.init()

    # An empty database: importing units builds the tree (the row without a parent is the root).
    # Error files go to our own folder, not beside the sample files.
    import_records(ws, "units", SAMPLE / "units.csv", errors=out / "units.errors.csv")
    city = ws.as_root()
    import_records(city, "hosts", SAMPLE / "hosts.csv", errors=out / "hosts.errors.csv")
    # Associations name their host organisation, which did not exist on the first pass: the
    # same file again now links them (and changes nothing else).
    relinked = import_records(city, "units", SAMPLE / "units.csv", errors=False)
    print(f"units again: updated {relinked.updated}, unchanged {relinked.unchanged}")
    result = import_records(
        city, "members", SAMPLE / "members.csv", errors=out / "members.errors.csv"
    )
    print(f"sample members: created {result.created}, rejected {result.rejected}")

    # The county imports its own ledger, acting as itself.
    ledger = out / "沂水县2026年新会员.csv"
    ledger.write_text(BAD_LEDGER, encoding="utf-8")
    yishui = ws.as_unit("371323")
    result = import_records(yishui, "members", ledger, keep_problems=20)
    print(f"created {result.created}, rejected {result.rejected}; see {result.errors_file}")
    for problem in result.problems:
        print(f"  row {problem.row}, {problem.column}: {problem.zh}")

    again = import_records(yishui, "members", ledger, errors=False)
    print(f"again: created {again.created}, updated {again.updated}, unchanged {again.unchanged}")
    ws.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
