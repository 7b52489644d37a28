"""Progress lines on stderr for long calls (counting, SVD, training, evaluation)."""

import sys
import time


def _format_seconds(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _format_rate(rate):
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if rate >= scale:
            return f"{rate / scale:.2f}{suffix}"
    return f"{rate:.1f}"


class Progress:
    """Rate-limited progress reporter.

    Parameters
    ----------
    total : int or None
        Amount of work (in ``unit``); ``None`` when unknown (no ETA then).
    desc : str
        Prefix of every line, e.g. ``"word2vec"``.
    verbose : int
        Nothing is printed when 0.
    unit : str
        What ``total`` counts, shown with the rate.
    interval : float
        Minimum seconds between two lines (the last one always prints).
    stream : file-like, default sys.stderr
    """

    def __init__(self, total=None, desc="", verbose=0, unit="words", interval=1.0, stream=None):
        self.total = total
        self.desc = desc
        self.verbose = verbose
        self.unit = unit
        self.interval = interval
        self.stream = stream
        self.start = time.perf_counter()
        self._last = -float("inf")
        self.done = 0

    def elapsed(self):
        return time.perf_counter() - self.start

    def update(self, done, force=False, **fields):
        """Record that ``done`` units are finished and maybe print a line.

        Extra keyword fields (e.g. ``epoch=2``, ``alpha=0.02``) are printed as
        ``name value``.
        """
        self.done = done
        if not self.verbose:
            return
        now = time.perf_counter()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        elapsed = now - self.start
        parts = [self.desc] if self.desc else []
        for key, value in fields.items():
            if isinstance(value, float):
                value = f"{value:.4g}"
            parts.append(f"{key} {value}")
        if self.total:
            parts.append(f"{100.0 * done / self.total:5.1f}%")
        rate = done / elapsed if elapsed > 0 else 0.0
        parts.append(f"{_format_rate(rate)} {self.unit}/s")
        parts.append(f"elapsed {_format_seconds(elapsed)}")
        if self.total and done > 0 and done < self.total:
            parts.append(f"left {_format_seconds(elapsed * (self.total - done) / done)}")
        print(", ".join(parts), file=self.stream or sys.stderr, flush=True)

    def message(self, text):
        """Print a free-form line when verbose."""
        if self.verbose:
            prefix = f"{self.desc}: " if self.desc else ""
            print(prefix + text, file=self.stream or sys.stderr, flush=True)

    def close(self, **fields):
        """Print the final line (when verbose)."""
        self.update(self.done, force=True, **fields)
