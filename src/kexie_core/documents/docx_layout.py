"""The official-document layout of GB/T 9704-2012 (党政机关公文格式) for python-docx.

What the standard asks and how it is set here:

- A4 paper; margins top 37 mm, bottom 35 mm, left (订口) 28 mm, right 26 mm, so the text block
  (版心) is 156 mm × 225 mm.
- Title in 2号 (22 pt) 小标宋 (``方正小标宋简体``); body in 3号 (16 pt) 仿宋 (``仿宋_GB2312``);
  first-level headings ``一、`` in 黑体, second-level ``（一）`` in 楷体 (``楷体_GB2312``).
- 22 lines of 28 characters per page. **Our choice:** every text paragraph has an *exact* line
  spacing of 28.95 pt (225 mm ÷ 22 = 637.8 pt ÷ 22, rounded down to Word's twentieths of a
  point: 579), because Word, WPS and LibreOffice all honour an exact spacing the same way; the
  section carries the matching line grid (``w:docGrid type="lines" linePitch="579"``) so Word's
  grid agrees. 28 characters of 16 pt (448 pt) in the 156 mm (442 pt) line come from the
  renderers' compression of full-width punctuation, as in the standard's own sample pages; we do
  not set a character grid (``linesAndChars`` with a negative ``charSpace``), because
  LibreOffice reads a negative ``charSpace`` differently from Word and spreads the text to about
  half as many characters a line. Pictures and tables use single spacing (an exact spacing would
  clip a picture to one line).
- Page numbers in 4号 (14 pt) 宋体 as ``— 1 —``, 7 mm below the text block: odd pages on the
  right and even pages on the left, each one character in from the edge.

Chinese never falls back to a Japanese font: python-docx's default template names Japanese fonts
(ＭＳ 明朝) in its theme and font table and sets ``themeFontLang eastAsia="ja-JP"``. Here every
style and run names its East Asian font explicitly (``w:rFonts/@w:eastAsia``), theme font
references are removed, the language is ``zh-CN``, and the font table declares each Chinese font
with the GB2312 character set (``w:charset 86``) and a common alternative (``w:altName``), which is
what Word substitutes from when a font is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import BaseStyle
from lxml import etree

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28
MARGIN_RIGHT_MM = 26
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

TITLE_SIZE_PT = 22  # 2号
BODY_SIZE_PT = 16  # 3号
PAGE_NUMBER_SIZE_PT = 14  # 4号
TABLE_SIZE_PT = 12  # 小四: tables of five or six columns do not fit in 3号

_TEXT_HEIGHT_PT = (PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) * 72 / 25.4
#: 579 twentieths of a point = 28.95 pt: 22 lines fill the 225 mm text block.
LINE_PITCH_TWIPS = int(_TEXT_HEIGHT_PT / LINES_PER_PAGE * 20)


@dataclass(frozen=True)
class FontSpec:
    """A font for Chinese text (``east_asia``) with the font for Latin letters and digits."""

    east_asia: str
    latin: str
    alt_name: str  # declared in the font table: what Word substitutes when the font is missing


TITLE_FONT = FontSpec("方正小标宋简体", "Times New Roman", "宋体")
BODY_FONT = FontSpec("仿宋_GB2312", "Times New Roman", "仿宋")
HEADING1_FONT = FontSpec("黑体", "Times New Roman", "SimHei")
HEADING2_FONT = FontSpec("楷体_GB2312", "Times New Roman", "楷体")
PAGE_NUMBER_FONT = FontSpec("宋体", "宋体", "SimSun")
ALL_FONTS = (TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_NUMBER_FONT)

#: Style ids of the paragraph styles this layout defines or reshapes.
STYLE_TITLE = "Title"
STYLE_BODY = "Normal"
STYLE_HEADING1 = "Heading 1"
STYLE_HEADING2 = "Heading 2"
STYLE_TABLE_TEXT = "公文表格"
STYLE_PICTURE = "公文图片"

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_run_fonts(rpr: etree._Element, font: FontSpec) -> None:
    """Name every script's font on an ``w:rPr``, East Asian included, and drop theme fonts
    (a theme reference wins over an explicit name in Word)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), font.latin)
    fonts.set(qn("w:hAnsi"), font.latin)
    fonts.set(qn("w:eastAsia"), font.east_asia)
    fonts.set(qn("w:cs"), font.latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr: etree._Element) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _exact(style: BaseStyle, lines: bool = True) -> None:
    fmt = style.paragraph_format  # type: ignore[attr-defined]
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if lines:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _style(doc: DocxDocument, name: str, font: FontSpec, size: float, *, bold: bool = False) -> Any:
    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[STYLE_BODY]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = None
    rpr = style.element.get_or_add_rPr()
    for child in rpr.findall(qn("w:color")):
        rpr.remove(child)
    set_run_fonts(rpr, font)
    return style


def _page_setup(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(PAGE_HEIGHT_MM)
        section.top_margin = Mm(MARGIN_TOP_MM)
        section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
        section.left_margin = Mm(MARGIN_LEFT_MM)
        section.right_margin = Mm(MARGIN_RIGHT_MM)
        section.header_distance = Mm(15)
        # The number line's top sits 7 mm under the text block: 35 - 7 - one 14 pt line.
        section.footer_distance = Mm(MARGIN_BOTTOM_MM - 7 - 5)
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.attrib.pop(qn("w:charSpace"), None)


def _styles(doc: DocxDocument) -> None:
    styles_el = doc.styles.element
    # Document defaults first: every run without a style of its own inherits these.
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            set_run_fonts(rpr, BODY_FONT)
            _set_lang(rpr)
            for tag in ("w:sz", "w:szCs"):
                el = rpr.find(qn(tag))
                if el is not None:
                    el.set(qn("w:val"), str(BODY_SIZE_PT * 2))
    # Every other style of the template drops its theme fonts for the body font.
    for fonts in styles_el.iter(qn("w:rFonts")):
        if any(fonts.get(qn(a)) is not None for a in _THEME_ATTRS):
            set_run_fonts(fonts.getparent(), BODY_FONT)

    body = _style(doc, STYLE_BODY, BODY_FONT, BODY_SIZE_PT)
    _exact(body)
    body.paragraph_format.first_line_indent = Pt(BODY_SIZE_PT * 2)  # 首行缩进两字

    title = _style(doc, STYLE_TITLE, TITLE_FONT, TITLE_SIZE_PT)
    _exact(title)
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _strip_borders(title)

    for name, font in ((STYLE_HEADING1, HEADING1_FONT), (STYLE_HEADING2, HEADING2_FONT)):
        style = _style(doc, name, font, BODY_SIZE_PT)
        _exact(style)
        style.paragraph_format.first_line_indent = Pt(BODY_SIZE_PT * 2)
        style.paragraph_format.keep_with_next = True

    table_text = _style(doc, STYLE_TABLE_TEXT, BODY_FONT, TABLE_SIZE_PT)
    _exact(table_text, lines=False)
    table_text.paragraph_format.first_line_indent = Pt(0)

    picture = _style(doc, STYLE_PICTURE, BODY_FONT, BODY_SIZE_PT)
    _exact(picture, lines=False)
    picture.paragraph_format.first_line_indent = Pt(0)
    picture.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _strip_borders(style: BaseStyle) -> None:
    ppr = style.element.find(qn("w:pPr"))
    if ppr is not None:
        for el in ppr.findall(qn("w:pBdr")):
            ppr.remove(el)


def _settings(doc: DocxDocument) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True


def _font_table(doc: DocxDocument) -> None:
    """Declare the Chinese fonts (GB2312 charset, an alternative name) and drop the template's
    Japanese ones, so that a missing font is substituted by a Chinese one."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name"), "").startswith("ＭＳ"):
            root.remove(font)
    declared = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for spec in ALL_FONTS:
        if spec.east_asia in declared:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), spec.east_asia)
        for tag, value in (
            ("w:altName", spec.alt_name),
            ("w:charset", "86"),
            ("w:family", "modern" if spec is HEADING1_FONT else "roman"),
            ("w:pitch", "variable"),
        ):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
        declared.add(spec.east_asia)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def apply_layout(doc: DocxDocument) -> None:
    """Turn a fresh python-docx document into a GB/T 9704 one (page, styles, fonts)."""
    _page_setup(doc)
    _styles(doc)
    _settings(doc)
    _font_table(doc)


def add_page_numbers(doc: DocxDocument) -> None:
    """``— N —`` in 4号 宋体: odd pages right, even pages left, one character in from the edge."""
    for section in doc.sections:
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            para.style = doc.styles[STYLE_TABLE_TEXT]
            fmt = para.paragraph_format
            fmt.alignment = align
            indent = Pt(PAGE_NUMBER_SIZE_PT)
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = indent
            else:
                fmt.left_indent = indent
            _page_field(para, "— ", " —")


def _page_field(para: Any, before: str, after: str) -> None:
    def run(text: str | None = None) -> Any:
        r = para.add_run(text)
        r.font.size = Pt(PAGE_NUMBER_SIZE_PT)
        set_run_fonts(r._element.get_or_add_rPr(), PAGE_NUMBER_FONT)
        return r

    run(before)
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None)):
        r = run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        r._element.append(el)
    run("1")  # the cached result shown until the reader updates fields
    end = run()
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), "end")
    end._element.append(el)
    run(after)
