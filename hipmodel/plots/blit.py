"""The fast path for figures redrawn on every slider move: the fixed background rendered once per key, the moving parts drawn on top, in bounded caches.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from .style import _encode_png


class _BlitCache:
    """Keeps the fixed background of a few figures, rendered once, and draws moving parts on top.

    Each entry has its own lock: one Figure is never drawn by two threads (users) at once.
    Bounded (LRU), so memory stays flat however many reruns and users there are.
    """

    def __init__(self, max_entries: int = 12):
        self.max_entries = max_entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def png(self, key, build, moving, dpi) -> bytes:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = {"lock": threading.Lock(), "fig": None}
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        with entry["lock"]:
            try:
                if entry["fig"] is None:
                    fig, axes = build()
                    fig.set_dpi(dpi)
                    canvas = FigureCanvasAgg(fig)
                    canvas.draw()
                    entry.update(fig=fig, axes=axes, canvas=canvas, background=canvas.copy_from_bbox(fig.bbox))
                fig, canvas = entry["fig"], entry["canvas"]
                canvas.restore_region(entry["background"])
                artists = moving(fig, entry["axes"])
                renderer = canvas.get_renderer()
                for artist in sorted(artists, key=lambda a: a.get_zorder()):
                    artist.draw(renderer)
                rgba = np.asarray(canvas.buffer_rgba()).copy()
                for artist in artists:
                    artist.remove()
            except BaseException:
                # a half-built entry, or moving parts left on the kept Figure: drop the entry
                with self._lock:
                    if self._entries.get(key) is entry:
                        del self._entries[key]
                raise
        return _encode_png(rgba)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# Two bounded caches, so that many curve variants (each rotation and adduction a student tries
# is a new curve) never push out the anatomy backgrounds, which are larger and slower to rebuild.
# Measured per entry (RSS): anatomy (7 in wide, 90 dpi) 5.2 MB, curve 2.5 MB (6.2 MB with all
# four panels on); so at most ~140 MB whatever the number of users, plus one Figure being
# built per request that misses. Sixteen curves cover a class's sessions moving flexion
# at their own rotation and adduction (a new rotation is a new curve, a miss anyway); the
# anatomy changes only with the model, muscles and nerve type, which few students change.
_ANATOMY_BLITS = _BlitCache(max_entries=8)


_CURVE_BLITS = _BlitCache(max_entries=16)
