"""The OpenSim function types a path point can depend on, evaluated over arrays.

Supported: ``Constant``, ``LinearFunction``, ``PiecewiseLinearFunction``, ``SimmSpline``
and ``NaturalCubicSpline``. OpenSim 4.x reads a ``NaturalCubicSpline`` element *as a
SimmSpline* (RegisterTypes_osimCommon.cpp renames the type), so both are the same
spline here too.

The SimmSpline is SIMM's cubic spline (Forsythe, Malcolm & Moler): a C2 cubic through
the points whose end conditions are not "natural". With two points it is the straight
line; with three points the end equations carry a zero right-hand side (first and last
second-derivative rows ``-h c_0 + h c_1 = 0`` in the tridiagonal system); with four or
more points the third derivative at each end is matched to the third divided
difference of the four points nearest that end. Outside the knots the value is
extrapolated along the end slope (``b`` at that end), and within 2e-13 of an end knot the
knot's value is returned exactly. The slope at an end, also used for extrapolation, is
the spline's own first derivative there. The same conventions (extrapolate with the
end-segment slope) hold for the piecewise linear function.

Each function has ``value(x)`` and ``derivative(x)`` for any array ``x``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Constant", "LinearFunction", "PiecewiseLinearFunction", "SimmSpline", "FUNCTION_TAGS"]

_TINY = 1e-7  # SIMM's TINY_NUMBER: the smallest knot spacing used in a division
_ROUNDOFF = 2e-13  # SIMM's ROUNDOFF_ERROR: "equal" to an end knot within this



def _exact_at_ends(x, y, xv, out):
    """The first and last data values exactly at (within round-off of) the first and last knots."""
    out = np.where(np.abs(xv - x[0]) <= _ROUNDOFF, y[0], out)
    return np.where(np.abs(xv - x[-1]) <= _ROUNDOFF, y[-1], out)

class Constant:
    kind = "Constant"

    def __init__(self, value: float):
        self.c = float(value)

    def value(self, x):
        return np.full(np.shape(x), self.c)

    def derivative(self, x):
        return np.zeros(np.shape(x))


class LinearFunction:
    """``slope * x + intercept`` (OpenSim's ``coefficients`` are ``slope intercept``)."""

    kind = "LinearFunction"

    def __init__(self, slope: float, intercept: float):
        self.slope, self.intercept = float(slope), float(intercept)

    def value(self, x):
        return self.slope * np.asarray(x, dtype=float) + self.intercept

    def derivative(self, x):
        return np.full(np.shape(x), self.slope)


def _check_knots(x, y, kind):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"{kind}: x has {x.size} values and y has {y.size}; they must be the same length")
    if x.size < 2:
        raise ValueError(f"{kind}: needs at least 2 points, got {x.size}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError(f"{kind}: x and y must be finite numbers")
    if np.any(np.diff(x) <= 0):
        raise ValueError(f"{kind}: x must be strictly increasing")
    return x, y


class _Knotted:
    def _interval(self, xv):
        # the knot interval k with x[k] <= xv <= x[k+1], clipped to the first/last one
        return np.clip(np.searchsorted(self.x, xv, side="right") - 1, 0, self.x.size - 2)


class PiecewiseLinearFunction(_Knotted):
    kind = "PiecewiseLinearFunction"

    def __init__(self, x, y):
        self.x, self.y = _check_knots(x, y, self.kind)
        h = np.maximum(_TINY, np.diff(self.x))
        self.b = np.append(np.diff(self.y) / h, 0.0)
        self.b[-1] = self.b[-2]

    def value(self, x):
        xv = np.asarray(x, dtype=float)
        k = self._interval(xv)
        out = self.y[k] + (xv - self.x[k]) * self.b[k]
        out = np.where(xv > self.x[-1], self.y[-1] + (xv - self.x[-1]) * self.b[-1], out)
        return _exact_at_ends(self.x, self.y, xv, out)

    def derivative(self, x):
        xv = np.asarray(x, dtype=float)
        return np.where(xv > self.x[-1], self.b[-1], self.b[self._interval(xv)])


class SimmSpline(_Knotted):
    """SIMM's natural-looking cubic spline with OpenSim's exact end conditions."""

    kind = "SimmSpline"

    def __init__(self, x, y, kind: str = "SimmSpline"):
        self.kind = kind
        self.x, self.y = _check_knots(x, y, kind)
        self.b, self.c, self.d = self._coefficients(self.x, self.y)

    @staticmethod
    def _coefficients(x, y):
        n = x.size
        b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
        if n == 2:
            b[:] = (y[1] - y[0]) / max(_TINY, x[1] - x[0])
            return b, c, d
        last = n - 1
        # tridiagonal system for the second-derivative-like unknowns:
        # b = diagonal, d = off-diagonal (knot spacing), c = right-hand side
        d[0] = max(_TINY, x[1] - x[0])
        c[1] = (y[1] - y[0]) / d[0]
        for i in range(1, last):
            d[i] = max(_TINY, x[i + 1] - x[i])
            b[i] = 2.0 * (d[i - 1] + d[i])
            c[i + 1] = (y[i + 1] - y[i]) / d[i]
            c[i] = c[i + 1] - c[i]
        # end rows: third derivative from divided differences (4+ points) or zero rhs (3 points)
        b[0] = -d[0]
        b[last] = -d[last - 1]
        c[0] = c[last] = 0.0
        if n > 3:
            d31 = max(_TINY, x[3] - x[1])
            d20 = max(_TINY, x[2] - x[0])
            d1 = max(_TINY, x[last] - x[n - 3])
            d2 = max(_TINY, x[last - 1] - x[n - 4])
            d30 = max(_TINY, x[3] - x[0])
            d3 = max(_TINY, x[last] - x[n - 4])
            c0 = c[2] / d31 - c[1] / d20
            cl = c[last - 1] / d1 - c[n - 3] / d2
            c[0] = c0 * d[0] * d[0] / d30
            c[last] = -cl * d[last - 1] * d[last - 1] / d3
        # forward elimination, then back substitution
        for i in range(1, n):
            t = d[i - 1] / b[i - 1]
            b[i] -= t * d[i - 1]
            c[i] -= t * c[i - 1]
        c[last] /= b[last]
        for i in range(last - 1, -1, -1):
            c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
        # polynomial coefficients of each interval: y + b dx + c dx^2 + d dx^3
        b[last] = (y[last] - y[last - 1]) / d[last - 1] + d[last - 1] * (c[last - 1] + 2.0 * c[last])
        for i in range(last):
            b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
            d[i] = (c[i + 1] - c[i]) / d[i]
            c[i] *= 3.0
        c[last] *= 3.0
        d[last] = d[last - 1]
        return b, c, d

    def value(self, x):
        xv = np.asarray(x, dtype=float)
        k = self._interval(xv)
        dx = xv - self.x[k]
        out = self.y[k] + dx * (self.b[k] + dx * (self.c[k] + dx * self.d[k]))
        out = np.where(xv < self.x[0], self.y[0] + (xv - self.x[0]) * self.b[0], out)
        out = np.where(xv > self.x[-1], self.y[-1] + (xv - self.x[-1]) * self.b[-1], out)
        return _exact_at_ends(self.x, self.y, xv, out)

    def derivative(self, x):
        xv = np.asarray(x, dtype=float)
        k = self._interval(xv)
        dx = xv - self.x[k]
        out = self.b[k] + dx * (2.0 * self.c[k] + 3.0 * dx * self.d[k])
        out = np.where(xv <= self.x[0] + _ROUNDOFF, self.b[0], out)
        out = np.where(xv >= self.x[-1] - _ROUNDOFF, self.b[-1], out)
        return out


FUNCTION_TAGS = ("Constant", "LinearFunction", "PiecewiseLinearFunction", "SimmSpline", "NaturalCubicSpline")
