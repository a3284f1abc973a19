"""Pictures of the cells a finding is about, for the HTML report.

* PDF (text layer or scanned) and image files: the page is rendered and the evidence
  boxes (PDF points, or image pixels) are cropped with a margin and outlined in red.
* Formats without page geometry (docx, xlsx, xls, txt): the form's cells are redrawn
  from what was extracted (the row of the indicator or budget line concerned), and the
  picture says so.
Every picture is PNG bytes; a finding without any evidence gets none.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import json
from functools import lru_cache
from pathlib import Path

from extract.messages import Msg, N_

PAD = 30          # points of context around the evidence
SCALE = 2.0       # render scale for PDF pages (144 dpi)
MAX_WIDTH = 900   # pixels: a scan's picture wider than this is halved
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]


def _union(boxes: list[list[float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# zlib's level for the pictures' PNGs.  Measured on the fixtures' 200 first page pictures
# (palette images, 2026-12-07): level 9 (what optimize=True sets) 4.3 s and 2.01 MB, level 6
# 0.63 s and 2.23 MB: 11% larger for a seventh of the time, which a province's stack pays.
PNG_LEVEL = 6


def _png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=PNG_LEVEL)
    return buf.getvalue()


RED, GREY, BLUE = (220, 0, 0), (150, 150, 150), (120, 120, 220)
GRAYS = 8               # grey levels a page picture keeps: enough to read, small to embed


@lru_cache(maxsize=1)
def _palette():
    """A fixed palette: GRAYS levels of grey for the page, and the outline colours kept exact."""
    from PIL import Image
    colours = [(v, v, v) for v in (round(i * 255 / (GRAYS - 1)) for i in range(GRAYS))] + [RED, GREY, BLUE]
    pal = Image.new("P", (1, 1))
    pal.putpalette([x for c in colours for x in c] + [255] * 3 * (256 - len(colours)))
    return pal


def _page_png(img) -> bytes:
    """A page picture on the fixed palette (scan noise flattened, outlines exact)."""
    from PIL import Image
    return _png(img.convert("RGB").quantize(palette=_palette(), dither=Image.Dither.NONE))


def _flat(region):
    """A page region in GRAYS levels of grey, near-white as white (a scan's paper noise)."""
    step = 255 / (GRAYS - 1)
    return region.convert("L").point(lambda v: 255 if v > 200 else round(round(v / step) * step)).convert("RGB")


@lru_cache(maxsize=16)
def _pdf_page(path: str, page: int, password: str | None):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path, password=password)
    img = pdf[page - 1].render(scale=SCALE).to_pil()
    pdf.close()
    return img


@lru_cache(maxsize=8)
def _ocr_page(path: str, fmt: str, page: int, transform: str, password: str | None):
    """The cleaned page an OCR reading's coordinates refer to (see extract.scan);
    ``transform`` as JSON text, the cache's key (it holds lists: the seals found)."""
    from PIL import Image

    from extract import scan
    img = scan.render_pdf_page(path, page, password) if fmt == "pdf" else scan.load_image_pages(path)[page - 1]
    return Image.fromarray(scan.normalized(img, json.loads(transform)))


def _bands(boxed: list[dict], gap: float) -> list[tuple[int, float, float]]:
    """The evidence boxes grouped into horizontal bands, page by page: boxes whose rows lie
    within ``gap`` of each other share a band (a row and the header far above it do not)."""
    out: list[tuple[int, float, float]] = []
    for page in sorted({e["page"] for e in boxed}):
        ys = sorted((e["bbox"][1], e["bbox"][3]) for e in boxed if e["page"] == page)
        y0, y1 = ys[0]
        for a, b in ys[1:]:
            if a > y1 + gap:
                out.append((page, y0, y1))
                y0, y1 = a, b
            else:
                y1 = max(y1, b)
        out.append((page, y0, y1))
    return out


def crop(path: str, fmt: str, evidence: list[dict], password: str | None = None,
         transforms: dict | None = None) -> bytes | None:
    """A picture of the source page(s) around the evidence: the cells a finding compares
    outlined in red, and in grey their context (the row's label, the weight beside a score,
    each column's header), a header far above its row cut in as a band of its own.  None
    without geometry.  ``transforms`` (page → turn/angle/scale) marks pages read by OCR:
    their boxes are pixels of the cleaned page."""
    from PIL import Image, ImageDraw
    boxed = [e for e in evidence if e.get("bbox") and e.get("page")]
    main = next((e["page"] for e in boxed if not e.get("context")), None)
    if main is None:
        return None
    # context from the compared cells' page, or a header on an earlier page
    boxed = [e for e in boxed if e["page"] == main or (e.get("context") and e["page"] < main
                                                       and str(e.get("role", "")).startswith("head."))]
    ocr = transforms is not None and any(str(p) in transforms or p in transforms for p in {e["page"] for e in boxed})
    pad = PAD * 3 if ocr else PAD
    x0, _, x1, _ = _union([e["bbox"] for e in boxed])
    pieces = []
    for page, y0, y1 in _bands(boxed, gap=pad * 2):
        transform = (transforms or {}).get(str(page)) or (transforms or {}).get(page)
        if transform is not None:
            img, scale = _ocr_page(path, fmt, page, json.dumps(transform, sort_keys=True), password), 1.0
        else:
            img, scale = _pdf_page(path, page, password), SCALE
        left, top = max(0, (x0 - pad) * scale), max(0, (y0 - pad / 2) * scale)
        right, bottom = min(img.width, (x1 + pad) * scale), min(img.height, (y1 + pad / 2) * scale)
        if right - left < 4 or bottom - top < 4:
            continue
        region = _flat(img.crop((int(left), int(top), int(right), int(bottom))))
        draw = ImageDraw.Draw(region)
        for e in boxed:
            b = e["bbox"]
            if e["page"] != page or b[3] < y0 or b[1] > y1:
                continue
            context = bool(e.get("context"))
            draw.rectangle([b[0] * scale - left, b[1] * scale - top, b[2] * scale - left, b[3] * scale - top],
                           outline=GREY if context else RED, width=1 if context else 3)
        pieces.append(region)
    if not pieces:
        return None
    width = max(p.width for p in pieces)
    sheet = Image.new("RGB", (width, sum(p.height for p in pieces) + 9 * (len(pieces) - 1)), "white")
    y = 0
    for i, p in enumerate(pieces):
        if i:
            ImageDraw.Draw(sheet).line([0, y + 4, width, y + 4], fill=BLUE, width=1)
            y += 9
        sheet.paste(p, (0, y))
        y += p.height
    if ocr and sheet.width > MAX_WIDTH:       # a scan at 200-300 dpi: half is still legible
        sheet = sheet.resize((sheet.width // 2, sheet.height // 2))
    return _page_png(sheet)


@lru_cache(maxsize=32)
def _rendering(path: str, sha: str, render_dir: str):
    """A Word file rendered to PDF by LibreOffice (cached by content) and read back (through
    pdfium: the rendering's text is LibreOffice's own, see extract.rendering)."""
    from extract.convert import convert
    from extract.rendering import read_rendering
    target = Path(render_dir) / f"{sha}.pdf"
    if not target.exists():
        Path(render_dir).mkdir(parents=True, exist_ok=True)
        import shutil
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / f"{sha}{Path(path).suffix}"
            shutil.copy(path, src)
            shutil.copy(convert(src, "pdf", tmp), target)
    doc = read_rendering(target)
    tables = [b for b in doc.blocks if b.aligned]
    return str(target), tables


def rendered_crop(path: str, sha: str, evidence: list[dict], render_dir: str) -> bytes | None:
    """For a Word file: the same cells found in its LibreOffice rendering, cropped there.
    A cell is used only if the rendering holds the same text at the same table/row/col."""
    from extract.convert import soffice
    if soffice() is None:
        return None
    try:
        pdf, tables = _rendering(path, sha, render_dir)
        source_tables = _source_tables(path)
    except Exception:          # no rendering: the caller redraws instead
        return None
    mapped = []
    for e in evidence:
        t, r, c = e.get("table"), e.get("row"), e.get("col")
        if t is None or t >= len(tables) or t >= len(source_tables):
            continue
        try:
            want, got = source_tables[t].rows[r][c], tables[t].rows[r][c]
        except IndexError:
            continue
        if want.clean and want.clean == got.clean and got.bbox is not None:
            mapped.append({"page": got.page, "bbox": list(got.bbox), "role": e.get("role"),
                           **({"context": True} if e.get("context") else {})})
    return crop(pdf, "pdf", mapped) if mapped else None


@lru_cache(maxsize=32)
def _source_tables(path: str):
    from extract import read
    return [b for b in read(path).blocks if b.aligned]


@lru_cache(maxsize=1)
def _font():
    from PIL import ImageFont
    for p in FONT_CANDIDATES:
        if Path(p).exists():
            return ImageFont.truetype(p, 18), True
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh"], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
            if out and Path(out).exists():
                return ImageFont.truetype(out, 18), True
        except (OSError, subprocess.SubprocessError):
            pass
    return ImageFont.load_default(), False


def redraw(headers: list[str], rows: list[list[str]], marked: set[tuple[int, int]], caption: str) -> bytes:
    """A picture of extracted cells: a header row, the value rows, the compared cells
    (row, column) outlined in red."""
    from PIL import Image, ImageDraw
    font, cjk = _font()
    if not cjk:   # without a CJK font, draw what can be drawn legibly
        ascii_ = lambda t: t.encode("ascii", "replace").decode()
        headers, rows, caption = [ascii_(h) for h in headers], [[ascii_(v) for v in r] for r in rows], ascii_(caption)
    widths = [int(min(360, max(50, font.getlength(h) + 16, *(font.getlength(r[i]) + 16 for r in rows))))
              for i, h in enumerate(headers)]
    w, h = int(max(sum(widths) + 2, font.getlength(caption) + 10)), (len(rows) + 2) * 34 + 8
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    for ri, values in enumerate([headers, *rows]):
        x, top = 1, 1 + ri * 34
        for ci, (val, cw) in enumerate(zip(values, widths)):
            hit = ri > 0 and (ri - 1, ci) in marked
            d.rectangle([x, top, x + cw, top + 34], outline=(220, 0, 0) if hit else (0, 0, 0),
                        fill=(238, 238, 238) if ri == 0 else (255, 226, 226) if hit else (255, 255, 255),
                        width=3 if hit else 1)
            d.text((x + 6, top + 7), _fit(val, cw, font), fill=(0, 0, 0), font=font)
            x += cw
    d.text((4, h - 30), caption, fill=(90, 90, 90), font=font)
    return _page_png(img)


def _fit(text: str, width: int, font) -> str:
    if font.getlength(text) <= width - 12:
        return text
    while text and font.getlength(text + "…") > width - 12:
        text = text[:-1]
    return text + "…"


# ---------------------------------------------------------------- a finding's picture
WEIGHT_SUMS = ("WEIGHT_TOTAL_MISMATCH", "GROUP_WEIGHT_MISMATCH")
INDICATOR_HEADS = {"name": "指标名称", "target": "目标值", "actual": "实际值", "weight": "分值", "score": "得分"}


def number(v, percent: bool = False) -> str:
    """A figure as a reader wants it: rates as percentages, no float noise, '—' for unread."""
    if v is None:
        return "—"
    if percent and isinstance(v, (int, float)):
        return f"{v * 100:.2f}%"
    if isinstance(v, float):
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return str(v)


def _clean(text) -> str:
    return "".join(str(text or "").split())


def picture(fd: dict, form: dict | None, fmt: str | None, render_dir: str | None = None,
            lang: str = "zh") -> tuple[bytes | None, Msg]:
    """The evidence picture of a finding and a note on what it shows: the compared cells with
    their row's label, the weight beside a score and the columns' headers."""
    ev = fd.get("evidence") or []
    if fd["code"] in WEIGHT_SUMS and form is not None:
        return _weights(fd, form, ev, lang), N_("redrawn from the extracted cells: the weights summed")
    if fmt in ("docx", "doc") and render_dir and ev and form is not None:
        png = rendered_crop(fd["path"], form["source"]["sha256"], ev, render_dir)
        if png:
            return png, N_("crop of {file} as LibreOffice renders it, page {page}", file=Path(fd['path']).name,
                           page=_page_of(ev))
    if fmt in ("pdf", "image") and any(e.get("bbox") for e in ev):
        try:
            png = crop(fd["path"], fmt, ev, transforms=(form or {}).get("source", {}).get("page_transforms"))
            if png:
                return png, N_("crop of {file}, page {page}", file=Path(fd['path']).name, page=_page_of(ev))
        except Exception as e:   # a page that will not render: say so, keep the report
            return None, N_("page could not be rendered ({error})", error=type(e).__name__)
    if form is None:
        return None, N_("no form")
    ind = next((i for i in form["indicators"] if i["name"] == fd["indicator"]), None) if fd.get("indicator") else None
    if ind:
        heads = dict(INDICATOR_HEADS)
        heads.update({e["role"].rsplit(".", 1)[1]: _clean(e.get("text")) for e in ev
                      if str(e.get("role", "")).startswith("head.indicators.")
                      and e["role"].rsplit(".", 1)[1] in INDICATOR_HEADS})
        roles = list(INDICATOR_HEADS)
        compared = {e.get("role") for e in ev if not e.get("context")}
        vals = [ind["name"] or "", ind["target"] or "", ind["actual"] or "", number(ind["weight"]),
                number(ind["score_declared"]), number(fd.get("expected"))]
        # the row's group labels lead, as the form prints them (一级, 二级)
        groups = [(h, ind[k]) for k, h in (("level1", "一级指标"), ("level2", "二级指标")) if ind.get(k)]
        marked = {(0, i + len(groups)) for i, r in enumerate(roles) if r in compared and r in ("weight", "score")}
        marked |= {(0, 5 + len(groups))}
        return redraw([h for h, _ in groups] + [heads[r] for r in roles] + ["复算"],
                      [[v for _, v in groups] + vals], marked, _where(ev, fmt, lang)), \
            N_("redrawn from the extracted cells (no page geometry)")
    if fd["code"].startswith("BUDGET") or fd["code"] == "UNIT_INCONSISTENT":
        lines = form["budget"]["lines"]
        b = lines[0] if lines else None
        if b:
            heads = [f"资金（{form['budget']['unit_declared'] or '?'}）", "预算数", "执行数", "执行率", "分值", "得分"]
            vals = [b.get("label") or b["kind"], number(b["adjusted"]), number(b["executed"]),
                    number(b["rate_declared"], percent=True), number(b["weight"]), number(b["score_declared"])]
            return redraw(heads, [vals], {(0, 1), (0, 2), (0, 3), (0, 5)}, _where(ev, fmt, lang)), \
                N_("redrawn from the extracted cells")
    heads = ["项目", "自评得分", "复算"]
    vals = [form.get("project_name") or "", number(form.get("declared_total")), number(fd.get("expected"))]
    return redraw(heads, [vals], {(0, 1), (0, 2)}, _where(ev, fmt, lang)), N_("redrawn from the extracted cells")


def _weights(fd: dict, form: dict, ev: list[dict], lang: str = "zh") -> bytes:
    """The weights a sum finding adds up, one row each, and their sum against the printed one."""
    inds = form["indicators"]
    if fd["code"] == "GROUP_WEIGHT_MISMATCH":
        group = next((g for g in form.get("group_weights") or {} if g in fd["message"]), None)
        inds = [i for i in inds if i["level1"] == group] if group else inds
    rows = [[i["level1"] or "", i["name"] or "", number(i["weight"])] for i in inds]
    if fd["code"] == "WEIGHT_TOTAL_MISMATCH":
        b = next((x for x in form["budget"]["lines"] if x["kind"] == "total"), (form["budget"]["lines"] or [None])[0])
        rows = [["预算执行", "预算执行率", number((b or {}).get("weight") or form["budget"].get("weight"))],
                ["总体目标", "总体目标", number(form["goal"]["weight"])], *rows]
    rows.append(["", "合计", number(fd.get("declared"))])
    rows.append(["", "应为", number(fd.get("expected"))])
    n = len(rows)
    from .i18n import render
    return redraw(["一级指标", "指标", "分值"], rows, {(n - 2, 2), (n - 1, 2)},
                  render(N_("{code}: the weights summed", code=fd["code"]), lang))


def _page_of(ev: list[dict]):
    return next((e.get("page") for e in ev if e.get("page") and not e.get("context")), 1)


def _where(ev: list[dict], fmt, lang: str = "zh") -> str:
    """A redrawn picture's caption: where its cells are in the source, in the reader's language."""
    from .i18n import render
    e = next((e for e in ev if not e.get("context")), None)
    if e is None:
        return f"{fmt}"
    at = {"fmt": fmt, "n": e.get("table", 0) + 1 if fmt == "html" else e.get("page") or 1,
          "row": e.get("row", 0) + 1, "col": e.get("col", 0) + 1}
    where = N_("{fmt} · table {n} · row {row}, col {col}", **at) if fmt == "html" else \
        N_("{fmt} · sheet {n} · row {row}, col {col}", **at) if fmt in ("xlsx", "xls") else \
        N_("{fmt} · page {n} · row {row}, col {col}", **at)
    return render(where, lang)
