"""The OCR engine, used as its three parts (RapidOCR's PP-OCRv4 Chinese models, shipped
inside the ``rapidocr-onnxruntime`` wheel; nothing is downloaded):

* ``detect``: text-line boxes, on a copy of the page no larger than ``det_side``;
* ``orientation``: the page's quarter turn from the boxes' shape and the direction
  classifier (0°/180°) on a few of them, so a turned page is read once, not at every turn;
* ``read``: recognition of line crops (the page's boxes and any second-look crops alike).

Every threshold is named in ``OCRSettings``; ``use_threads`` sizes onnxruntime's pools to
the worker count so that ``--jobs N`` workers do not oversubscribe the cores.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import regex as re


@dataclass(frozen=True)
class OCRSettings:
    det_side: int = 1600           # longest side of the copy that text detection runs on
    rec_batch: int = 1             # crops per recognition call: measured, one at a time is the
    #                                fastest here (3 pages, 1 thread: 8.8 s; 6 per batch: 15.0 s,
    #                                padding to the widest) and never reads differently
    rec_width: int = 320           # narrowest recognition input, the model's training width
    #                                (160 was faster and lost '≥', '（' and recall: 97.6% -> 96.5%)
    orient_sample: int = 15        # boxes the direction classifier votes with
    tall: float = 1.5              # a box this many times taller than wide is vertical text
    tall_min: float = 24.0         # ... and at least this many pixels tall (two characters)
    dash_ratio: float = 1.6        # a lone stroke this many times wider than tall is a dash
    text_score: float = 0.5        # readings below this are dropped (RapidOCR's own cut)
    lone_conf: float = 0.5         # below this, a second-look reading of a lone glyph is a guess
    recheck_conf: float = 0.97     # numeric cells read below this get a second look
    recheck_scale: float = 1.5     # the second look's upscaling
    disagreed_conf: float = 0.5    # a figure whose readings all differ is this sure at most


SETTINGS = OCRSettings()
STATS: dict = {}                   # seconds per stage and pages, read by the benchmark
_THREADS: dict = {}                # this process's onnxruntime pool size, set before first use


def use_threads(n: int | None) -> None:
    """onnxruntime's intra-op threads for this process (None: all cores)."""
    _THREADS["n"] = n


@lru_cache(maxsize=2)
def _engine(threads: int | None):
    from rapidocr_onnxruntime import RapidOCR
    kw = {"intra_op_num_threads": threads, "inter_op_num_threads": 1} if threads else {}
    return RapidOCR(rec_img_shape=[3, 48, SETTINGS.rec_width], rec_batch_num=SETTINGS.rec_batch, **kw)


def engine():
    return _engine(_THREADS.get("n"))


def default_threads(jobs: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


@contextmanager
def stage(name: str):
    """Seconds spent in one stage of reading a scan, added up in STATS."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        STATS[name] = STATS.get(name, 0.0) + time.perf_counter() - t0


def timed(name: str):
    def wrap(f):
        def run(*a, **kw):
            with stage(name):
                return _guard(f, *a, **kw)
        return run
    return wrap


def _guard(f, *a, **kw):
    """onnxruntime reports running out of memory as a runtime error ('std::bad_alloc'); it
    is a MemoryError here, so that it counts against the per-file memory limit, not as a
    fault of the reader."""
    try:
        return f(*a, **kw)
    except Exception as e:
        if "bad_alloc" in str(e) or "Failed to allocate" in str(e):
            raise MemoryError(str(e)[-200:]) from None
        raise


def _bgr(gray: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2)) if gray.ndim == 2 else gray


@timed("detect")
def detect(gray: np.ndarray, s: OCRSettings = SETTINGS) -> list[np.ndarray]:
    """Text-line quadrilaterals (4×2, page pixels), top to bottom."""
    import cv2
    k = min(1.0, s.det_side / max(gray.shape[:2]))
    small = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else gray
    boxes, _ = engine().text_det(_bgr(small))
    if boxes is None or len(boxes) == 0:
        return []
    return [np.asarray(b, dtype=np.float32) / k for b in engine().sorted_boxes(boxes)]


def crop(gray: np.ndarray, box: np.ndarray) -> np.ndarray:
    """A box's line, straightened (RapidOCR's own perspective crop)."""
    return engine().get_crop_img_list(_bgr(gray), [box.astype(np.float32)])[0]


def _is_tall(box: np.ndarray, s: OCRSettings) -> bool:
    w = np.linalg.norm(box[0] - box[1])
    h = np.linalg.norm(box[0] - box[3])
    return h > s.tall * w and h > s.tall_min


@timed("orientation")
def orientation(gray: np.ndarray, boxes: list[np.ndarray], s: OCRSettings = SETTINGS) -> int:
    """Quarter turns (counter-clockwise) that bring the page upright.  Mostly tall boxes:
    the page lies on its side, and the direction classifier on its largest lines says
    which side; otherwise the classifier says whether it is upside down."""
    import cv2
    tall = [b for b in boxes if _is_tall(b, s)]
    wide = [b for b in boxes if not _is_tall(b, s) and np.linalg.norm(b[0] - b[1]) > 2 * np.linalg.norm(b[0] - b[3])]
    sideways = len(tall) > len(wide)
    pool = tall if sideways else wide
    pool = sorted(pool, key=lambda b: -cv2.contourArea(b))[:s.orient_sample]
    if not pool:
        return 0
    # RapidOCR's crop turns a tall line a quarter counter-clockwise; the classifier then
    # says whether that made it upright (0) or upside down (180)
    _, labels, _ = engine().text_cls([crop(gray, b) for b in pool])
    upside_down = sum(1 for lab, p in labels if lab == "180" and p > 0.6) > len(labels) / 2
    if sideways:
        return 3 if upside_down else 1
    return 2 if upside_down else 0


# The recogniser gives ASCII punctuation whatever the print's width; beside a Chinese
# character the print's is the full-width form (Chinese typesetting).
_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}
_PAIR = re.compile(r"\(([^()]*)\)")
_BY_HAN = re.compile(r"(?<=\p{Han})[(),:;]|[()](?=\p{Han})")


def typeset(text: str) -> str:
    """ASCII brackets, commas, colons and semicolons beside Chinese text as the full-width
    marks Chinese print uses ('项目(2020年)' → '项目（2020年）'; a pair of brackets goes
    together, '(2022 年度)' → '（2022 年度）')."""
    text = _PAIR.sub(lambda m: f"（{m.group(1)}）" if re.search(r"\p{Han}", m.group(0)) or _touches_han(text, m) else m.group(0), text)
    return _BY_HAN.sub(lambda m: _FULL[m.group()], text)


def _touches_han(text: str, m) -> bool:
    return bool(re.match(r"\p{Han}", text[max(0, m.start() - 1):m.start()]) or re.match(r"\p{Han}", text[m.end():]))


@timed("recognise")
def read(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Recognised text and confidence per crop."""
    if not crops:
        return []
    out, _ = engine().text_rec([_bgr(c) for c in crops])
    return [(typeset(t), float(p)) for t, p in out]


def read_page_text(gray: np.ndarray, boxes: list[np.ndarray]) -> list[dict]:
    """Page words: box extents, text and confidence (empty readings dropped)."""
    texts = read([crop(gray, b) for b in boxes])
    words = []
    for b, (text, conf) in zip(boxes, texts):
        if not text.strip() or conf < SETTINGS.text_score:
            continue
        words.append({"x0": float(b[:, 0].min()), "top": float(b[:, 1].min()), "x1": float(b[:, 0].max()),
                      "bottom": float(b[:, 1].max()), "text": text, "conf": conf})
    return words
