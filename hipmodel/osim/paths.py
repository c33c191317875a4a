"""Muscle paths read from an .osim file: lengths, moment arms and drawable polylines.

A path is a list of points on the pelvis or the femur, each fixed, conditional (present
only while a hip coordinate is within a range, inclusive, with OpenSim's 1e-5 slack) or
moving (its location a function of hip coordinates; the coordinate is clamped to its range
for the location, as OpenSim does), and at most one wrap object on the pelvis or femur.

Moment arms are computed the way OpenSim's ``computeMomentArm`` does (MomentArmSolver):
a unit tension is applied along every segment whose ends lie on different bodies, and the
moment arm about a coordinate is the generalized force that tension produces, i.e.
``sum over points of force . d(point)/dq``. Wrap tangent points count as fixed on the wrap
object's body. For a path without wrapping this is exactly ``-dL/dq``; over a wrap it
is what OpenSim reports. OpenSim's tangent points are not exactly tangent (with one wrap
object per path it does not refine them), so over a wrap ``-dL/dq`` of OpenSim's own length
differs from its reported moment arm: on Rajagopal 2016's wrapping hip muscles by a median
of 0.01-0.2 mm and up to several mm near poses where the wrap switches on or off.
:meth:`OsimMuscle.moment_arms_numeric_m` gives ``-dL/dq`` when that is wanted.
A moving point also adds ``force . dP/dq`` (its own motion on its body), credited to the
coordinate of its x function, as OpenSim does.

Angles at the interface are degrees (flexion, adduction, rotation); OpenSim's coordinates
are radians. Results: lengths in metres, shape S; moment arms in metres per radian, shape
S + (3,) in (flexion, adduction, rotation) order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..kinematics import check_angles, joint_axes, rotation_matrix
from .wrap import MANDATORY, WRAPPED, WrapSurface, arc_points

__all__ = ["OsimPoint", "OsimMuscle", "ARC_POINTS"]

ARC_POINTS = 12  # points drawn along a wrap arc (tangent points included)


@dataclass
class OsimPoint:
    """One path point; ``location`` is in our frame of its body (femur: relative to the hip centre)."""

    name: str
    body: str  # 'pelvis' or 'femur'
    location: np.ndarray
    kind: str = "PathPoint"  # PathPoint, ConditionalPathPoint or MovingPathPoint
    condition: tuple | None = None  # (coordinate index, low, high) in radians
    functions: tuple | None = None  # moving: three functions (x, y, z of the file's body frame)
    coords: tuple | None = None  # moving: coordinate index (or None) for x, y, z
    to_ours: np.ndarray | None = None  # moving: 3x3 from the file's body axes to ours
    offset: np.ndarray | None = None  # moving: the hip centre in the file's femur body frame
    line: int = 0


@dataclass
class OsimMuscle:
    """A muscle (or path actuator) whose path lies on the pelvis and the right femur."""

    name: str
    kind: str
    points: list
    wrap: WrapSurface | None = None
    hip_centre: np.ndarray = field(default_factory=lambda: np.zeros(3))
    ranges: np.ndarray = field(default_factory=lambda: np.tile([-np.inf, np.inf], (3, 1)))
    source: str = ""
    line: int = 0
    crosses_knee: bool = False  # tibia points carried onto the femur at the knee angle read

    # ------------------------------------------------------------------ public
    @property
    def straight_line(self) -> bool:
        """Fixed points only and no wrap: representable in hipmodel's JSON model."""
        return self.wrap is None and all(p.kind == "PathPoint" for p in self.points)

    def length_m(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
        L, _, _, _ = self._evaluate(flexion_deg, adduction_deg, rotation_deg, want_ma=False)
        return L

    def moment_arms_m(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
        _, ma, _, _ = self._evaluate(flexion_deg, adduction_deg, rotation_deg, want_ma=True)
        return ma

    def length_and_moment_arms_m(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0):
        L, ma, _, _ = self._evaluate(flexion_deg, adduction_deg, rotation_deg, want_ma=True)
        return L, ma

    def moment_arms_numeric_m(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0, step_deg=1e-3) -> np.ndarray:
        """``-dL/dq`` by central differences (a check on :meth:`moment_arms_m`).

        The step, 1e-3 deg (1.7e-5 rad), keeps the truncation error (of order
        step^2 * L''' ~ 1e-10 m) far below the rounding error (~1e-16 m / 1.7e-5 rad ~ 1e-11 m)
        and both far below 0.001 mm; a wrap that switches on or off within the step, or a
        conditional point that appears, makes the derivative itself undefined there.
        """
        f, a, r = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (flexion_deg, adduction_deg, rotation_deg)))
        out = np.empty(f.shape + (3,))
        h = step_deg
        for k in range(3):
            d = [np.zeros_like(f) for _ in range(3)]
            d[k] = d[k] + h
            Lp = self.length_m(f + d[0], a + d[1], r + d[2])
            Lm = self.length_m(f - d[0], a - d[1], r - d[2])
            out[..., k] = -(Lp - Lm) / (2 * np.radians(h))
        return out

    def wraps(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
        """True where the path goes over its wrap object (shape S)."""
        return self._evaluate(flexion_deg, adduction_deg, rotation_deg, want_ma=False)[3]

    def path_points_m(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
        """A drawable polyline in the pelvis frame, shape S + (K, 3), K fixed per muscle.

        Inactive conditional points repeat the previous point, and when the path does not
        wrap the :data:`ARC_POINTS` wrap points repeat the segment's first point, so every
        pose has the same K (zero-length pieces draw nothing).
        """
        _, _, pts, _ = self._evaluate(flexion_deg, adduction_deg, rotation_deg, want_ma=False, want_points=True)
        return pts

    def crossing_m(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0):
        """The first piece of the path (from the origin) that crosses the hip, per pose:
        ``(femur_end, pelvis_end)``, each S + (3,) in the pelvis frame; wrap tangent points count
        as on the wrap object's body.

        Where this is the only crossing piece (:meth:`crossings`) and no point moves, OpenSim's
        moment arm is exactly the moment of the unit pull ``pelvis_end - femur_end`` about the
        joint axes. A wrap object on one body that deflects a segment between two points of the
        other body (Rajagopal's gluteus maximus: a pelvis cylinder over the femur-femur segment)
        adds two more crossing pieces; OpenSim's moment arm is then the sum of all three.
        """
        return self._evaluate(flexion_deg, adduction_deg, rotation_deg, want_ma=False, want_cross=True)[4]

    def crossings(self, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
        """How many pieces of the path cross between pelvis and femur at each pose (shape S, int)."""
        return self._evaluate(flexion_deg, adduction_deg, rotation_deg, want_ma=False, want_cross=True)[5]

    # ---------------------------------------------------------------- internals
    def _evaluate(self, flexion_deg, adduction_deg, rotation_deg, want_ma=True, want_points=False, want_cross=False):
        f = check_angles(flexion_deg, "flexion")
        a = check_angles(adduction_deg, "adduction")
        r = check_angles(rotation_deg, "rotation")
        f, a, r = np.broadcast_arrays(f, a, r)
        shape = f.shape
        F, A, Ro = f.ravel(), a.ravel(), r.ravel()
        n = F.size
        q = np.radians(np.stack([F, A, Ro], axis=-1))  # (n, 3)
        Rm = rotation_matrix(F, A, Ro)  # (n, 3, 3)
        axes = joint_axes(F, A, Ro) if want_ma else None
        hc = self.hip_centre
        k = len(self.points)

        # every point in the pelvis frame, its velocity per unit coordinate, and if it is active
        P = np.empty((n, k, 3))
        V = np.zeros((n, k, 3, 3))  # V[:, i, c, :] = dP_i/dq_c
        Vmov = np.zeros((n, k, 3))  # OpenSim's own-motion term of a moving point (credited to its x coordinate)
        xcoord = [None] * k
        active = np.ones((n, k), bool)
        for i, p in enumerate(self.points):
            loc, dloc = self._local(p, q)
            if p.body == "femur":
                P[:, i] = hc + np.einsum("nij,nj->ni", Rm, loc)
                if want_ma:
                    V[:, i] = np.cross(axes, (P[:, i] - hc)[:, None, :])
                    if dloc is not None:
                        Vmov[:, i] = np.einsum("nij,nj->ni", Rm, dloc)
            else:
                P[:, i] = loc
                if want_ma and dloc is not None:
                    Vmov[:, i] = dloc
            if p.kind == "MovingPathPoint":
                xcoord[i] = p.coords[0]
            if p.condition is not None:
                c, lo, hi = p.condition
                active[:, i] = (q[:, c] >= lo - 1e-5) & (q[:, c] <= hi + 1e-5)
        bodies = [p.body for p in self.points]

        L = np.empty(n)
        W = np.zeros(n, bool)
        MA = np.zeros((n, 3))
        npts = k + (ARC_POINTS if self.wrap is not None else 0)
        PTS = np.empty((n, npts, 3)) if want_points else None
        CROSS = np.full((2, n, 3), np.nan) if want_cross else None
        NCROSS = np.zeros(n, int) if want_cross else None
        patterns, inverse = np.unique(active, axis=0, return_inverse=True)
        for g, pat in enumerate(patterns):
            sel = np.nonzero(inverse.ravel() == g)[0]
            idx = np.nonzero(pat)[0]
            res = self._path(P[sel][:, idx], [bodies[j] for j in idx], V[sel][:, idx], Vmov[sel][:, idx],
                             [xcoord[j] for j in idx], Rm[sel], axes[sel] if want_ma else None, idx, want_ma, want_points)
            L[sel] = res[0]
            if res[2][1] is not None:
                W[sel] = res[2][1][0] >= 0
            if want_ma:
                MA[sel] = res[1]
            if want_points:
                PTS[sel] = self._fill_points(res[2], idx, k, P[sel])
            if want_cross:
                CROSS[:, sel], NCROSS[sel] = self._crossing(res[2], [bodies[j] for j in idx])
        out_pts = PTS.reshape(shape + (npts, 3)) if want_points else None
        if want_cross:
            return (L.reshape(shape), MA.reshape(shape + (3,)), out_pts, W.reshape(shape),
                    tuple(c.reshape(shape + (3,)) for c in CROSS), NCROSS.reshape(shape))
        return L.reshape(shape), MA.reshape(shape + (3,)), out_pts, W.reshape(shape)

    def _local(self, p: OsimPoint, q):
        """A point's location in our frame of its body (n, 3), and its dP/dq for a moving point."""
        if p.kind != "MovingPathPoint":
            return np.broadcast_to(p.location, (q.shape[0], 3)), None
        loc = np.empty((q.shape[0], 3))
        d = np.zeros((q.shape[0], 3))
        for ax in range(3):
            c = p.coords[ax]
            if c is None:
                loc[:, ax] = p.functions[ax].value(np.zeros(q.shape[0]))
            else:
                lo, hi = self.ranges[c]
                loc[:, ax] = p.functions[ax].value(np.clip(q[:, c], lo, hi))
                d[:, ax] = p.functions[ax].derivative(q[:, c])
        loc = (loc - p.offset) @ p.to_ours.T
        d = d @ p.to_ours.T
        return loc, d

    def _path(self, P, bodies, V, Vmov, xcoord, Rm, AX, idx, want_ma, want_points):
        """Length, moment arms and points (with the wrap arc) for poses sharing active points."""
        n, m, _ = P.shape
        seg = P[:, 1:] - P[:, :-1]
        seglen = np.linalg.norm(seg, axis=-1)  # (n, m-1)
        L = seglen.sum(axis=1)
        cross_body = np.array([bodies[j] != bodies[j + 1] for j in range(m - 1)])

        def seg_ma(A, VA, B, VB, bodyA, bodyB, movA=None, movB=None, xa=None, xb=None):
            # generalized force of a unit tension along A->B on coordinates 0..2 (per pose)
            u = B - A
            u = u / np.linalg.norm(u, axis=-1)[:, None]
            out = np.einsum("ni,nci->nc", u, VA) - np.einsum("ni,nci->nc", u, VB)
            if movA is not None and xa is not None:
                out[:, xa] += np.einsum("ni,ni->n", u, movA)
            if movB is not None and xb is not None:
                out[:, xb] -= np.einsum("ni,ni->n", u, movB)
            return out

        MA = np.zeros((n, 3))
        per_seg = np.zeros((n, m - 1, 3))
        if want_ma:
            for j in np.nonzero(cross_body)[0]:
                per_seg[:, j] = seg_ma(P[:, j], V[:, j], P[:, j + 1], V[:, j + 1], bodies[j], bodies[j + 1],
                                       Vmov[:, j], Vmov[:, j + 1], xcoord[j], xcoord[j + 1])
            MA = per_seg.sum(axis=1)
        wrap_info = None
        w = self.wrap
        if w is not None:
            # the candidate segments: between the first and last active points of the wrap's range
            total = len(self.points)
            start = 0 if w.start < 1 else w.start - 1
            end = total - 1 if w.end < 1 else w.end - 1
            inside = [j for j, orig in enumerate(idx) if start <= orig <= end]
            chosen = np.full(n, -1)
            best = np.full(n, np.inf)
            mandatory_found = np.zeros(n, bool)
            results = {}
            if len(inside) >= 2:
                # wrap frame in the pelvis frame, per pose
                if w.body == "femur":
                    Rw = Rm @ w.R
                    tw = self.hip_centre + np.einsum("nij,j->ni", Rm, w.t)
                else:
                    Rw = np.broadcast_to(w.R, (n, 3, 3))
                    tw = np.broadcast_to(w.t, (n, 3))
                for j in range(inside[0], inside[-1]):
                    p1 = np.einsum("nji,nj->ni", Rw, P[:, j] - tw)
                    p2 = np.einsum("nji,nj->ni", Rw, P[:, j + 1] - tw)
                    code, r1, r2, wl, theta, longw = w.wrap(p1, p2)
                    r1p = tw + np.einsum("nij,nj->ni", Rw, r1)
                    r2p = tw + np.einsum("nij,nj->ni", Rw, r2)
                    change = (np.linalg.norm(r1p - P[:, j], axis=-1) + wl + np.linalg.norm(P[:, j + 1] - r2p, axis=-1)
                              - seglen[:, j])
                    open_ = ~mandatory_found
                    take_m = open_ & (code == MANDATORY)
                    take_w = open_ & (code == WRAPPED) & (change < best)
                    take = take_m | take_w
                    chosen = np.where(take, j, chosen)
                    best = np.where(take, change, best)
                    mandatory_found |= take_m
                    results[j] = (r1p, r2p, wl, r1, r2, theta, longw, Rw, tw)
            wrapped = chosen >= 0
            if np.any(wrapped):
                L = L + np.where(wrapped, best, 0.0)
                if want_ma:
                    for j, (r1p, r2p, *_rest) in results.items():
                        s = chosen == j
                        if not np.any(s):
                            continue
                        # replace segment j by P_j -> r1 (wrap body) and r2 -> P_{j+1}
                        wb = w.body
                        Vw = lambda R_: (np.cross(AX[s], (R_[s] - self.hip_centre)[:, None, :])
                                         if wb == "femur" else np.zeros((int(s.sum()), 3, 3)))
                        new = np.zeros((int(s.sum()), 3))
                        if bodies[j] != wb:
                            new += seg_ma(P[s, j], V[s, j], r1p[s], Vw(r1p), bodies[j], wb,
                                          Vmov[s, j], None, xcoord[j], None)
                        if wb != bodies[j + 1]:
                            new += seg_ma(r2p[s], Vw(r2p), P[s, j + 1], V[s, j + 1], wb, bodies[j + 1],
                                          None, Vmov[s, j + 1], None, xcoord[j + 1])
                        MA[s] += new - per_seg[s, j]
            wrap_info = (chosen, results)
        return L, MA, (P, wrap_info)

    def _crossing(self, res, bodies):
        """(femur ends, pelvis ends), each (n, 3), of the one body-crossing piece of each pose."""
        P, wrap_info = res
        n, m, _ = P.shape
        ends = np.full((2, n, 3), np.nan)
        count = np.zeros(n, int)
        chosen = wrap_info[0] if wrap_info is not None else np.full(n, -1)

        def take(s, a, b, body_a):
            # a piece a -> b (arrays over the poses in s) that crosses: keep the first one along the path
            fem, pel = (a, b) if body_a == "femur" else (b, a)
            first = count[s] == 0
            idx = np.nonzero(s)[0][first]
            ends[0, idx], ends[1, idx] = fem[first], pel[first]
            count[s] += 1

        for j in range(m - 1):
            plain = chosen != j
            if bodies[j] != bodies[j + 1] and np.any(plain):
                take(plain, P[plain, j], P[plain, j + 1], bodies[j])
            if wrap_info is not None and j in wrap_info[1]:
                s = chosen == j
                if np.any(s):
                    r1p, r2p = wrap_info[1][j][:2]
                    wb = self.wrap.body
                    if bodies[j] != wb:
                        take(s, P[s, j], r1p[s], bodies[j])
                    if wb != bodies[j + 1]:
                        take(s, r2p[s], P[s, j + 1], wb)
        return ends, count

    def _fill_points(self, res, idx, k, Pall):
        P, wrap_info = res
        n = P.shape[0]
        npts = k + (ARC_POINTS if self.wrap is not None else 0)
        out = np.empty((n, npts, 3))
        # place the active points at their slots; inactive slots repeat the previous point
        full = np.array(Pall)
        act = set(idx.tolist())
        for slot in range(k):
            if slot not in act and slot > 0:
                full[:, slot] = full[:, slot - 1]
        if self.wrap is None:
            return full
        chosen, results = wrap_info
        # wrap arc goes after the slot of the chosen segment's first point
        out[:, :k] = full
        arcs = np.repeat(full[:, :1], ARC_POINTS, axis=1)
        insert_after = np.zeros(n, int)
        for j, (r1p, r2p, wl, r1, r2, theta, longw, Rw, tw) in results.items():
            s = chosen == j
            if not np.any(s):
                continue
            loc = arc_points(self.wrap.kind, r1[s], r2[s], theta[s], longw[s], ARC_POINTS)
            arcs[s] = tw[s][:, None, :] + np.einsum("nij,nkj->nki", Rw[s], loc)
            insert_after[s] = idx[j]
        for i in range(n):
            a = insert_after[i]
            if chosen[i] < 0:
                a = 0
                arc = np.repeat(full[i, :1], ARC_POINTS, axis=0)
            else:
                arc = arcs[i]
            out[i] = np.concatenate([full[i, : a + 1], arc, full[i, a + 1 :]], axis=0)
        return out
