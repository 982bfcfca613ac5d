"""Error policy: a bug in a handler becomes a notice and a log entry, not the end of the app.

Only handlers marked with `survivable` are guarded: the ones Textual calls (actions,
message handlers, timers and callbacks). Helpers they call are not, so an error
surfaces once, at the handler, and a test app with `survive_errors` off fails on it.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from datetime import datetime

from textual.actions import SkipAction
from textual.app import App


def log_error(error: BaseException) -> str:
    """Append the traceback to the reader's log file; its path (or why there is none)."""
    import traceback

    from platformdirs import user_log_dir

    try:
        folder = user_log_dir("reader", appauthor=False)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "errors.log")
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now().isoformat()}\n")
            log.write("".join(traceback.format_exception(error)))
        return path
    except OSError as problem:
        return f"no log ({problem.strerror})"


def report_error(app: App, error: BaseException) -> None:
    """A bug must not cost the user the screen: say so, log it, and go on."""
    app.notify(f"Something went wrong: {type(error).__name__}: {error}. Details: {log_error(error)}",
               severity="error", markup=False, timeout=10)


def survives_errors(app: App) -> bool:
    """Whether errors become notices (tests turn this off on their app, so that bugs fail them)."""
    return getattr(app, "survive_errors", True)


def survivable(handler: Callable) -> Callable:
    """Mark a handler (of an app, screen or widget) so that an exception becomes a notice:
    left alone, Textual would end the app on it."""
    if inspect.iscoroutinefunction(handler):
        raise TypeError(f"{handler.__qualname__}: survivable guards plain handlers, not coroutines")

    @functools.wraps(handler)
    def run(self, *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except SkipAction:
            raise  # not an error: the action leaves the key to the widgets (Textual's own signal)
        except Exception as error:  # noqa: BLE001 - the promise is: never a traceback
            if not survives_errors(self.app):
                raise
            report_error(self.app, error)
            return None

    return run
