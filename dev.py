#!/usr/bin/env python3
"""Set up a virtual environment and run the project's two jobs. Needs only Python 3.11+.

    python3 dev.py demo    build the Linyi demo database (SQLite), its reports, and show it
    python3 dev.py test    run the whole test suite (ruff, mypy, pytest)

The virtual environment lives in .venv and is refreshed when pyproject.toml (or a plug-in's)
changes. KEXIE_TEST_PG_URL, when set, makes the suite run on PostgreSQL as well.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".kexie-installed"


def run(*args: str | Path, check: bool = True, **kwargs) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], **kwargs)
    if check and code != 0:
        sys.exit(code)
    return code


def plugin_dirs() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "plugins").glob("*/pyproject.toml"))


def setup() -> None:
    """Create .venv and install kexie-core (with dev extras) and the example plug-ins."""
    files = [ROOT / "pyproject.toml", *(d / "pyproject.toml" for d in plugin_dirs())]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest and PY.exists():
        return
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    pip = [PY, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    run(*pip, "--upgrade", "pip")
    run(*pip, "-e", f"{ROOT}[dev]")
    for plugin in plugin_dirs():
        run(*pip, "--no-deps", "-e", plugin)
    STAMP.write_text(digest)


def demo() -> None:
    """The main job: the Linyi demo network on SQLite, its report bundle, and its unit tree."""
    out = ROOT / "build" / "demo"
    kexie = BIN / "kexie"
    run(kexie, "demo", "--out", out, "--force")
    url = f"sqlite:///{out / 'kexie.db'}"
    run(kexie, "--db", url, "units", "tree", "--depth", "1")
    print(f"\nTry: {kexie} --db {url} --as 371323 metrics --period 2026Q3 --depth 1")


def test(extra: list[str]) -> None:
    sources = ("src", "tests", "examples", "plugins", "benchmarks")
    run(BIN / "ruff", "check", *(ROOT / s for s in sources), cwd=ROOT)
    run(BIN / "ruff", "format", "--check", *(ROOT / s for s in sources), cwd=ROOT)
    run(BIN / "mypy", cwd=ROOT)
    run(BIN / "mypy", *(d / "src" for d in plugin_dirs()), cwd=ROOT)  # the example plug-ins
    # One pytest worker per core (pytest-xdist): the suite is CPU-bound, and on a 2-core machine
    # this halves it. Pass your own -n (or -n 0) to choose.
    chosen = any(a.startswith(("-n", "--numprocesses")) for a in extra)
    workers = [] if chosen else ["-n", "auto"]
    code = run(PY, "-m", "pytest", *workers, *extra, check=False, cwd=ROOT)
    if code == 5:
        print("pytest collected no tests: that is a failure here", file=sys.stderr)
        sys.exit(1)
    sys.exit(code)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in {"demo", "test", "setup"}:
        print(__doc__)
        sys.exit(2)
    setup()
    if argv[0] == "demo":
        demo()
    elif argv[0] == "test":
        test(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
