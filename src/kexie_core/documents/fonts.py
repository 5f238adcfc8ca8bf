"""Finding a CJK font for charts, and checking that it has a glyph for every label.

Charts in DOCX and XLSX are pictures drawn by matplotlib, so a font without Chinese glyphs would
draw tofu boxes (□) that nobody notices until the report is printed. We look for a Simplified
Chinese font by family name through matplotlib's own font list (Noto Sans CJK SC from Debian's
``fonts-noto-cjk`` first), fall back to any face that has the Hanzi of a test string, and fail with
a message that says what to install when there is none. ``KEXIE_CJK_FONT=/path/font.ttf`` picks a
file explicitly (a face index may follow: ``font.ttc#2``).

A machine with no Chinese font at all (a fresh server or container) can get one from PyPI:
``pip install 'kexie-core[fonts]'`` installs ``noto-cjk-sans-otc``, the same Noto Sans CJK file
Debian ships, which is used only when the system has no CJK font of its own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger("kexie.documents")

ENV_FONT = "KEXIE_CJK_FONT"

#: Families tried in order. The SC (Simplified Chinese) faces come first: a JP face draws some
#: shared Hanzi with Japanese glyph shapes, which is wrong in a Chinese report.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
)

#: Characters every usable face must have (taken from the headings the reports always use).
PROBE = "科协单位覆盖率指标工作报告县区"


class FontError(RuntimeError):
    """No font with Chinese glyphs is available for charts."""


@dataclass(frozen=True)
class CjkFont:
    """A font file (and face index inside a ``.ttc`` collection) with a family name."""

    path: str
    index: int
    family: str


@lru_cache(maxsize=8)
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        collection = TTCollection(path, lazy=True)
        font = collection.fonts[index]
    else:
        font = TTFont(path, lazy=True)
    try:
        cmap = font.getBestCmap() or {}
        return frozenset(cmap)
    finally:
        font.close()


def missing_glyphs(font: CjkFont, texts: Iterable[str]) -> set[str]:
    """Characters of ``texts`` that the font has no glyph for (whitespace ignored)."""
    cmap = _cmap(font.path, font.index)
    return {c for text in texts for c in text if not c.isspace() and ord(c) not in cmap}


def _from_env(value: str) -> CjkFont:
    path, _, index = value.partition("#")
    if not os.path.isfile(path):
        raise FontError(f"{ENV_FONT}={path!r} is not a font file")
    from matplotlib import font_manager

    # Registered with matplotlib for this process only (never written to the user's config).
    font_manager.fontManager.addfont(path)
    face = int(index or 0)
    entry = next(
        e
        for e in reversed(font_manager.fontManager.ttflist)
        if e.fname == path and int(getattr(e, "index", 0) or 0) == face
    )
    font = CjkFont(path, face, entry.name)
    if missing_glyphs(font, [PROBE]):
        raise FontError(f"the font {path} ({ENV_FONT}) has no glyphs for Chinese text")
    return font


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    """The font charts are drawn with; raises FontError with an installation hint if none."""
    override = os.environ.get(ENV_FONT)
    if override:
        return _from_env(override)
    font = _pick()
    if font is None and _register_system_cjk_fonts():
        font = _pick()
    if font is None and _register_packaged_font():
        font = _pick()
    if font is not None:
        log.debug("charts use the font %s (%s)", font.family, font.path)
        return font
    raise FontError(
        "no font with Chinese glyphs was found for charts; install one (Debian/Ubuntu: "
        "`apt-get install fonts-noto-cjk`; any system: `pip install 'kexie-core[fonts]'`) "
        f"or set {ENV_FONT} to a .ttf/.otf/.ttc file"
    )


#: The PyPI package carrying Noto Sans CJK (the ``fonts`` extra), and its file's attribute.
PACKAGED_FONT = ("noto_cjk_sans_otc", "FONT_PATH")


def _register_packaged_font() -> bool:
    """Add the Noto Sans CJK collection of the ``fonts`` extra, if it is installed."""
    import importlib

    module, attribute = PACKAGED_FONT
    try:
        path = str(getattr(importlib.import_module(module), attribute))
    except (ImportError, AttributeError):
        return False
    if not os.path.isfile(path):
        return False
    from matplotlib import font_manager

    try:
        font_manager.fontManager.addfont(path)
    except Exception as exc:  # an unreadable file: as if it were not installed
        log.debug("skipping the packaged font %s: %s", path, exc)
        return False
    return True


#: File-name fragments of common CJK font files, for fonts installed after matplotlib's cache.
_CJK_FILES = (
    "notosanscjk",
    "notoserifcjk",
    "sourcehansans",
    "wqy",
    "msyh",
    "simhei",
    "pingfang",
    "droidsansfallback",
)


def _register_system_cjk_fonts() -> bool:
    """Add CJK font files that matplotlib's cached font list does not know yet.

    matplotlib caches the system's fonts once; a font package installed later (as CI does) is
    invisible until the cache is rebuilt. Scanning the system font folders (public API) and
    adding the CJK files for this process fixes that without touching the user's cache.
    """
    from matplotlib import font_manager

    known = {e.fname for e in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        name = os.path.basename(path).lower().replace("-", "").replace("_", "")
        if path not in known and any(fragment in name for fragment in _CJK_FILES):
            try:
                font_manager.fontManager.addfont(path)
                added = True
            except Exception as exc:  # an unreadable file: skip it
                log.debug("skipping font %s: %s", path, exc)
    return added


def _pick() -> CjkFont | None:
    from matplotlib import font_manager

    entries = font_manager.fontManager.ttflist
    regular = [e for e in entries if e.style == "normal" and e.weight in (400, "normal")]
    by_family = {e.name: e for e in reversed(regular)}
    candidates = [by_family[f] for f in PREFERRED_FAMILIES if f in by_family]
    # Any other face that covers the probe, e.g. a distribution's own CJK font.
    candidates += [e for e in regular if e.name not in PREFERRED_FAMILIES and "CJK" in e.name]
    for entry in candidates:
        font = CjkFont(entry.fname, int(getattr(entry, "index", 0) or 0), entry.name)
        try:
            if not missing_glyphs(font, [PROBE]):
                return font
        except Exception as exc:  # an unreadable font file: try the next one
            log.debug("skipping font %s: %s", entry.fname, exc)
    return None
