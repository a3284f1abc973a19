"""A scanned or photographed page made ready to read: grey with seal ink lifted, evenly lit,
turned upright, deskewed, brought to about 200 dpi; and the recipe that rebuilds it."""
from __future__ import annotations

import numpy as np

from . import photo

DPI = 200
LINE = 3.0                # half a ruling line's thickness in pixels, after dilation
GRID_TOL = 8.0            # pixels within which cell edges are one grid line


# ---------------------------------------------------------------- clean-up
SEAL_RED = 1.2            # seal ink's red channel is about 0.8 of the paper's under it
LUMA = np.array([[0.114, 0.587, 0.299]], np.float32)   # BGR to grey (ITU-R 601)
def to_gray(img: np.ndarray) -> np.ndarray:
    """Grey page with red seal ink removed, contrast stretched to 2–98 %.

    A pixel whose red clearly exceeds its green and blue is seal ink; it takes its red
    channel's value, which red ink barely darkens: the paper's own brightness where the
    seal is on paper (in shadow too), dark where black or blue ink lies under it."""
    import cv2
    if img.ndim == 3:
        g = cv2.transform(img.astype(np.float32), LUMA)
        b, gch, r = cv2.split(img)
        red = cv2.subtract(r, cv2.max(gch, b)) > 35        # saturating: r - max(g, b) > 35
        g[red] = np.minimum(255.0, r[red] * SEAL_RED)
    else:
        g = img.astype(np.float32)
    lo, hi = np.percentile(g, [2, 98])
    if hi - lo < 10:
        return g.astype(np.uint8)
    g -= np.float32(lo)
    g *= np.float32(255.0 / (hi - lo))
    np.clip(g, 0, 255, out=g)
    return g.astype(np.uint8)


def skew_angle(gray: np.ndarray) -> float:
    """Degrees to rotate (counter-clockwise) so that ruling lines become horizontal."""
    import cv2
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    inv = 255 - small
    h, w = inv.shape
    centre = (w / 2, h / 2)

    def sharpness(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        r = cv2.warpAffine(inv, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        prof = r.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(prof) ** 2))
    best = max(np.arange(-5, 5.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    return float(round(best, 2))


def rotate(img: np.ndarray, angle: float) -> np.ndarray:
    import cv2
    if abs(angle) < 0.05:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = 255 if img.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def turn(img: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate by 90° steps counter-clockwise."""
    return np.ascontiguousarray(np.rot90(img, quarter_turns % 4))


def is_grey(img: np.ndarray) -> bool:
    """A grey page (a seal on it is grey too), whether stored as one channel or three."""
    if img.ndim == 2:
        return True
    sample = img[::8, ::8].astype(np.int16)
    return float(np.percentile(np.abs(sample[:, :, 2] - sample[:, :, 1]), 99)) < 25


def normalized(img: np.ndarray, transform: dict) -> np.ndarray:
    """The cleaned page that OCR coordinates refer to, rebuilt from its recipe (a grey
    seal is left on it: evidence shows the page as it is)."""
    import cv2
    k = transform.get("scale", 1.0)
    if k != 1.0:
        img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    gray = photo.even_light(to_gray(turn(img, transform.get("turn", 0))))
    if transform.get("warp"):
        gray = photo.warp(gray, transform["warp"])
    return rotate(gray, transform.get("angle", 0.0))


# ---------------------------------------------------------------- table grid
MAX_SIDE = 2400          # a larger scan (300 dpi A4 is 3508) is brought to about 200 dpi


def fit(img: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2
    side = max(img.shape[:2])
    if side <= MAX_SIDE:
        return img, 1.0
    k = 2339 / side
    return cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA), k


def _cleaned(img: np.ndarray, quarter: int) -> tuple[np.ndarray, dict]:
    """The page turned, grey, evenly lit, flattened (a photo's keystone), a grey seal
    lifted, deskewed; and the recipe that rebuilds it (``normalized``)."""
    gray = photo.even_light(to_gray(turn(img, quarter)))
    gray, mat = photo.flatten(gray)
    angle = skew_angle(gray)
    gray, seals, dark = photo.lift_seals(rotate(gray, angle)) if is_grey(img) else (rotate(gray, angle), [], [])
    recipe = {"turn": quarter, "angle": angle, **({"warp": mat} if mat else {}),
              **({"seals": len(seals), "lifted_seals": [[round(v) for v in r[:3]] for r in seals]} if seals else {}),
              **({"dark_seals": [[round(v) for v in r[:3]] for r in dark]} if dark else {})}
    return gray, recipe
