"""What a phone photo or a grey scan adds to a page image, and how it is taken away.

- uneven light: the paper's brightness estimated by closing the page (text and rulings
  removed) on a small copy; the page divided by it, so a shadow or a fall-off across
  the sheet turns back to white paper (the desk around a photographed sheet, being
  evenly dark itself, whitens too);
- the camera's angle: the table's outer border (the largest inked component, since every
  ruling joins it) gives four corners, each edge the line most of its outermost ink lies
  on (no corners when an edge is no line: a seal joining the notes to the table); when
  its opposite edges are not parallel the page is warped so that the border becomes a
  rectangle (a plain skew stays for deskew);
- a seal on a grey scan: a ring of mid-grey ink found by its shape (Hough circles on a
  small copy, OpenCV's HOUGH_GRADIENT_ALT, confirmed by the ring's tone all round), and
  under it every pixel lighter than halfway between the print's black and the seal's
  grey is paper again.

Each step returns the page unchanged when it finds nothing, so scans that need none of
it are not touched.  The thresholds live in ``PhotoSettings``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PhotoSettings:
    light_scale: int = 8            # the paper's brightness is estimated at 1/8 size
    light_kernel: int = 15          # closing kernel there (pixels): wider than any stroke
    light_uneven: float = 30.0      # grey levels between the paper's brightest and darkest tenths
    border_min_area: float = 0.1    # the table border's quad covers at least this part of the page...
    border_small: float = 0.2       # ... and a border on less than this part (the rest of a table
    small_straight: float = 0.95    #     continued at a page's top) has every edge this straight: its
    #                                 edges are short, and a seal joining the notes to it tilts one
    keystone_deg: float = 0.35      # opposite edges this far from parallel: the camera was tilted
    edge_near: float = 1.5          # pixels (on the small copy) from an edge's line that count as on it
    edge_straight: float = 0.5      # part of an edge's outermost ink that must lie on one line: less,
    #                                 and what bounds the ink there is no ruling (a seal joining the
    #                                 notes below the table to it), so no corners are given
    seal_side: int = 500            # seals are looked for on a copy this wide
    seal_radius: tuple = (0.05, 0.14)   # a seal's radius as a part of the page's width
    seal_edge: int = 300            # edge strength (Canny's upper threshold) a seal's ring shows
    seal_round: float = 0.3         # how nearly round a ring must be to be a seal's candidate
    #                                 (OpenCV's HOUGH_GRADIENT_ALT, 0..1: on 36 grey pages with a
    #                                 seal stamped at random, 27 found, none false, 1.1 s; the
    #                                 classic gradient method 17 found in 7.0 s)
    seal_ring: float = 0.55         # part of the ring that is seal-grey ink
    seal_paper: int = 200           # under a seal, lighter than this is paper (a ruling may be any darker)
    seal_tilt: float = 4.0          # a ruling kept under a lifted seal lies this near level or upright (degrees)
    seal_line_gap: int = 4          # ... and is broken by no more than this many pixels
    seal_gap: float = 40.0          # grey levels between the print and the seal to tell them apart


SETTINGS = PhotoSettings()


def even_light(gray: np.ndarray, s: PhotoSettings = SETTINGS) -> np.ndarray:
    """The page divided by its paper brightness, where that brightness varies."""
    import cv2
    h, w = gray.shape
    small = cv2.resize(gray, (max(8, w // s.light_scale), max(8, h // s.light_scale)), interpolation=cv2.INTER_AREA)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (s.light_kernel, s.light_kernel))
    paper = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, k), (0, 0), s.light_kernel / 3)
    lo, hi = np.percentile(paper, 10), np.percentile(paper, 90)
    if hi - lo < s.light_uneven:
        return gray
    sheet = _sheet(small)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    out = np.clip(gray.astype(np.float32) * 255.0 / np.maximum(paper, 1.0), 0, 255).astype(np.uint8)
    if sheet is not None:
        out[cv2.resize(sheet, (w, h), interpolation=cv2.INTER_NEAREST) == 0] = 255
    return out


def _sheet(small: np.ndarray) -> np.ndarray | None:
    """Where the sheet of paper is on a small copy of a photo (the desk around it dark),
    as a 0/1 mask; None when the paper fills the picture."""
    import cv2
    _, bright = cv2.threshold(cv2.GaussianBlur(small, (5, 5), 0), 0, 1, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if n < 2:
        return None
    big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[big, cv2.CC_STAT_AREA] > 0.97 * small.size or stats[big, cv2.CC_STAT_AREA] < 0.3 * small.size:
        return None
    hull = cv2.convexHull(np.argwhere(labels == big)[:, ::-1].astype(np.int32))
    mask = np.zeros_like(small, dtype=np.uint8)
    cv2.fillConvexPoly(mask, hull, 1)
    return cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))


def border_corners(gray: np.ndarray, s: PhotoSettings = SETTINGS) -> np.ndarray | None:
    """The table's outer corners (top-left, top-right, bottom-right, bottom-left) in pixels,
    or None when no inked component is large enough to be a table's ruling."""
    import cv2
    h, w = gray.shape
    k = 4 if max(h, w) > 1600 else 2
    small = cv2.resize(gray, (w // k, h // k), interpolation=cv2.INTER_AREA)
    binv = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binv, connectivity=8)
    if n < 2:
        return None
    big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_WIDTH] * stats[1:, cv2.CC_STAT_HEIGHT]))
    comp = labels == big
    rows = np.nonzero(comp.any(axis=1))[0]
    cols = np.nonzero(comp.any(axis=0))[0]
    if len(rows) < 20 or len(cols) < 20:
        return None
    rows = rows[len(rows) // 10: -len(rows) // 10]       # the edges' middle 80 %: corners round off
    cols = cols[len(cols) // 10: -len(cols) // 10]
    left = [(comp[y].argmax(), y) for y in rows]
    right = [(comp.shape[1] - 1 - comp[y, ::-1].argmax(), y) for y in rows]
    top = [(x, comp[:, x].argmax()) for x in cols]
    bottom = [(x, comp.shape[0] - 1 - comp[::-1, x].argmax()) for x in cols]
    fits = [_fit(pts, s) for pts in (top, right, bottom, left)]
    if min(share for _, share in fits) < s.edge_straight:
        return None
    edges = [line for line, _ in fits]
    quad = np.float32([_meet(edges[3], edges[0]), _meet(edges[0], edges[1]),
                       _meet(edges[1], edges[2]), _meet(edges[2], edges[3])]) * k
    if not np.isfinite(quad).all():
        return None
    area = cv2.contourArea(quad) / (h * w)
    if area < s.border_min_area or area < s.border_small and min(share for _, share in fits) < s.small_straight:
        return None
    return quad


def _fit(points: list, s: PhotoSettings = SETTINGS) -> tuple[np.ndarray, float]:
    """The straight line most of the border's outermost ink lies on, and the part of the
    ink that lies on it.  Candidate lines run through pairs of points half the edge
    apart; the one with the most points within ``edge_near`` is refitted to those points.
    What sticks out (a seal's ring, a note beside the table) is outvoted, not averaged in."""
    import cv2
    pts = np.float32(points)
    n = len(pts)
    half = n // 2
    step = max(1, half // 60)
    a, b = pts[:half:step], pts[half:half + half:step][: len(pts[:half:step])]
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    ok = length > 0
    a, d, length = a[ok], d[ok], length[ok]
    if not len(a):
        return cv2.fitLine(pts, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel(), 0.0
    # distance of every point from every candidate line: |cross(p - a, d)| / |d|
    off = np.abs((pts[None, :, 0] - a[:, None, 0]) * d[:, None, 1]
                 - (pts[None, :, 1] - a[:, None, 1]) * d[:, None, 0]) / length[:, None]
    votes = (off <= s.edge_near).sum(axis=1)
    near = pts[off[int(np.argmax(votes))] <= s.edge_near]
    line = cv2.fitLine(near if len(near) >= 2 else pts, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    return line, float(votes.max()) / n


def _meet(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Where two lines (vx, vy, x0, y0) cross."""
    (vx1, vy1, x1, y1), (vx2, vy2, x2, y2) = a, b
    det = vx1 * (-vy2) - vy1 * (-vx2)
    if abs(det) < 1e-9:
        return float("nan"), float("nan")
    t = ((x2 - x1) * (-vy2) - (y2 - y1) * (-vx2)) / det
    return float(x1 + t * vx1), float(y1 + t * vy1)


def _keystone(quad: np.ndarray) -> float:
    """Degrees by which the border's opposite edges are not parallel (0 for a rectangle,
    however it is rotated)."""
    def ang(a, b):
        return np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0]))
    tl, tr, br, bl = quad
    horiz = abs(ang(tl, tr) - ang(bl, br))
    vert = abs(ang(tl, bl) - ang(tr, br))
    return float(max(horiz, vert))


def flatten(gray: np.ndarray, s: PhotoSettings = SETTINGS) -> tuple[np.ndarray, list | None]:
    """The page with a tilted camera's keystone taken out: the table border's corners are
    mapped onto a rectangle of the border's mean width and height, its top-left corner
    kept where it was.  Returns (page, the 3×3 warp as lists, or None when none was needed)."""
    import cv2
    quad = border_corners(gray, s)
    if quad is None or _keystone(quad) < s.keystone_deg:
        return gray, None
    tl, tr, br, bl = quad
    bw = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    bh = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    x0, y0 = float(min(tl[0], bl[0])), float(min(tl[1], tr[1]))
    rect = np.float32([[x0, y0], [x0 + bw, y0], [x0 + bw, y0 + bh], [x0, y0 + bh]])
    mat = cv2.getPerspectiveTransform(quad, rect)
    return warp(gray, mat.tolist()), mat.tolist()


def warp(gray: np.ndarray, mat: list) -> np.ndarray:
    """The page through a recorded warp (paper-white outside)."""
    import cv2
    h, w = gray.shape[:2]
    border = 255 if gray.ndim == 2 else (255, 255, 255)
    return cv2.warpPerspective(gray, np.float32(mat), (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def seal_rings(gray: np.ndarray, s: PhotoSettings = SETTINGS, ink: float | None = None) -> list[tuple[float, float, float, float]]:
    """Seals on a grey page: [(x, y, radius, the seal ink's grey level)], found as circles
    whose ring is mid-grey ink most of the way round (print is black, paper white;
    ``ink``: the print's grey level, worked out here when not given)."""
    import cv2
    h, w = gray.shape
    k = min(1.0, s.seal_side / w)
    small = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    sw = small.shape[1]
    rmin, rmax = int(s.seal_radius[0] * sw), int(s.seal_radius[1] * sw)
    found = cv2.HoughCircles(cv2.GaussianBlur(small, (5, 5), 1.5), cv2.HOUGH_GRADIENT_ALT, dp=1.5, minDist=rmin * 2,
                             param1=s.seal_edge, param2=s.seal_round, minRadius=rmin, maxRadius=rmax)
    if found is None:
        return []
    ink = _print_level(gray) if ink is None else ink
    rings = []
    for cx, cy, r in found[0][:10]:
        cx, cy, r = cx / k, cy / k, r / k
        radii = np.arange(0.9 * r, 1.1 * r, 1.0)          # the estimate is a few pixels off
        inks, levels = _ring_ink(gray, cx, cy, radii)
        best = int(np.argmax(inks))
        r, inked, level = float(radii[best]), float(inks[best]), float(levels[best])
        around = float(_ring_ink(gray, cx, cy, np.array([0.85 * r, 1.15 * r]))[0].max())
        if inked < s.seal_ring or inked - around < s.seal_ring / 2:
            continue                          # no ring, or ink everywhere (a page of text)
        rings.append((float(cx), float(cy), r, level))
    return rings


def separable(ring: tuple, ink: float, s: PhotoSettings = SETTINGS) -> bool:
    """A seal lighter than the print by ``seal_gap``: its ink can be lifted off the print."""
    return ring[3] - ink >= s.seal_gap


def _ring_ink(gray: np.ndarray, cx: float, cy: float, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For circles of each radius about (cx, cy): how much of the circle is inked, and the
    median grey of that ink (255 where none is)."""
    h, w = gray.shape
    angles = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    xs = np.clip(cx + radii[:, None] * np.cos(angles), 0, w - 1).astype(int)
    ys = np.clip(cy + radii[:, None] * np.sin(angles), 0, h - 1).astype(int)
    ring = gray[ys, xs].astype(np.float32)
    inked = ring < 200
    levels = np.full(len(radii), 255.0)
    some = inked.any(axis=1)
    if some.any():
        levels[some] = np.nanmedian(np.where(inked, ring, np.nan)[some], axis=1)
    return inked.mean(axis=1), levels


def _print_level(gray: np.ndarray) -> float:
    """The grey level of printed ink: the dark end of the page's inked pixels."""
    dark = gray[gray < 200]
    return float(np.percentile(dark, 10)) if dark.size else 0.0


def _rulings(dark: np.ndarray, n: int, s: PhotoSettings = SETTINGS) -> np.ndarray:
    """The ruling lines under a seal, to keep when it is lifted: straight runs of ink at
    least ``n`` long (longer than an arc of the ring can stay straight), level or upright
    within ``seal_tilt`` degrees (a photo whose keystone was left uncorrected, its border
    under a seal, has verticals 2° off).  Any ink counts, however light: a photo's thin
    rulings can be lighter than the seal."""
    import cv2
    keep = np.zeros_like(dark)
    segs = cv2.HoughLinesP(dark * 255, 1, np.pi / 720, threshold=n // 2, minLineLength=n, maxLineGap=s.seal_line_gap)
    for x0, y0, x1, y1 in (segs.reshape(-1, 4) if segs is not None else []):
        a = np.degrees(np.arctan2(abs(int(y1) - int(y0)), abs(int(x1) - int(x0))))
        if min(a, 90 - a) <= s.seal_tilt:
            cv2.line(keep, (int(x0), int(y0)), (int(x1), int(y1)), 1, thickness=5)
    keep &= dark
    keep |= cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))   # and the
    keep |= cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))   # square-on ones whole
    return cv2.dilate(keep, np.ones((3, 3), np.uint8)).astype(bool)


def lift_seals(gray: np.ndarray, s: PhotoSettings = SETTINGS) -> tuple[np.ndarray, list, list]:
    """A grey page with each seal's ink turned to paper inside its ring, print and the
    table's ruling lines kept: (page, the seals lifted, the seals left on it).  A seal as
    dark as the print stays (lifting it would take the print too), and so do a lifted
    seal's strokes as dark as the print (its star); every seal's ring is known, so none of
    these is taken for a ruling line, and what is read under a seal left on is doubted."""
    ink = _print_level(gray)
    rings = seal_rings(gray, s, ink)
    light = [r for r in rings if separable(r, ink, s)]
    kept = [r for r in rings if not separable(r, ink, s)]
    if not light:
        return gray, [], kept
    out = gray.copy()
    h, w = gray.shape
    for cx, cy, r, level in light:
        R = r * 1.08
        x0, x1 = max(0, int(cx - R)), min(w, int(cx + R) + 1)
        y0, y1 = max(0, int(cy - R)), min(h, int(cy + R) + 1)
        part = out[y0:y1, x0:x1]
        yy, xx = np.ogrid[y0:y1, x0:x1]
        inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= R * R
        lines = _rulings((part < s.seal_paper).astype(np.uint8), max(15, int(1.2 * r)), s)
        part[inside & ~lines & (part > (ink + level) / 2)] = 255
    return out, light, kept
