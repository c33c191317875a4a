"""Wrapping a straight path segment over an OpenSim wrap cylinder or sphere.

Written from a reading of OpenSim 4.x's WrapCylinder.cpp, WrapSphere.cpp, WrapObject.cpp,
WrapMath.cpp and GeometryPath::applyWrapObjects (SIMM's algorithms), to give the same
numbers: the aim is agreement with OpenSim, not a true geodesic. All functions work on
arrays of segments at once, in the wrap object's own frame (cylinder axis = z, centred on
the origin; sphere centred on the origin).

Result codes (as OpenSim's): 0 no wrap, 1 an end point is inside the surface (ignored),
2 wrapped (a candidate; the path takes the candidate segment that lengthens least),
3 mandatory (the straight segment goes through the surface; the first such segment wins).

Cylinder, in words
------------------
* A point closer to the axis than the radius: code 1.
* Without a quadrant, a segment wraps only when it passes within the radius of the
  cylinder's axis segment (closest points of the two lines, with the segment's parameter
  strictly inside 0..1): code 3; otherwise no wrap.
* With a quadrant (e.g. ``-x``: wrap on the side where x < 0), the rules are SIMM's: if
  either end is on the active side, the segment wraps when it cuts the cylinder (code 3) or
  when its ends are on opposite sides and the closest point to the axis is on the inactive
  side (code 2); if neither end is on the active side it is a candidate (code 2).
* Each end point has two tangent lines to the cylinder's circular cross-section (in the
  plane through the point perpendicular to the axis). Without a quadrant the pair of
  tangent points with the smallest angle between them is taken; with a quadrant the pair
  lying on the active side, with a "far side" flag from comparing the two crossed angles,
  and a "long way round" flag when the tangent points lie behind the path.
* The tangent points are then slid along the axis to the plane through both end points and
  the apex of the wrap (the surface point above the axis point nearest the segment's
  weighted middle), each only if that does not move it past the other end's axial level.
* If both tangent points lie beyond the cylinder's ends, no wrap.
* The wrapped length is the helix between the tangent points: sqrt((r theta)^2 + axial^2).
  When a path has only one wrap object OpenSim (with its visualiser off, as in scripts and
  these tests) does not refine the tangent points further, and neither does this code.

Sphere: the segment must cut the sphere (both intersection parameters strictly in 0..1);
tangent points come from the plane holding both end points and the centre; the pair with
the smallest angle, or SIMM's quadrant rules; the length is the great-circle arc r * angle
(negative for a far-side wrap, as OpenSim computes it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WrapSurface", "QUADRANTS", "wrap_cylinder", "wrap_sphere", "arc_points"]

NO_WRAP, INSIDE, WRAPPED, MANDATORY = 0, 1, 2, 3
_LINE_EPS = 1e-5
_EPS = np.finfo(float).eps

QUADRANTS = {"-x": (0, -1), "x": (0, 1), "+x": (0, 1), "-y": (1, -1), "y": (1, 1), "+y": (1, 1),
             "-z": (2, -1), "z": (2, 1), "+z": (2, 1), "all": (0, 0), "unassigned": (0, 0)}


@dataclass
class WrapSurface:
    """A wrap object: kind ('cylinder' or 'sphere'), the body it is on ('pelvis'/'femur'),
    its pose in that body's frame (ours), size, quadrant and the path-point range it acts on."""

    name: str
    kind: str
    body: str
    R: np.ndarray  # wrap-frame axes in the body frame
    t: np.ndarray  # wrap-frame origin in the body frame (femur: relative to the hip centre)
    radius: float
    length: float
    wrap_axis: int
    wrap_sign: int
    start: int  # PathWrap range, 1-based; < 1 means the first/last point
    end: int
    line: int = 0

    def wrap(self, p1, p2):
        if self.kind == "cylinder":
            return wrap_cylinder(p1, p2, self.radius, self.length, self.wrap_axis, self.wrap_sign)
        return wrap_sphere(p1, p2, self.radius, self.wrap_axis, self.wrap_sign)


def _dot(a, b):
    return np.einsum("...i,...i->...", a, b)


def _norm_or_zero(v):
    n = np.linalg.norm(v, axis=-1)
    safe = np.where(n >= _EPS, n, 1.0)
    return np.where((n >= _EPS)[..., None], v / safe[..., None], 0.0), n


def _dsign(x):
    return np.where(x >= 0.0, 1, -1)  # NaN counts as negative, as in SIMM's DSIGN


def _sel(mask, a, b):
    return np.where(mask[..., None], a, b)


def _tangents_cyl(P, R):
    """Tangent points from P to the circle of radius R about the z axis, in P's z plane."""
    p_ax = np.zeros_like(P)
    p_ax[..., 2] = P[..., 2]
    vv, dist_ax = _norm_or_zero(P - p_ax)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = R / dist_ax
        h = R * s
        pp = p_ax + h[..., None] * vv
        w = np.sqrt(R * R - h * h)
    uu = np.cross(np.array([0.0, 0.0, 1.0]), vv)
    return p_ax, dist_ax, pp + w[..., None] * uu, pp - w[..., None] * uu


def _closest_on_line(pt, line_pt, line_dir):
    """OpenSim's GetClosestPointOnLineToPoint (direction need not be unit; zero gives line_pt)."""
    v1, mag = _norm_or_zero(pt - line_pt)
    v2, _ = _norm_or_zero(line_dir)
    t = _dot(v1, v2) * mag
    return line_pt + t[..., None] * v2


def _seg_plane(a, b, normal, d):
    """Intersection of segment a-b with the plane normal . x + d = 0 (OpenSim's tolerances)."""
    vec = b - a
    dp = _dot(vec, normal)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (-d - _dot(normal, a)) / dp
    ok = (np.abs(dp) >= _LINE_EPS) & (t >= -_LINE_EPS) & (t <= 1.0 + _LINE_EPS)
    return ok, a + np.where(ok, t, 0.0)[..., None] * vec


def wrap_cylinder(P1, P2, R, L, wrap_axis=0, wrap_sign=0):
    """Wrap segments P1-P2 (arrays (..., 3), cylinder frame) over a cylinder.

    Returns (code, r1, r2, wrap_length, theta, long_wrap); r1, r2 the tangent points.
    """
    P1 = np.asarray(P1, dtype=float)
    P2 = np.asarray(P2, dtype=float)
    shape = np.broadcast_shapes(P1.shape, P2.shape)
    P1, P2 = np.broadcast_to(P1, shape), np.broadcast_to(P2, shape)
    z = np.array([0.0, 0.0, 1.0])
    r2sq = R * R
    inside = (P1[..., 0] ** 2 + P1[..., 1] ** 2 < r2sq) | (P2[..., 0] ** 2 + P2[..., 1] ** 2 < r2sq)

    # closest points between the segment's line and the cylinder's axis segment
    vec1, mag1 = _norm_or_zero(P2 - P1)
    cross = np.cross(vec1, z)
    denom = _dot(cross, cross)
    c0 = np.zeros(3)
    c0[2] = -0.5 * L
    m = np.stack([c0 - P1, vec1, cross], axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        tt = np.linalg.det(m) / denom
        near00 = c0 + tt[..., None] * z
        m2 = np.stack([c0 - P1, np.broadcast_to(z, vec1.shape), cross], axis=-2)
        s = np.linalg.det(m2) / denom
        near12 = P1 + s[..., None] * vec1
        t12 = s / mag1
    parallel = np.abs(denom) <= 2e-13
    t12 = np.where(parallel, np.nan, t12)
    near12 = np.where(parallel[..., None], np.nan, near12)
    cuts = (np.sum((near12 - near00) ** 2, axis=-1) < r2sq) & (t12 > 0.0) & (t12 < 1.0)

    p11, d11, r1a, r1b = _tangents_cyl(P1, R)
    p22, d22, r2a, r2b = _tangents_cyl(P2, R)
    code = np.full(shape[:-1], WRAPPED)
    far = np.zeros(shape[:-1], bool)
    long_wrap = np.zeros(shape[:-1], bool)
    if wrap_sign == 0:
        code = np.where(cuts, MANDATORY, NO_WRAP)
        u1a, _ = _norm_or_zero(r1a - p11)
        u1b, _ = _norm_or_zero(r1b - p11)
        u2a, _ = _norm_or_zero(r2a - p22)
        u2b, _ = _norm_or_zero(r2b - p22)
        d1, d2, d3, d4 = _dot(u1a, u2a), _dot(u1a, u2b), _dot(u1b, u2a), _dot(u1b, u2b)
        c1 = (d1 > d2) & (d1 > d3) & (d1 > d4)
        c2 = ~c1 & (d2 > d3) & (d2 > d4)
        c3 = ~c1 & ~c2 & (d3 > d4)
        r1 = _sel(c1 | c2, r1a, r1b)
        r2 = _sel(c1 | c3, r2a, r2b)
    else:
        ax, sg = wrap_axis, wrap_sign
        s1, s2 = _dsign(P1[..., ax]), _dsign(P2[..., ax])
        either = (s1 == sg) | (s2 == sg)
        opposite = (s1 != s2) & (_dsign(near12[..., ax]) != sg)
        code = np.where(either, np.where(cuts, MANDATORY, np.where(opposite, WRAPPED, NO_WRAP)), WRAPPED)
        m1a, m1b, m2a, m2b = r1a - p11, r1b - p11, r2a - p22, r2b - p22
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha = np.arccos(_dot(m1a, m2b) / (np.linalg.norm(m1a, axis=-1) * np.linalg.norm(m2b, axis=-1)))
            beta = np.arccos(_dot(m1b, m2a) / (np.linalg.norm(m1b, axis=-1) * np.linalg.norm(m2a, axis=-1)))
        ab = alpha > beta
        a1, b1 = _dsign(r1a[..., ax]) == sg, _dsign(r1b[..., ax]) == sg
        a2, b2 = _dsign(r2a[..., ax]) == sg, _dsign(r2b[..., ax]) == sg
        # choice True: (r1a, r2b), far = alpha > beta; choice False: (r1b, r2a), far = not(alpha > beta)
        neither = ~a1 & ~b1
        choice = np.where(a1 & b1, ~a2, np.where(a1, True, np.where(b1, False, np.where(a2, False, np.where(b2, True, ab)))))
        far = np.where(choice, ab, ~ab)
        far = np.where(neither & ~a2 & ~b2, True, far)
        r1 = _sel(choice, r1a, r1b)
        r2 = _sel(choice, r2b, r2a)
        sum_musc = (r1 - P1) + (r2 - P2)
        sum_r = (r1 - p11) + (r2 - p22)
        long_wrap = _dot(sum_r, sum_musc) < 0.0
    code = np.where(inside, INSIDE, code)

    # the apex of the wrap, then slide the tangent points along the axis onto the plane
    # through the end points and the apex
    with np.errstate(invalid="ignore", divide="ignore"):
        tm = d11 / (d11 + d22)
    mpt = P1 + tm[..., None] * (P2 - P1)
    axispt = np.zeros_like(mpt)
    axispt[..., 2] = mpt[..., 2]
    l1, _ = _norm_or_zero(P1 - axispt)
    l2, _ = _norm_or_zero(P2 - axispt)
    pn, _ = _norm_or_zero(np.cross(l1, l2))
    vert1, _ = _norm_or_zero(np.cross(z, pn))
    apex1, apex2 = axispt + R * vert1, axispt - R * vert1
    nearer1 = np.sum((mpt - apex1) ** 2, -1) < np.sum((mpt - apex2) ** 2, -1)
    apex = _sel(nearer1 != far, apex1, apex2)
    uu, _ = _norm_or_zero(P1 - apex)
    vv, _ = _norm_or_zero(P2 - apex)
    with np.errstate(invalid="ignore", divide="ignore"):
        pn2 = np.cross(uu, vv)
        pn2 = pn2 / np.linalg.norm(pn2, axis=-1)[..., None]
    d = -_dot(P1, pn2)
    ok1, r1p = _seg_plane(r1 - 10.0 * z, r1 + 10.0 * z, pn2, d)
    ok2, r2p = _seg_plane(r2 - 10.0 * z, r2 + 10.0 * z, pn2, d)
    q1 = _closest_on_line(r1p, p11, p22)  # OpenSim passes p22 as the line's direction here
    q2 = _closest_on_line(r2p, p11, p22)
    d12 = np.sum((p11 - p22) ** 2, -1)
    r1 = _sel(ok1 & (np.sum((q1 - p22) ** 2, -1) < d12), r1p, r1)
    r2 = _sel(ok2 & (np.sum((q2 - p11) ** 2, -1) < d12), r2p, r2)
    half = 0.5 * L
    beyond = ((r1[..., 2] < -half) | (r1[..., 2] > half)) & ((r2[..., 2] < -half) | (r2[..., 2] > half))
    code = np.where((code >= WRAPPED) & beyond, NO_WRAP, code)

    # helix between the tangent points
    axial = r2[..., 2] - r1[..., 2]
    uu = r1.copy()
    uu[..., 2] = 0.0
    vv = r2.copy()
    vv[..., 2] = 0.0
    theta = np.arctan2(np.cross(uu, vv)[..., 2], _dot(uu, vv))
    theta = np.where(long_wrap, 2.0 * np.pi - theta, theta)
    length = np.sqrt((R * theta) ** 2 + axial**2)
    return code, r1, r2, length, theta, long_wrap


def wrap_sphere(P1, P2, R, wrap_axis=0, wrap_sign=0):
    """Wrap segments P1-P2 (sphere frame) over a sphere of radius R at the origin.

    Returns (code, r1, r2, wrap_length, angle, far_side).
    """
    P1 = np.asarray(P1, dtype=float)
    P2 = np.asarray(P2, dtype=float)
    shape = np.broadcast_shapes(P1.shape, P2.shape)
    P1, P2 = np.broadcast_to(P1, shape), np.broadcast_to(P2, shape)
    n1, n2 = np.linalg.norm(P1, axis=-1), np.linalg.norm(P2, axis=-1)
    inside = (n1 < R) | (n2 < R)
    ri = P1 - P2
    mp = -P2
    a = _dot(ri, ri)
    b = -2.0 * _dot(mp, ri)
    c = _dot(mp, mp) - R * R
    disc = b * b - 4.0 * a * c
    with np.errstate(invalid="ignore", divide="ignore"):
        sq = np.sqrt(disc)
        l1 = (-b + sq) / (2.0 * a)
        l2 = (-b - sq) / (2.0 * a)
    hits = (disc >= 0.0) & (l1 > 0.0) & (l1 < 1.0) & (l2 > 0.0) & (l2 < 1.0) & ~(l1 < l2)
    p1p2, _ = _norm_or_zero(P1 - P2)
    np2, _ = _norm_or_zero(P2)
    hp2 = np.cross(p1p2, np2)
    degenerate = np.linalg.norm(hp2, axis=-1) < 1e-5  # end points in line with the centre
    n, _ = _norm_or_zero(hp2)

    def tangents(P, dist):
        y, _ = _norm_or_zero(-P)
        zz = np.cross(n, y)
        with np.errstate(invalid="ignore"):
            a1 = np.arcsin(R / dist)
        k = (dist * np.cos(a1))[..., None]
        ca, sa = np.cos(a1)[..., None], np.sin(a1)[..., None]
        return P + k * (ca * y - sa * zz), P + k * (ca * y + sa * zz)

    r1a, r1b = tangents(P1, n1)
    r2a, r2b = tangents(P2, n2)
    u1a, _ = _norm_or_zero(r1a)
    u1b, _ = _norm_or_zero(r1b)
    u2a, _ = _norm_or_zero(r2a)
    u2b, _ = _norm_or_zero(r2b)
    j1, j2, j3, j4 = _dot(u1a, u2a), _dot(u1a, u2b), _dot(u1b, u2a), _dot(u1b, u2b)
    c1 = (j1 > j2) & (j1 > j3) & (j1 > j4)
    c2 = ~c1 & (j2 > j3) & (j2 > j4)
    c3 = ~c1 & ~c2 & (j3 > j4)
    first_a = c1 | c2
    second_a = c1 | c3
    code = np.full(shape[:-1], WRAPPED)
    far = np.zeros(shape[:-1], bool)
    if wrap_sign != 0:
        ax, sg = wrap_axis, wrap_sign
        s1, s2 = _dsign(P1[..., ax]), _dsign(P2[..., ax])
        either = (s1 == sg) | (s2 == sg)
        # closest point of the line to the centre; tt is its distance from P1 towards P2 in
        # metres, which OpenSim (as SIMM) compares with 0..1 as if it were a fraction: kept so
        tt = _dot(P1, p1p2)
        mm = P1 - tt[..., None] * p1p2
        cut = (_dot(mm, mm) < R * R) & (tt > 0.0) & (tt < 1.0)
        opposite = (s1 != s2) & (_dsign(mm[..., ax]) != sg)
        code = np.where(either, np.where(cut, MANDATORY, np.where(opposite, WRAPPED, NO_WRAP)), WRAPPED)
        not_both = (s1 != sg) | (s2 != sg)
        wa = np.zeros(3)
        wa[ax] = sg
        sm, _ = _norm_or_zero(-P1 - P2)
        fa = np.where(not_both, _dot(u1a, sm) > _dot(u1b, sm), first_a)
        sa2 = np.where(not_both, _dot(u2a, sm) > _dot(u2b, sm), second_a)
        r1t, r2t = _sel(fa, r1a, r1b), _sel(sa2, r2a, r2b)
        sm2, _ = _norm_or_zero((r1t - P1) + (r2t - P2))
        flip = not_both & (_dot(sm2, wa) < 0.0)
        fa, sa2 = np.where(flip, ~fa, fa), np.where(flip, ~sa2, sa2)
        first_a, second_a = fa, sa2
        r1t, r2t = _sel(fa, r1a, r1b), _sel(sa2, r2a, r2b)
        far = not_both & (_dot((r1t + r2t), (r1t - P1) + (r2t - P2)) < 0.0)
    r1, r2 = _sel(first_a, r1a, r1b), _sel(second_a, r2a, r2b)
    code = np.where(hits & ~degenerate, code, NO_WRAP)
    code = np.where(inside, INSIDE, code)
    r1n, _ = _norm_or_zero(r1)
    r2n, _ = _norm_or_zero(r2)
    angle = np.arccos(np.clip(_dot(r1n, r2n), -1.0, 1.0))
    angle = np.where(far, -(2 * np.pi - angle), angle)
    return code, r1, r2, R * angle, angle, far


def arc_points(kind, r1, r2, theta, long_wrap, n: int):
    """``n`` points along the wrap from r1 to r2 (wrap frame), for drawing: shape (..., n, 3)."""
    t = np.linspace(0.0, 1.0, n)
    if kind == "cylinder":
        sense = np.where(long_wrap, -1.0, 1.0)
        ang = (sense * theta)[..., None] * t  # (..., n)
        c, s = np.cos(ang), np.sin(ang)
        x, y = r1[..., None, 0], r1[..., None, 1]
        out = np.empty(ang.shape + (3,))
        out[..., 0] = c * x - s * y
        out[..., 1] = s * x + c * y
        out[..., 2] = r1[..., None, 2] + t * (r2[..., None, 2] - r1[..., None, 2])
        return out
    # sphere: turn r1 about r1 x r2 (great circle; the long way round for a far-side wrap)
    axis, _ = _norm_or_zero(np.cross(r1, r2))
    ang = theta[..., None] * t
    if np.ndim(long_wrap):
        ang = np.where(long_wrap[..., None], -ang, ang)
    c, s = np.cos(ang)[..., None], np.sin(ang)[..., None]
    v = r1[..., None, :]
    k = axis[..., None, :]
    return v * c + np.cross(k, v) * s + k * _dot(k, v)[..., None] * (1 - c)
