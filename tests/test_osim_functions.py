"""The function types against OpenSim's own (SimmSpline, PiecewiseLinearFunction), including
the end conditions and extrapolation, evaluated by opensim at test time."""

from __future__ import annotations

import numpy as np
import pytest

from hipmodel.osim.functions import PiecewiseLinearFunction, SimmSpline

import opensim  # the test-time reference (requirements-test.txt)


def _opensim_values(fn, xs):
    v = np.array([fn.calcValue(opensim.Vector(1, float(x))) for x in xs])
    d = np.array([fn.calcDerivative(opensim.StdVectorInt([0]), opensim.Vector(1, float(x))) for x in xs])
    return v, d


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 9, 17])
def test_simm_spline_equals_opensim(n):
    rng = np.random.default_rng(100 + n)
    x = np.sort(rng.uniform(-2, 2, n)) + np.arange(n) * 1e-3
    y = rng.normal(size=n)
    ref = opensim.SimmSpline()
    for a, b in zip(x, y):
        ref.addPoint(float(a), float(b))
    xs = np.concatenate([np.linspace(x[0] - 1, x[-1] + 1, 101), x])
    v, d = _opensim_values(ref, xs)
    ours = SimmSpline(x, y)
    assert np.allclose(ours.value(xs), v, rtol=0, atol=1e-12)
    assert np.allclose(ours.derivative(xs), d, rtol=0, atol=1e-10)


def test_piecewise_linear_equals_opensim():
    x = np.array([-1.0, 0.0, 0.4, 2.0])
    y = np.array([0.3, -0.2, 0.5, 0.1])
    ref = opensim.PiecewiseLinearFunction()
    for a, b in zip(x, y):
        ref.addPoint(float(a), float(b))
    xs = np.linspace(-2, 3, 57)
    v, _ = _opensim_values(ref, xs)
    assert np.allclose(PiecewiseLinearFunction(x, y).value(xs), v, atol=1e-12)
