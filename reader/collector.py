"""When Python's garbage collector runs.

- While the program starts. Starting the app creates tens of thousands of objects that live
  as long as it does (modules, classes, styles, widgets). Python's collector, run every 700 new
  objects, walks them again and again for nothing: ~25 ms of a ~0.45 s start. The command line
  holds it off before it imports the app (`hold_off`), and the app lets it go on once its first
  frame is drawn (`resume`).
- What exists once a folder is read (the widgets, the styles, the index's caches) is left out
  of full passes (`freeze_long_lived`): over a folder's objects one took 40-90 ms.
- In the app, full passes run while the reader waits for a person (`collect_while_idle`), not
  between a key and its frame. What stays of each story shown (rendered lines in caches, the
  shown panes) made Python's own full passes grow from 6 to 40 ms within a few minutes of
  reading, and they came between keys. Python still starts one itself after far more young
  passes than usual: a reader that is never left idle does not grow for ever.
"""

from __future__ import annotations

import gc

_START_UP_THRESHOLD = 100_000  # new objects between young passes while the program starts
# Young passes between full ones that Python starts itself, once the app runs full passes
# while idle (Python's own default is 10; `collect_while_idle` keeps to it).
_FULL_PASS_AFTER = 1_000
_usual: tuple[int, int, int] = gc.get_threshold()
_held_off = False


def hold_off() -> None:
    """Fewer passes while the program starts: what it creates lives as long as it does."""
    global _usual, _held_off
    if not _held_off:
        _usual = gc.get_threshold()
        _held_off = True
        gc.set_threshold(_START_UP_THRESHOLD, *_usual[1:])


def resume(full_passes_when_idle: bool = False) -> None:
    """The usual passes again; with `full_passes_when_idle`, full ones are left to
    `collect_while_idle` (and to Python after `_FULL_PASS_AFTER` young passes)."""
    global _held_off
    _held_off = False
    young, middle, full = _usual
    gc.set_threshold(young, middle, _FULL_PASS_AFTER if full_passes_when_idle else full)


def collect_while_idle() -> bool:
    """A full pass, if as many young passes have run since the last as Python would wait
    for; whether it ran. For a moment when nobody waits for the screen."""
    if gc.get_count()[2] < _usual[2]:
        return False
    gc.collect()
    return True


def freeze_long_lived() -> None:
    """Leave what exists now out of full passes (refcounting still frees it); O(1)."""
    gc.freeze()


def thaw() -> None:
    """Everything back in the collector's hands, and its usual passes (the app has ended)."""
    gc.unfreeze()
    resume()
