"""OpenSim 4.x itself as a reference (tests, scripts and benchmarks only).

``opensim`` is imported inside the functions, so importing this module costs nothing and
hipmodel never needs OpenSim to run.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OpenSimReference", "bisect_sign_change"]


def bisect_sign_change(fn, lo: float = 0.0, hi: float = 100.0, steps: int = 60) -> float:
    """Where the scalar function ``fn`` changes sign in ``lo..hi`` (one change assumed), by bisection.

    Independent of :mod:`hipmodel.switch` on purpose: checks compare the two.
    """
    flo = fn(lo)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        fm = fn(mid)
        if np.sign(fm) == np.sign(flo):
            lo, flo = mid, fm
        else:
            hi = mid
    return 0.5 * (lo + hi)


class OpenSimReference:
    """Lengths and moment arms from OpenSim for muscles of one .osim model.

    Hip coordinates are set in radians from degrees; every other coordinate stays at its
    default. Moment arms come from ``Muscle.computeMomentArm`` (OpenSim's sign: -dL/dq).
    """

    def __init__(self, path: str, coordinates=("hip_flexion_r", "hip_adduction_r", "hip_rotation_r"),
                 fixed: dict | None = None):
        """``fixed``: other coordinates held at a value (radians), e.g. ``{"knee_angle_r": -1.57}``;
        set with OpenSim's constraints enforced (Rajagopal's patella follows its knee)."""
        import opensim

        self.osim = opensim
        opensim.Logger.setLevelString("error")
        self.model = opensim.Model(str(path))
        self.state = self.model.initSystem()
        cs = self.model.getCoordinateSet()
        for name, value in (fixed or {}).items():
            cs.get(name).setValue(self.state, float(value), True)
        self.coords = [cs.get(n) for n in coordinates]
        self.forces = self.model.getForceSet()

    def _path(self, name):
        f = self.forces.get(name)
        m = self.osim.Muscle.safeDownCast(f)
        if m is not None:
            return m, m.getGeometryPath()
        pa = self.osim.PathActuator.safeDownCast(f)
        return pa, pa.getGeometryPath()

    def evaluate(self, name, flexion_deg, adduction_deg=0.0, rotation_deg=0.0, moment_arms=True):
        """(length (S,), moment arms (S, 3) or None) in metres, over broadcast poses."""
        f, a, r = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (flexion_deg, adduction_deg, rotation_deg)))
        act, gp = self._path(name)
        s = self.state
        L = np.empty(f.size)
        MA = np.empty((f.size, 3)) if moment_arms else None
        for i, q in enumerate(zip(f.ravel(), a.ravel(), r.ravel())):
            for c, v in zip(self.coords, q):
                c.setValue(s, float(np.radians(v)), False)
            self.model.realizePosition(s)
            L[i] = gp.getLength(s)
            if moment_arms:
                for k, c in enumerate(self.coords):
                    MA[i, k] = gp.computeMomentArm(s, c)
        return L.reshape(f.shape), (MA.reshape(f.shape + (3,)) if moment_arms else None)
