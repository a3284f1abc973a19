"""The OCR engine, used as its three parts (RapidOCR's PP-OCRv4 Chinese models, shipped
inside the ``rapidocr-onnxruntime`` wheel; nothing is downloaded):

* ``detect`` / ``detect_in``: text-line boxes, on a copy of the page (or of parts of it)
  no larger than ``det_side``;
* ``orientation``: the page's quarter turn from the boxes' shape and the direction
  classifier (0°/180°) on a few of them, so a turned page is read once, not at every turn;
* ``read_boxes``: recognition of the page's boxes, those of one printed line read together
  in one input (the recogniser's cost is the width it reads, and RapidOCR pads every short
  crop to the training width), a box that reads badly there read again alone;
* ``read``: recognition of crops one by one (the second look's).

The models run folded (``extract.models``: the same outputs, 20–26% faster).  Every
threshold is named in ``OCRSettings``; ``use_threads`` sizes onnxruntime's pools to
the worker count so that ``--jobs N`` workers do not oversubscribe the cores.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import regex as re


@dataclass(frozen=True)
class OCRSettings:
    det_side: int = 1600           # longest side of the copy that text detection runs on
    #                                (1280: 99.61% and two zeros lost on the scans; 1024: 99.17%
    #                                and a false accusation)
    rec_width: int = 320           # narrowest recognition input, the model's training width:
    #                                measured narrower (a crop's own width + 0/48/96, at least
    #                                48/96/160), short figures lose their '.' and '≥' (99.67% ->
    #                                98.6-98.9%, 2-5 figures wrong unflagged); a lower input
    #                                height (40, 36) or an int8 model likewise (99.1%, 93.4%)
    strip_width: int = 1600        # widest input that boxes are read together in (narrower
    #                                is cheaper a pixel, 960: 7%, but 800 misread headers)
    strip_gap: int = 24            # input pixels between two pieces (3 time steps; 40 and 64
    #                                measured no better, 16 lost header words to neighbours)
    strip_conf: float = 0.9        # a box read below this beside its neighbours is read alone
    line_overlap: float = 0.6      # boxes overlapping this much of the lower one's height...
    line_heights: float = 1.35     # ... and no more than this many times taller share a line
    orient_sample: int = 15        # boxes the direction classifier votes with
    tall: float = 1.5              # a box this many times taller than wide is vertical text
    tall_min: float = 24.0         # ... and at least this many pixels tall (two characters)
    dash_ratio: float = 1.6        # a lone stroke this many times wider than tall is a dash
    text_score: float = 0.5        # readings below this are dropped (RapidOCR's own cut)
    lone_conf: float = 0.5         # below this, a second-look reading of a lone glyph is a guess
    recheck_conf: float = 0.97     # numeric cells read below this get a second look
    recheck_scale: float = 1.5     # the second look's upscaling


SETTINGS = OCRSettings()
STEP = 8                           # input pixels per time step of the recogniser
STATS: dict = {}                   # seconds per stage and pages, read by the benchmark
_OPEN: list = []                   # seconds spent in the stages inside each open stage
_THREADS: dict = {}                # this process's onnxruntime pool size, set before first use


def use_threads(n: int | None) -> None:
    """onnxruntime's intra-op threads for this process (None: all cores)."""
    _THREADS["n"] = n


def share_cores(n: int) -> None:
    """OpenCV's threads, set in the process that forks the workers, before it forks: its
    pool on every core in each of N workers made the scans' pool 11% slower, and a worker
    that resizes a pool it inherited from a fork hangs.  Where OpenCV is not loaded yet
    (a text-layer batch; importing it costs half a second), the workers' own import reads
    the count from the environment."""
    if "cv2" in sys.modules:
        sys.modules["cv2"].setNumThreads(n)
    else:
        os.environ["OPENCV_FOR_THREADS_NUM"] = str(n)


@lru_cache(maxsize=2)
def _engine(threads: int | None):
    from rapidocr_onnxruntime import RapidOCR
    kw = {"intra_op_num_threads": threads, "inter_op_num_threads": 1} if threads else {}
    eng = RapidOCR(rec_img_shape=[3, 48, SETTINGS.rec_width], **kw)
    for part in (eng.text_det.infer, eng.text_cls.infer, eng.text_rec.session):
        part.session = _session(part.session._model_path, threads)
    return eng


def _session(model: str, threads: int | None):
    """onnxruntime's session for one of the wheel's models, folded (``models``), with its
    memory arena: RapidOCR turns the arena off, and every detection then allocates its
    buffers afresh (measured: a 1088×800 detection 231 ms with the arena, 357–400 ms
    without)."""
    import onnxruntime as ort
    from .models import folded
    so = ort.SessionOptions()
    so.log_severity_level = 4
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
    return ort.InferenceSession(folded(model), sess_options=so, providers=["CPUExecutionProvider"])


def engine():
    return _engine(_THREADS.get("n"))


def default_threads(jobs: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


@contextmanager
def stage(name: str):
    """Seconds spent in one stage of reading a scan, added up in STATS; a stage inside
    another (recognition inside the second look) counts for itself only."""
    t0 = time.perf_counter()
    _OPEN.append(0.0)
    try:
        yield
    finally:
        spent = time.perf_counter() - t0
        inner = _OPEN.pop()
        STATS[name] = STATS.get(name, 0.0) + spent - inner
        if _OPEN:
            _OPEN[-1] += spent


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


def detect(gray: np.ndarray, s: OCRSettings = SETTINGS) -> list[np.ndarray]:
    """Text-line quadrilaterals (4×2, page pixels) on the whole page, top to bottom."""
    boxes = detect_in(gray, [(0, 0, gray.shape[1], gray.shape[0])], s)
    return list(engine().sorted_boxes(np.array(boxes))) if boxes else []


@timed("detect")
def detect_in(gray: np.ndarray, rects: list[tuple[int, int, int, int]], s: OCRSettings = SETTINGS) -> list[np.ndarray]:
    """Text-line quadrilaterals (page pixels) in parts of the page (x0, y0, x1, y1), each
    detected at the page's detection scale (RapidOCR would enlarge a small part to 736
    pixels; here its cost is its area)."""
    import cv2
    det = engine().text_det
    k = min(1.0, s.det_side / max(gray.shape[:2]))
    out = []
    for x0, y0, x1, y1 in rects:
        part = gray[y0:y1, x0:x1]
        if part.size == 0:
            continue
        small = cv2.resize(part, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else part
        h, w = small.shape
        size = (max(32, int(round(w / 32)) * 32), max(32, int(round(h / 32)) * 32))
        x = cv2.resize(small, size).astype(np.float32) / 127.5 - 1.0
        preds = det.infer(np.ascontiguousarray(np.repeat(x[None, None], 3, axis=1)))[0]
        boxes, _ = det.postprocess_op(preds, (h, w))
        boxes = det.filter_tag_det_res(boxes, (h, w))
        out += [np.asarray(b, dtype=np.float32) / k + np.float32([x0, y0]) for b in boxes]
    return out


def crop(gray: np.ndarray, box: np.ndarray) -> np.ndarray:
    """A box's line, straightened (RapidOCR's own perspective crop), grey like the page (a
    three-channel copy of the whole page for every crop cost 24 ms a box)."""
    return engine().get_crop_img_list(gray, [box.astype(np.float32)])[0]


DASH_READS = {"1", "l", "I", "|", "-", "_", "一", "二", "—", "－", "="}   # what a lone stroke reads as


def is_dash(text: str, width: float, height: float, s: OCRSettings = SETTINGS) -> bool:
    """A lone stroke much wider than tall is a dash (a blank cell's '—'), whatever the
    recogniser guessed ('1', '一')."""
    return text.strip() in DASH_READS and width > s.dash_ratio * height


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
    _, labels, _ = engine().text_cls([_bgr(crop(gray, b)) for b in pool])
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


def read(crops: list[np.ndarray], s: OCRSettings = SETTINGS) -> list[tuple[str, float]]:
    """Recognised text and confidence per crop, each crop alone (its time counts to the
    stage that asks: the second look's readings are the second look's)."""
    return _guard(_alone, crops, s)


def _alone(crops: list[np.ndarray], s: OCRSettings) -> list[tuple[str, float]]:
    return [_decoded(_run(_rec_input(c, s)), [(0, 10 ** 9)])[0] for c in crops]


def _run(x: np.ndarray) -> np.ndarray:
    """The recogniser's class probabilities per time step of one input (counted in STATS:
    inputs, and their width in pixels, the measure of its cost)."""
    STATS["rec inputs"] = STATS.get("rec inputs", 0) + 1
    STATS["rec pixels"] = STATS.get("rec pixels", 0) + x.shape[-1]
    return engine().text_rec.session(x)[0][0]


def _rec_input(c: np.ndarray, s: OCRSettings) -> np.ndarray:
    """A grey crop as the recogniser's input: 48 pixels high, to [-1, 1], padded on the
    right with the model's padding value (0) to the training width (RapidOCR's own
    preparation: narrower, short figures lose their '.' and '≥')."""
    h, w = c.shape
    ratio = 48 * w / max(1, h)
    width = max(1, int(ratio) if ratio > s.rec_width else int(np.ceil(ratio)))
    x = np.zeros((1, 3, 48, max(s.rec_width, width)), dtype=np.float32)
    x[0, :, :, :width] = _scaled(c, width)
    return x


def _scaled(g: np.ndarray, width: int) -> np.ndarray:
    """A grey crop resized to ``width`` × 48 and brought to [-1, 1], as the model reads it."""
    import cv2
    return cv2.resize(g, (width, 48)).astype(np.float32) / 127.5 - 1.0


def _decoded(probs: np.ndarray, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
    """CTC decoding of one input whose pieces lie at ``spans`` (input pixels): each
    character goes to the piece nearest its time step; a piece's confidence is the mean
    of its characters' (RapidOCR's measure), 0 when it has none."""
    chars = engine().text_rec.postprocess_op.character
    idx = probs.argmax(axis=1)
    prob = probs[np.arange(len(idx)), idx]           # the max, without a second pass
    keep = np.ones(len(idx), dtype=bool)
    keep[1:] = idx[1:] != idx[:-1]
    keep &= idx != 0                                    # 0: the CTC blank
    got: list[tuple[list[str], list[float]]] = [([], []) for _ in spans]
    strayed: set[int] = set()
    for t in np.nonzero(keep)[0]:
        x = (t + 0.5) * STEP
        apart = [max(spans[j][0] - x, x - spans[j][1], 0.0) for j in range(len(spans))]
        k = min(range(len(spans)), key=apart.__getitem__)
        got[k][0].append(chars[idx[t]])
        got[k][1].append(float(prob[t]))
        if apart[k] > 0:        # read in a gap: its piece is a guess ('二级指标' gave its '二' away)
            strayed |= {j for j in (k - 1, k, k + 1) if 0 <= j < len(spans)}
    return [(typeset("".join(t)), 0.0 if k in strayed else float(np.mean(p)) if p else 0.0)
            for k, (t, p) in enumerate(got)]


def _lines(boxes: list[np.ndarray], s: OCRSettings) -> list[list[int]]:
    """Boxes that share one printed line (their heights alike and mostly overlapping),
    left to right; a tall (vertical) box is a line of its own."""
    rect = [(b[:, 0].min(), b[:, 1].min(), b[:, 0].max(), b[:, 1].max()) for b in boxes]
    lines: list[dict] = []
    for i in sorted(range(len(boxes)), key=lambda i: rect[i][1] + rect[i][3]):
        y0, y1 = rect[i][1], rect[i][3]
        h, tall = y1 - y0, _is_tall(boxes[i], s)
        home = None if tall else next(
            (ln for ln in lines if not ln["tall"] and min(y1, ln["y1"]) - max(y0, ln["y0"]) >= s.line_overlap * min(h, ln["h"])
             and max(h, ln["h"]) <= s.line_heights * min(h, ln["h"])), None)
        if home is None:
            lines.append({"ids": [i], "y0": y0, "y1": y1, "h": h, "tall": tall})
        else:
            home["ids"].append(i)
            home["y0"], home["y1"], home["h"] = min(home["y0"], y0), max(home["y1"], y1), max(home["h"], h)
    return [sorted(ln["ids"], key=lambda i: rect[i][0]) for ln in lines]


def _pieces(gray: np.ndarray, boxes: list[np.ndarray], ids: list[int]) -> list[tuple[int, np.ndarray]]:
    """One printed line's boxes cut from the band they share and scaled alike to the
    recogniser's height: [(box, piece)]."""
    y0 = int(min(boxes[i][:, 1].min() for i in ids))
    y1 = int(np.ceil(max(boxes[i][:, 1].max() for i in ids))) + 1
    k = 48.0 / max(1, y1 - y0)
    pieces = []
    for i in ids:
        x0, x1 = int(boxes[i][:, 0].min()), int(np.ceil(boxes[i][:, 0].max())) + 1
        cut = gray[max(0, y0):y1, max(0, x0):x1]
        if cut.size:
            pieces.append((i, _scaled(cut, max(1, int(round(cut.shape[1] * k))))))
    return pieces


def _strips(pieces: list[tuple[int, np.ndarray]], s: OCRSettings):
    """Pieces set side by side with a gap in inputs no wider than ``strip_width``:
    [(input, [(box, span)])]."""
    groups, width = [[]], 0
    for i, p in pieces:
        if groups[-1] and width + p.shape[1] > s.strip_width:
            groups.append([])
            width = 0
        groups[-1].append((i, p))
        width += p.shape[1] + s.strip_gap
    return [_strip(g, s) for g in groups if g]


def _stepped(width: int) -> int:
    """``width`` rounded up to whole time steps, so that every piece starts on a step as an
    input of its own does (a piece's reading changes with its place between steps)."""
    return -(-width // STEP) * STEP


def _strip(group: list, s: OCRSettings):
    """Pieces set side by side, ``strip_gap`` apart, in one input of at least the training
    width: (input, [(box, span)])."""
    x = np.zeros((1, 3, 48, max(s.rec_width, sum(_stepped(q.shape[1] + s.strip_gap) for _, q in group))), dtype=np.float32)
    at, spans = 0, []
    for i, q in group:
        x[0, :, :, at:at + q.shape[1]] = q
        spans.append((i, (at, at + q.shape[1])))
        at += _stepped(q.shape[1] + s.strip_gap)
    return x, spans


def _kept_dash(box: np.ndarray, got: tuple[str, float], s: OCRSettings) -> bool:
    """A dash read as a stroke beside its neighbours, above ``text_score``: read alone it
    is still a dash (``is_dash``), so it is not read again (half of a page's readings
    alone were of these)."""
    e = extent(box)
    return got[1] >= s.text_score and is_dash(got[0], e["x1"] - e["x0"], e["bottom"] - e["top"], s)


@timed("recognise")
def read_boxes(gray: np.ndarray, boxes: list[np.ndarray], s: OCRSettings = SETTINGS) -> list[tuple[str, float]]:
    """Text and confidence per box.  Every box but a vertical one is cut from the band
    its printed line shares and read set side by side with others: the recogniser's cost
    grows with its input's width, a short figure read alone is padded to the training
    width, and beside its neighbours a lone sign reads as itself ('≥', not '=').  A box
    that reads as nothing or below ``strip_conf`` there is read again alone (a lone '0'
    beside wide text can vanish), as is a vertical box; a dash read as one is not
    (``_kept_dash``)."""
    got: dict[int, tuple[str, float]] = {}
    pieces = [p for ids in _lines(boxes, s) if not _is_tall(boxes[ids[0]], s) for p in _pieces(gray, boxes, ids)]
    for x, spans in _strips(pieces, s):
        for (i, _), r in zip(spans, _decoded(_run(x), [sp for _, sp in spans])):
            got[i] = r
    alone = [i for i in range(len(boxes)) if i not in got or not got[i][0].strip()
             or got[i][1] < s.strip_conf and not _kept_dash(boxes[i], got[i], s)]
    for i, r in zip(alone, _alone([crop(gray, boxes[i]) for i in alone], s)):
        got[i] = r
    return [got[i] for i in range(len(boxes))]


def read_page_text(gray: np.ndarray, boxes: list[np.ndarray]) -> list[dict]:
    """Page words: box extents, text and confidence (empty readings dropped)."""
    texts = read_boxes(gray, boxes)
    words = []
    for b, (text, conf) in zip(boxes, texts):
        if not text.strip() or conf < SETTINGS.text_score:
            continue
        words.append({**extent(b), "text": text, "conf": conf})
    return words


def extent(box: np.ndarray) -> dict:
    """A box's extent as a page word's: x0, top, x1, bottom."""
    return {"x0": float(box[:, 0].min()), "top": float(box[:, 1].min()), "x1": float(box[:, 0].max()),
            "bottom": float(box[:, 1].max())}
