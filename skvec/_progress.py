"""Progress and summary lines of long calls, through the standard ``logging`` module.

Each public estimator or function that reports progress logs to its own
logger, named after its public module (``skvec.word2vec``, ``skvec.metrics``,
...) and passed explicitly down to the code doing the work (reading the corpus,
counting, training), all children of ``"skvec"``, at level INFO.  The estimator's ``verbose`` sets how much is emitted:

* 0: nothing;
* 1: a summary line per stage (reading, counting, SVD...), one per epoch, the
  vocabulary summary and the training memory estimate;
* 2: also periodic lines inside long stages (rate, loss, time left), at most
  ``LINES_PER_EPOCH`` per epoch whatever the corpus size, and at most one per
  ``interval`` seconds.

Where the lines go is the application's choice.  When it has configured no
handler anywhere (a bare script or notebook), the lines are written to stderr
as plain text, because a user who asked for ``verbose=1`` expects to see them,
as with scikit-learn; as soon as any handler is configured (``basicConfig``, a
framework, pytest's capture), the lines go only through the application's
handlers, so nothing is printed twice.  The root logger's level is not
consulted (it is WARNING by default and would hide every line asked for), but
an explicit level on ``"skvec"`` or a module logger below it is:
``logging.getLogger("skvec").setLevel(logging.WARNING)`` silences progress
whatever ``verbose`` says.

Periodic lines are marked *transient* (``record.skvec_transient``); the
:class:`TerminalHandler` used for stderr overwrites a transient line with the
next line when stderr is a terminal, so a terminal shows one updating line.
"""

import logging
import math
import sys
import time

# The parent of every module logger; created here so that a level or handler
# set on it applies to all of them.
ROOT_LOGGER = logging.getLogger("skvec")

LINES_PER_EPOCH = 10
# Below this many seconds a rate is noise (and "0.0 tokens/s" on small inputs).
MIN_RATE_SECONDS = 0.05


def clock():
    """Seconds from an arbitrary origin (``time.perf_counter``); one place for tests to replace."""
    return time.perf_counter()


def format_seconds(seconds):
    """``4.2s``, ``37s``, ``2m05s``, ``1h07m``."""
    if seconds < 10:
        return f"{seconds:.1f}s"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_count(count):
    """``950``, ``12.3k``, ``4.56M``, ``1.20G``."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if count >= scale:
            return f"{count / scale:.3g}{suffix}"
    return f"{count:.3g}" if isinstance(count, float) else str(count)


def format_bytes(n_bytes):
    """``512 B``, ``3.1 kB``, ``45.0 MB``, ``1.2 GB`` (powers of 1000)."""
    for scale, suffix in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {suffix}"
    return f"{int(n_bytes)} B"


def _rate(units, seconds, unit):
    if units <= 0 or seconds < MIN_RATE_SECONDS:
        return None
    return f"{format_count(units / seconds)} {unit}/s"


class TerminalHandler(logging.Handler):
    """Plain ``%(message)s`` lines on a stream (default: ``sys.stderr`` at each line).

    When the stream is a terminal, a transient line (a periodic progress line)
    is overwritten by the next line instead of scrolling.
    """

    def __init__(self, stream=None, level=logging.NOTSET):
        super().__init__(level)
        self._stream = stream
        self._pending = False
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record):
        try:
            stream = self._stream if self._stream is not None else sys.stderr
            text = self.format(record)
            transient = getattr(record, "skvec_transient", False) and _isatty(stream)
            if self._pending:
                stream.write("\r\x1b[K")
            stream.write(text if transient else text + "\n")
            self._pending = transient
            stream.flush()
        except Exception:  # noqa: BLE001 - logging's own contract for handlers
            self.handleError(record)

    def finish(self):
        """End a transient line left on the terminal, so that what follows starts on a new line."""
        if self._pending:
            stream = self._stream if self._stream is not None else sys.stderr
            stream.write("\n")
            stream.flush()
            self._pending = False


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_FALLBACK = TerminalHandler()


def _explicitly_silenced(logger, level):
    """Whether ``logging.disable`` or a level set on a logger under "skvec" drops ``level``."""
    if logger.manager.disable >= level:
        return True
    node = logger
    while node is not None and not isinstance(node, logging.RootLogger):
        if node.disabled:
            return True
        if node.level:
            return level < node.level
        node = node.parent if node.propagate else None
    return False


def emit(logger, message, transient=False):
    """Log ``message`` at INFO on ``logger`` as described in the module docstring.

    The caller has already decided, from ``verbose``, that the line is wanted.
    """
    if _explicitly_silenced(logger, logging.INFO):
        return
    record = logger.makeRecord(
        logger.name, logging.INFO, "(skvec)", 0, message, (), None, extra={"skvec_transient": transient}
    )
    if logger.hasHandlers():
        logger.handle(record)
    else:
        _FALLBACK.handle(record)


def log_info(verbose, message, level=1, *, logger):
    """Log ``message`` on ``logger`` when ``verbose >= level``."""
    if verbose >= level:
        emit(logger, message)


def log_vocabulary(verbose, *, n_types, n_kept_types, n_tokens, n_kept_tokens, min_count, max_vocab_size=None,
                   logger):
    """The vocabulary summary (``verbose >= 1``): types and tokens kept and what the thresholds dropped."""
    if verbose < 1:
        return
    share = 100.0 * n_kept_tokens / n_tokens if n_tokens else 100.0
    line = (
        f"vocabulary: {n_kept_types:,} word types kept of {n_types:,} seen; "
        f"{n_kept_tokens:,} of {n_tokens:,} tokens kept ({share:.1f}%)"
    )
    thresholds = f"min_count={min_count}"
    if max_vocab_size is not None:
        thresholds += f", max_vocab_size={max_vocab_size}"
    if n_types > n_kept_types:
        line += (
            f"; {thresholds} dropped {n_types - n_kept_types:,} types "
            f"({n_tokens - n_kept_tokens:,} tokens)"
        )
    emit(logger, line)


def log_memory(verbose, desc, parts, *, logger):
    """The estimated memory of a training (``verbose >= 1``); ``parts`` maps a name to bytes."""
    if verbose < 1:
        return
    detail = ", ".join(f"{name} {format_bytes(size)}" for name, size in parts.items())
    emit(logger, f"{desc}: estimated training memory {format_bytes(sum(parts.values()))} ({detail})")


def needs_compiling(kernel):
    """Whether calling the Numba function ``kernel`` now compiles it.

    True when no signature of it is compiled (or loaded from the cache) in
    this process yet and its on-disk cache holds nothing usable (no index,
    or one made from another version of its source).  False when Numba
    cannot tell (no cache, or a cache laid out otherwise).
    """
    if getattr(kernel, "signatures", True):
        return False
    try:
        return not kernel._cache._cache_file._load_index()
    except Exception:  # noqa: BLE001 - any other layout: cannot tell, say nothing
        return False


class Progress:
    """Rate-limited progress of one long call, logged as described in the module docstring.

    Parameters
    ----------
    total : int or None
        Amount of work over the whole call (in ``unit``, all epochs); ``None``
        when unknown (no percentage nor time left then).
    desc : str
        Prefix of every line, e.g. ``"word2vec"``.
    verbose : int
        0: nothing; 1: :meth:`message`, :meth:`epoch` and :meth:`close`
        lines; 2: also the periodic lines of :meth:`update`.
    unit : str
        What ``total`` counts, shown with the rate.
    interval : float
        Minimum seconds between two periodic lines.  With an unknown total
        the spacing grows with the elapsed time (a quarter of it), so a long
        stage still gives few lines.
    epochs : int
        Epochs in ``total``: periodic lines come at most ``LINES_PER_EPOCH``
        times per epoch.
    logger : logging.Logger
        The logger of the public estimator or function reporting.
    """

    def __init__(self, total=None, desc="", verbose=0, unit="words", interval=1.0, *, epochs=1, logger):
        self.total = total
        self.desc = desc
        self.verbose = verbose
        self.unit = unit
        self.interval = interval
        self.logger = logger
        self.start = clock()
        self._last = self.start
        self._step = total / (max(epochs, 1) * LINES_PER_EPOCH) if total else None
        self._next_mark = self._step
        self._epoch_start = (self.start, 0)
        self.done = 0

    def elapsed(self):
        """Seconds since the start."""
        return clock() - self.start

    def _line(self, parts):
        prefix = f"{self.desc}: " if self.desc else ""
        return prefix + ", ".join(part for part in parts if part)

    def _fields(self, fields):
        return [f"{key} {value:.4g}" if isinstance(value, float) else f"{key} {value}" for key, value in fields.items()]

    def _time_left(self, elapsed):
        if self.total and 0 < self.done < self.total:
            return f"left {format_seconds(elapsed * (self.total - self.done) / self.done)}"
        return None

    def _due(self, now, done):
        spacing = self.interval if self.total else max(self.interval, (now - self.start) / 4)
        if now - self._last < spacing:
            return False
        return self._step is None or done >= self._next_mark

    def update(self, done, force=False, **fields):
        """Record that ``done`` units are finished; maybe log a periodic line (``verbose >= 2``).

        Extra keyword fields (e.g. ``epoch="2/5"``, ``loss=0.31``) are shown
        as ``name value``.
        """
        self.done = done
        if self.verbose < 2:
            return
        now = clock()
        if not force and not self._due(now, done):
            return
        self._last = now
        if self._step:
            self._next_mark = (math.floor(done / self._step) + 1) * self._step
        elapsed = now - self.start
        parts = self._fields(fields)
        parts.append(f"{100.0 * done / self.total:.1f}%" if self.total else f"{format_count(done)} {self.unit}")
        parts += [_rate(done, elapsed, self.unit), f"elapsed {format_seconds(elapsed)}", self._time_left(elapsed)]
        emit(self.logger, self._line(parts), transient=True)

    def epoch(self, epoch, n_epochs, done=None, **fields):
        """Log the summary of a finished epoch (``verbose >= 1``): fields, rate, time, time left."""
        if done is not None:
            self.done = done
        now = clock()
        started, done_before = self._epoch_start
        self._epoch_start = (now, self.done)
        if self.verbose < 1:
            return
        parts = [f"epoch {epoch}/{n_epochs}"] + self._fields(fields)
        parts += [
            _rate(self.done - done_before, now - started, self.unit),
            f"in {format_seconds(now - started)}",
            self._time_left(now - self.start),
        ]
        emit(self.logger, self._line(parts))

    def message(self, text, level=1):
        """Log a free-form line when ``verbose >= level``."""
        if self.verbose >= level:
            emit(self.logger, self._line([text]))

    def compiling(self, *kernels):
        """Say (``verbose >= 1``) that the call about to start first compiles some of ``kernels``.

        Numba compiles a kernel on its first call (10-20 s) and caches it on
        disk; without this line the first fit would be silent that long.
        Once a kernel is compiled, or found in the cache, nothing is said.
        """
        if self.verbose >= 1 and any(needs_compiling(kernel) for kernel in kernels):
            emit(self.logger, self._line(["compiling the Numba kernels on first use (about 10-20 s, "
                                          "cached on disk for later runs)"]))

    def close(self, done=None, **fields):
        """Log the final line (``verbose >= 1``): fields, amount done, overall rate, total time."""
        if done is not None:
            self.done = done
        if self.verbose < 1:
            return
        elapsed = self.elapsed()
        parts = ["done"] + self._fields(fields)
        if self.done:
            parts.append(f"{format_count(self.done)} {self.unit}")
        parts += [_rate(self.done, elapsed, self.unit), f"in {format_seconds(elapsed)}"]
        emit(self.logger, self._line(parts))
