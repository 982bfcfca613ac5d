"""The garbage collector during start-up.

Starting the app creates tens of thousands of objects that live as long as it
does (modules, classes, styles, widgets). Python's collector, run every 700
new objects, walks them again and again for nothing: ~25 ms of a ~0.45 s
start. The command line raises the threshold before it imports the app, and
the app lowers it again once its first frame is drawn.
"""

from __future__ import annotations

import gc

_START_UP_THRESHOLD = 100_000
_usual: tuple[int, int, int] | None = None


def begin() -> None:
    global _usual
    if _usual is None:
        _usual = gc.get_threshold()
        gc.set_threshold(_START_UP_THRESHOLD, *_usual[1:])


def end() -> None:
    global _usual
    if _usual is not None:
        gc.set_threshold(*_usual)
        _usual = None
