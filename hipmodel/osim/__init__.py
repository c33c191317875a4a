"""Reading OpenSim 4.x .osim models: hip joint, hip muscles with conditional and moving
points and wrap cylinders/spheres, computed as OpenSim computes them (numpy only).

Main entry point: :func:`read_osim`. See docs/osim_import.md.
"""

from .paths import OsimMuscle, OsimPoint
from .reader import OsimImport, read_osim
from .xmlread import MAX_BYTES, OsimError

__all__ = ["read_osim", "OsimImport", "OsimMuscle", "OsimPoint", "OsimError", "MAX_BYTES"]
