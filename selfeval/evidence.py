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
from functools import lru_cache
from pathlib import Path

PAD = 30          # points of context around the evidence
SCALE = 2.0       # render scale for PDF pages (144 dpi)
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]


def _union(boxes: list[list[float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


@lru_cache(maxsize=16)
def _pdf_page(path: str, page: int, password: str | None):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path, password=password)
    img = pdf[page - 1].render(scale=SCALE).to_pil()
    pdf.close()
    return img


@lru_cache(maxsize=8)
def _ocr_page(path: str, fmt: str, page: int, transform: tuple, password: str | None):
    """The cleaned page an OCR reading's coordinates refer to (see extract.scan)."""
    from PIL import Image

    from extract import scan
    img = scan.render_pdf_page(path, page, password) if fmt == "pdf" else scan.load_image_pages(path)[page - 1]
    return Image.fromarray(scan.normalized(img, dict(transform)))


def crop(path: str, fmt: str, evidence: list[dict], password: str | None = None,
         transforms: dict | None = None) -> bytes | None:
    """A crop of the source page around the evidence boxes, or None without geometry.
    ``transforms`` (page → turn/angle/scale) marks pages read by OCR: their boxes are
    pixels of the cleaned page."""
    from PIL import ImageDraw
    boxed = [e for e in evidence if e.get("bbox") and e.get("page")]
    if not boxed:
        return None
    page = boxed[0]["page"]
    boxes = [e["bbox"] for e in boxed if e["page"] == page]
    transform = (transforms or {}).get(str(page)) or (transforms or {}).get(page)
    if transform is not None:
        img, scale = _ocr_page(path, fmt, page, tuple(sorted(transform.items())), password), 1.0
    else:
        img, scale = _pdf_page(path, page, password), SCALE
    x0, y0, x1, y1 = _union(boxes)
    pad = PAD if transform is None else PAD * 3
    left, top = max(0, (x0 - pad) * scale), max(0, (y0 - pad) * scale)
    right, bottom = min(img.width, (x1 + pad) * scale), min(img.height, (y1 + pad) * scale)
    if right - left < 4 or bottom - top < 4:
        return None
    region = img.crop((int(left), int(top), int(right), int(bottom))).convert("RGB")
    draw = ImageDraw.Draw(region)
    for b in boxes:
        draw.rectangle([b[0] * scale - left, b[1] * scale - top, b[2] * scale - left, b[3] * scale - top],
                       outline=(220, 0, 0), width=3)
    return _png(region)


@lru_cache(maxsize=32)
def _rendering(path: str, sha: str, render_dir: str):
    """A Word file rendered to PDF by LibreOffice (cached by content) and read back."""
    from extract import read
    from extract.convert import convert
    target = Path(render_dir) / f"{sha}.pdf"
    if not target.exists():
        Path(render_dir).mkdir(parents=True, exist_ok=True)
        import shutil
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / f"{sha}{Path(path).suffix}"
            shutil.copy(path, src)
            shutil.copy(convert(src, "pdf", tmp), target)
    doc = read(target)
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
            mapped.append({"page": got.page, "bbox": list(got.bbox)})
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


def redraw(headers: list[str], values: list[str], highlight: set[int], caption: str) -> bytes:
    """A picture of extracted cells: one header row, one value row, highlighted columns."""
    from PIL import Image, ImageDraw
    font, cjk = _font()
    if not cjk:   # without a CJK font, draw what can be drawn legibly
        headers = [h.encode("ascii", "replace").decode() for h in headers]
        values = [v.encode("ascii", "replace").decode() for v in values]
        caption = caption.encode("ascii", "replace").decode()
    widths = [int(min(360, max(50, font.getlength(h) + 16, font.getlength(v) + 16))) for h, v in zip(headers, values)]
    w, h = sum(widths) + 2, 3 * 34 + 8
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    x = 1
    for i, (hd, val, cw) in enumerate(zip(headers, values, widths)):
        fill = (255, 226, 226) if i in highlight else (255, 255, 255)
        d.rectangle([x, 1, x + cw, 35], outline=(0, 0, 0), fill=(238, 238, 238))
        d.rectangle([x, 35, x + cw, 69], outline=(220, 0, 0) if i in highlight else (0, 0, 0), fill=fill,
                    width=3 if i in highlight else 1)
        d.text((x + 6, 8), _fit(hd, cw, font), fill=(0, 0, 0), font=font)
        d.text((x + 6, 42), _fit(val, cw, font), fill=(0, 0, 0), font=font)
        x += cw
    d.text((4, 76), caption, fill=(90, 90, 90), font=font)
    return _png(img)


def _fit(text: str, width: int, font) -> str:
    if font.getlength(text) <= width - 12:
        return text
    while text and font.getlength(text + "…") > width - 12:
        text = text[:-1]
    return text + "…"
