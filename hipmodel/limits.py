"""The work budget: how much one command or one app action may compute, in one place.

The cost of a sweep is (poses) x (muscles) x (path points per muscle): each pose turns
every femur point of every muscle and measures every segment. A command checks its whole
job against :data:`MAX_WORK` before it computes anything and refuses what exceeds it
with one line that names the limit (:class:`WorkLimitError`); a model file may not give a
muscle more than :data:`MAX_PATH_POINTS` points (checked by the loader), so the work of
a fixed grid stays bounded whatever file is loaded.

Standard library only.
"""

from __future__ import annotations

__all__ = ["MAX_ROWS", "MAX_WORK", "MAX_PATH_POINTS", "MAX_MUSCLES", "WorkLimitError", "check_work",
           "unique_muscles"]

# rows of one table (flexion angles of `curve`); per command, not per muscle
MAX_ROWS = 100_000
# poses x muscles x path points of one command or app action (a "point-pose": one path
# point placed at one pose). Measured (`/usr/bin/time -f %M python -m hipmodel curve` with
# all 12 Gait2392 muscles, 31 points): 3.1e6 point-poses peak at 640 MB and 5.8 s, 1.5e6
# at 330 MB, 0.7e6 at 190 MB (mostly the table's text). 2.5e6 keeps a command near 0.5 GB.
# The bundled app's largest action, the switch map (25 x 37 x 141 poses of the piriformis,
# 2-4 points), is about 0.5e6.
MAX_WORK = 2_500_000
# path points of one muscle in a model file (the bundled models have 2-4; OpenSim's hip
# muscles have under 10 via points). 16 keeps every fixed-grid action (at most 130 000
# poses, the switch map) within MAX_WORK.
MAX_PATH_POINTS = 16
# muscles in one app view (the sidebar's multiselect and a link's ?muscles=)
MAX_MUSCLES = 12


class WorkLimitError(ValueError):
    """A request that would compute more than the budget allows (one line, names the limit)."""


def check_work(poses: int, muscles, what: str) -> int:
    """The work of ``poses`` poses over ``muscles`` (Muscle objects), or :class:`WorkLimitError`.

    ``what`` names the request in the message (e.g. ``"curve"``).
    """
    muscles = list(muscles)
    points = sum(len(m.points) for m in muscles)
    work = int(poses) * points
    if work > MAX_WORK:
        raise WorkLimitError(
            f"{what}: {poses} poses x {len(muscles)} muscle(s) x {points} path points in all = {work:,} "
            f"point-poses; the limit is {MAX_WORK:,} (fewer rows, muscles or a coarser step)")
    return work


def unique_muscles(muscles) -> list:
    """``muscles`` with repeats removed, first occurrence kept (a muscle named twice is computed once)."""
    seen, out = set(), []
    for m in muscles:
        if m.id not in seen:
            seen.add(m.id)
            out.append(m)
    return out
