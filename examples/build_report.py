"""Build a county's quarterly report as Word (公文 layout) and a web page, from the demo data.

    python examples/build_report.py [OUT_DIR]

The same documents come from the command line with
``kexie report build --unit 371323 --period 2026Q3 --format docx``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from kexie_core import Workspace
from kexie_core.demo import generate
from kexie_core.documents import assemble_report, write_docx, write_html


def main(out: Path | None = None) -> None:
    out = out or Path(tempfile.mkdtemp(prefix="kexie-report-"))
    out.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(f"sqlite:///{out / 'kexie.db'}", secret_key="example-key-0123456789")
    ws.init()
    generate(ws, size="small", seed=2019, today=date(2026, 11, 28))

    # Acting as the county: the report covers 沂水县 and everything under it.
    report = assemble_report(ws.as_unit("371323"), "2026Q3")
    write_docx(report, out / "371323_2026Q3.docx")
    write_html(report, out / "371323_2026Q3.html")
    print(f"{report.unit.name} {report.period_label}: written to {out}")
    ws.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
