"""The nerve drawn schematically around a piriformis band (numpy only).

Convention (stated once)
------------------------
The schematic is a 2-D posterior view: ``x`` points lateral (to the right for a right
hip seen from behind), ``y`` points superior. The piriformis is a band from its origin
on the sacrum (``start``, medial) to the greater trochanter (``end``, lateral). Lengths
are in whatever unit the caller uses (the app passes metres); nothing depends on scale.
"Above" and "below" the band mean on its superior and inferior side: the side of the
band's normal with a positive ``y`` component is superior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping
import numpy as np
from .data import DIVISIONS, NerveVariants, RELATIONS, load_nerve_variants


# shape constants, as fractions of the muscle length (t) or of its half width
_TAPER_START = 0.6        # the belly keeps its full width up to here ...


_TENDON_FRACTION = 0.4    # ... then narrows (pear-like) to this share of it at the trochanter


_GAP_FRACTION = 0.26      # half-gap between the two heads, share of the half width


_CLEARANCE = 0.45         # a division below/above clears the border by this share of the half width


_DIVISION_SPACING = 0.07  # tibial and common fibular cross this far apart along the muscle


_PELVIC_RISE = 2.6        # the pelvic part starts this many half widths above the axis


_PELVIC_BACK = 0.17       # ... and this far medial (share of the length)


@dataclass(frozen=True)
class NervePath:
    """One division's schematic course, top (inside the pelvis) to bottom (thigh).

    Attributes
    ----------
    name : str
        ``'sciatic'`` (undivided), ``'tibial'`` or ``'common fibular'``.
    relation : str
        ``'below'``, ``'through'`` or ``'above'`` the piriformis.
    xy : ndarray, shape (m, 2)
        The polyline, same units and frame as the muscle end points.
    exit_index : int
        ``xy[exit_index]`` is where the division passes the muscle (below its lower
        border, in the gap between its heads, or above its upper border). Before it
        the division is inside the pelvis, deep to the muscle (draw it dashed or under
        the muscle); from it on it is superficial (draw it solid, over the muscle).
    relative_width : float
        Drawing width relative to the undivided nerve (1.0).
    """

    name: str
    relation: str
    xy: np.ndarray
    exit_index: int
    relative_width: float = 1.0

    @property
    def crossing_xy(self) -> np.ndarray:
        """Where the division passes the muscle, shape (2,)."""
        return self.xy[self.exit_index]

    @property
    def pelvic_xy(self) -> np.ndarray:
        """The part inside the pelvis, deep to the muscle, shape (k, 2)."""
        return self.xy[: self.exit_index + 1]

    @property
    def outer_xy(self) -> np.ndarray:
        """The part outside the pelvis, superficial to the muscle, shape (m - k + 1, 2)."""
        return self.xy[self.exit_index:]


@dataclass(frozen=True)
class NerveSchematic:
    """A piriformis band with one Beaton & Anson type drawn around it.

    Attributes
    ----------
    type_letter : str
    muscle_start, muscle_end : ndarray, shape (2,)
        Sacral origin (medial) and trochanteric insertion (lateral).
    half_width : float
        The muscle belly's half width; the tendon narrows towards ``muscle_end``.
    axis : ndarray, shape (2,)
        Unit vector from start to end.
    normal : ndarray, shape (2,)
        Unit normal pointing to the superior side of the band.
    muscle_outlines : tuple of ndarray, each shape (k, 2)
        Closed polygons (last point equals the first): one band, or two heads
        (superior first) when a division passes through the muscle.
    gap_outline : ndarray, shape (k, 2), or None
        Closed polygon of the gap between the heads (None for a single band).
    divisions : tuple of NervePath
        ``('sciatic',)`` for an undivided nerve, else ``('tibial', 'common fibular')``.
    crossing_fraction : float
        Where along the muscle (0 = start, 1 = end) the nerve passes it.
    """

    type_letter: str
    muscle_start: np.ndarray
    muscle_end: np.ndarray
    half_width: float
    axis: np.ndarray
    normal: np.ndarray
    muscle_outlines: tuple[np.ndarray, ...]
    gap_outline: np.ndarray | None
    divisions: tuple[NervePath, ...]
    crossing_fraction: float

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.muscle_end - self.muscle_start))

    @property
    def split(self) -> bool:
        """True when the muscle has two heads."""
        return len(self.muscle_outlines) == 2

    def division(self, name: str) -> NervePath:
        for d in self.divisions:
            if d.name == name:
                return d
        raise KeyError(f"no division {name!r} in type {self.type_letter} "
                       f"(have: {', '.join(d.name for d in self.divisions)})")

    def muscle_coordinates(self, xy) -> np.ndarray:
        """Points in muscle coordinates: ``[..., 0]`` the fraction along the muscle
        (0 at start, 1 at end), ``[..., 1]`` the signed distance from the axis
        (positive on the superior side). ``xy`` shape (..., 2) -> (..., 2)."""
        d = np.asarray(xy, float) - self.muscle_start
        return np.stack([d @ self.axis / self.length, d @ self.normal], axis=-1)

    def half_width_at(self, t) -> np.ndarray:
        """Half width of the muscle outline at fraction ``t`` along it; shape of ``t``."""
        return _half_width(np.asarray(t, float), self.half_width)


def _half_width(t: np.ndarray, hw: float) -> np.ndarray:
    k = np.clip((t - _TAPER_START) / (1.0 - _TAPER_START), 0.0, 1.0)
    k = 0.5 - 0.5 * np.cos(np.pi * k)  # smooth narrowing into the tendon
    return hw * (1.0 - (1.0 - _TENDON_FRACTION) * k)


def _point2(value, name: str) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected two numbers (x, y), got {value!r}") from None
    if a.shape != (2,) or not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: expected two finite numbers (x, y), got {value!r}")
    return a


def nerve_paths_from_relations(
    relations: Mapping[str, str],
    muscle_start_xy,
    muscle_end_xy,
    muscle_half_width: float,
    *,
    crossing_fraction: float = 0.45,
    thigh_y: float | None = None,
    type_letter: str = "",
) -> NerveSchematic:
    """The schematic for explicit relations, e.g. ``{'tibial': 'below', 'common fibular': 'through'}``.

    ``relations`` is ``{'sciatic': rel}`` for an undivided nerve or has the keys
    ``'tibial'`` and ``'common fibular'``. Other arguments as :func:`nerve_paths_2d`.
    """
    s, e, length, hw = _checked_ends_and_width(muscle_start_xy, muscle_end_xy, muscle_half_width)
    cf = _checked_crossing_fraction(crossing_fraction)
    _check_relations(relations)
    band = _band(s, e, length, hw)
    stations = _stations(relations, cf)
    outlines, gap = _muscle_outlines(band, stations, split="through" in relations.values())
    thigh_y = _thigh_level(outlines, thigh_y, band.length)
    names = ("sciatic",) if "sciatic" in relations else DIVISIONS
    paths = tuple(_division_path(band, name, relations[name], stations[name], thigh_y) for name in names)
    return NerveSchematic(
        type_letter=type_letter,
        muscle_start=band.start,
        muscle_end=band.end,
        half_width=band.half_width,
        axis=band.axis,
        normal=band.normal,
        muscle_outlines=outlines,
        gap_outline=gap,
        divisions=paths,
        crossing_fraction=cf,
    )


@dataclass(frozen=True)
class _Band:
    """The piriformis band's frame: end points, length, half width, unit axis and superior normal."""

    start: np.ndarray
    end: np.ndarray
    length: float
    half_width: float
    axis: np.ndarray
    normal: np.ndarray

    def at(self, t, off):
        """Points at fraction ``t`` along the muscle and signed distance ``off`` from its axis."""
        return (self.start + np.multiply.outer(np.asarray(t, float) * self.length, self.axis)
                + np.multiply.outer(np.asarray(off, float), self.normal))


def _checked_ends_and_width(muscle_start_xy, muscle_end_xy, muscle_half_width):
    """The end points, the length and the half width as numbers, or a one-line ValueError."""
    s = _point2(muscle_start_xy, "muscle_start_xy")
    e = _point2(muscle_end_xy, "muscle_end_xy")
    length = float(np.linalg.norm(e - s))
    if not length > 0:
        raise ValueError("muscle_start_xy and muscle_end_xy are the same point: the piriformis needs a length")
    try:
        hw = float(muscle_half_width)
    except (TypeError, ValueError):
        raise ValueError(f"muscle_half_width: expected a number, got {muscle_half_width!r}") from None
    if not (math.isfinite(hw) and 0 < hw <= 0.5 * length):
        raise ValueError(f"muscle_half_width: must be > 0 and at most half the muscle length "
                         f"({0.5 * length:g}), got {muscle_half_width!r}")
    return s, e, length, hw


def _band(s: np.ndarray, e: np.ndarray, length: float, hw: float) -> _Band:
    """The band's frame: the unit axis from start to end and the normal facing superior."""
    u = (e - s) / length
    n = np.array([-u[1], u[0]])
    if n[1] < 0:  # the superior side is the one facing +y
        n = -n
    return _Band(s, e, length, hw, u, n)


def _checked_crossing_fraction(crossing_fraction) -> float:
    """``crossing_fraction`` as a float within 0.15..0.5, or a one-line ValueError."""
    cf = float(crossing_fraction)
    if not 0.15 <= cf <= 0.5:
        raise ValueError(f"crossing_fraction: must be within 0.15..0.5 of the muscle length, got {crossing_fraction!r}")
    return cf


def _check_relations(relations: Mapping[str, str]) -> None:
    """A one-line ValueError unless the keys are one nerve or both divisions, each below, through or above."""
    names = tuple(relations)
    if names not in (("sciatic",), DIVISIONS, DIVISIONS[::-1]):
        raise ValueError(f"relations: expected the key 'sciatic' or the keys 'tibial' and 'common fibular', got {names}")
    for k, r in relations.items():
        if r not in RELATIONS:
            raise ValueError(f"relations[{k!r}]: {r!r} is not one of {', '.join(RELATIONS)}")


def _stations(relations: Mapping[str, str], cf: float) -> dict[str, float]:
    """Where each division passes (fraction along the muscle): the tibial medial, the common fibular lateral."""
    if "sciatic" in relations:
        return {"sciatic": cf}
    return {"tibial": cf - _DIVISION_SPACING, "common fibular": cf + _DIVISION_SPACING}


def _muscle_outlines(band: _Band, stations: Mapping[str, float], split: bool):
    """The closed outline(s): one band, or two heads and the gap between them (else gap None)."""
    at, hw = band.at, band.half_width
    t_open = max(stations.values()) + 0.1 if split else 0.0
    t_join = t_open + 0.12
    t = np.unique(np.concatenate([np.linspace(0.0, 1.0, 61), [_TAPER_START, t_open, t_join]]))
    t = t[(t >= 0) & (t <= 1)]
    h = _half_width(t, hw)
    gap_hw = _GAP_FRACTION * hw
    if split:
        g = gap_hw * np.clip((t_join - t) / (t_join - t_open), 0.0, 1.0)
        upper = np.vstack([at(t, h), at(t[::-1], g[::-1])])
        lower = np.vstack([at(t, -g), at(t[::-1], -h[::-1])])
        outlines = (np.vstack([upper, upper[:1]]), np.vstack([lower, lower[:1]]))
        tg = t[t <= t_join]
        gg = g[t <= t_join]
        gap = np.vstack([at(tg, gg), at(tg[::-1], -gg[::-1])])
        gap = np.vstack([gap, gap[:1]])
    else:
        band_xy = np.vstack([at(t, h), at(t[::-1], -h[::-1])])
        outlines = (np.vstack([band_xy, band_xy[:1]]),)
        gap = None
    return outlines, gap


def _thigh_level(outlines, thigh_y: float | None, length: float) -> float:
    """``thigh_y`` as a float; by default 0.9 muscle lengths below the lowest point of the outlines."""
    lowest = min(float(o[:, 1].min()) for o in outlines)
    if thigh_y is None:
        thigh_y = lowest - 0.9 * length
    return float(thigh_y)


def _division_path(band: _Band, name: str, rel: str, ts: float, thigh_y: float) -> NervePath:
    """One division's course: from inside the pelvis to where it passes the muscle, then down to ``thigh_y``."""
    at, hw = band.at, band.half_width
    hs = float(_half_width(np.array(ts), hw))
    off = {"below": -(hs + _CLEARANCE * hw), "through": 0.0, "above": hs + _CLEARANCE * hw}[rel]
    cross = at(ts, off)
    origin = at(ts - _PELVIC_BACK, hw * _PELVIC_RISE)
    # the nerve comes down out of the pelvis, even past a muscle that rises laterally
    origin[1] = max(origin[1], cross[1] + 0.5 * _PELVIC_RISE * hw)
    if not thigh_y < cross[1] - 0.5 * hw:
        raise ValueError(f"thigh_y: {thigh_y:g} is not below where the nerve passes the muscle "
                         f"(y = {cross[1]:g})")
    end = np.array([cross[0], thigh_y])
    return NervePath(name, rel, np.vstack([origin, cross, end]), 1, 1.0 if name == "sciatic" else 0.72)


def nerve_paths_2d(
    type_letter: str,
    muscle_start_xy,
    muscle_end_xy,
    muscle_half_width: float,
    *,
    crossing_fraction: float = 0.45,
    thigh_y: float | None = None,
    variants: NerveVariants | None = None,
) -> NerveSchematic:
    """Schematic outline of the piriformis and the nerve's course for one Beaton & Anson type.

    Works for any band: the caller gives the muscle's two end points in its own 2-D
    posterior view (x lateral, y superior; e.g. metres from the hip model at the current
    pose) and everything is built relative to them. The origin may lie left or right of
    the insertion (a left hip) and the band may slope up or down; the below/through/above
    relations are tested for bands up to 60 degrees from horizontal (for a near-vertical
    band "above" and "below" lose their meaning, and the nerve may run beside it).

    Parameters
    ----------
    type_letter : str
        ``'A'`` to ``'F'`` (case-insensitive).
    muscle_start_xy : array_like, shape (2,)
        Sacral origin of the piriformis (medial end).
    muscle_end_xy : array_like, shape (2,)
        Insertion on the greater trochanter (lateral end).
    muscle_half_width : float
        Half the belly's width, same units; > 0 and at most half the muscle length.
        The outline narrows to 40% of it towards the trochanter (the tendon).
    crossing_fraction : float, optional
        Where along the muscle (0 = start, 1 = end) the nerve passes it; 0.15..0.5,
        default 0.45. A divided nerve's tibial division passes 0.07 medial of it and
        the common fibular 0.07 lateral.
    thigh_y : float, optional
        The ``y`` at which the nerve lines end in the thigh; default 0.9 muscle lengths
        below the lowest point of the muscle. Must lie below the crossing points.
    variants : NerveVariants, optional
        Data to read the type from; default :func:`load_nerve_variants`.

    Returns
    -------
    NerveSchematic
        ``.muscle_outlines``: tuple of closed polygons, each ndarray (k, 2): one band,
        or the superior and inferior heads when a division passes through (types B, D,
        E), with ``.gap_outline`` the slit between them, open at the sacral end.
        ``.divisions``: tuple of :class:`NervePath`, name ``'sciatic'`` (undivided, types
        A, D, F) or ``'tibial'`` and ``'common fibular'``; each ``.xy`` ndarray (3, 2)
        runs from inside the pelvis (above the band, medial) to the crossing point
        ``.crossing_xy`` (below the band, in the gap, or above the band, by 0.45 half
        widths of clearance) and straight down to ``thigh_y``. Points before
        ``.exit_index`` are deep to the muscle. ``.muscle_coordinates(xy)`` maps points
        to (fraction along, signed distance from the axis).

    Raises
    ------
    ValueError
        Unknown type letter, or end points / widths that make no band (one line).

    Examples
    --------
    >>> sch = nerve_paths_2d("B", (0.02, 0.0), (0.14, -0.03), 0.01)
    >>> [(d.name, d.relation) for d in sch.divisions]
    [('tibial', 'below'), ('common fibular', 'through')]
    >>> len(sch.muscle_outlines)
    2
    """
    vt = (variants or load_nerve_variants()).type(type_letter)
    return nerve_paths_from_relations(
        vt.relations, muscle_start_xy, muscle_end_xy, muscle_half_width,
        crossing_fraction=crossing_fraction, thigh_y=thigh_y, type_letter=vt.letter,
    )
