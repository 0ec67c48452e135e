"""Link titles looked up in the background, never on the request threads that save notes.

A lookup waits on someone else's server (up to fetch.TITLE_DEADLINE, twice with oEmbed). Run on a
request thread, twenty slow ones would hold every thread of a gunicorn worker, and another attendee's
autosave would wait behind them. Here a small pool (WORKERS threads, at most QUEUE waiting) does them;
when it is full the link simply stays untitled. The title is written only if the link still has none.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from . import store
from .errors import ConferenceError
from .fetch import page_title

WORKERS = 2
QUEUE = 32
log = logging.getLogger(__name__)


class TitleLookups:
    """A bounded pool of lookups: submit() never blocks; it returns False when the pool is full."""

    def __init__(self, workers: int = WORKERS, queue: int = QUEUE):
        self.workers = workers
        self._slots = threading.BoundedSemaphore(workers + queue)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self.pending = 0

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:  # made on first use: a gunicorn worker forks before any request
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="title-lookup")
            return self._pool

    def submit(self, database: str, conference_id: int, link_id: int, url: str, *, allow_private: bool) -> bool:
        """Look up `url`'s title later and give it to the link (if it still has none); False when full."""
        if not self._slots.acquire(blocking=False):
            return False
        with self._idle:
            self.pending += 1
        try:
            future = self._executor().submit(self._lookup, database, conference_id, link_id, url, allow_private)
        except RuntimeError:  # the interpreter is shutting down
            self._done()
            return False
        future.add_done_callback(lambda _f: self._done())
        return True

    def _done(self) -> None:
        self._slots.release()
        with self._idle:
            self.pending -= 1
            self._idle.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no lookup is pending (the CLI, tests); False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self.pending == 0, timeout)

    @staticmethod
    def _lookup(database: str, conference_id: int, link_id: int, url: str, allow_private: bool) -> None:
        title = page_title(url, allow_private=allow_private)
        if not title:
            return
        db = store.connect(database)
        try:
            store.fill_link_title(db, store.conference_by_id(db, conference_id), link_id, title)
        except ConferenceError as exc:  # the link or conference went away meanwhile
            log.info("title lookup for link %s not kept: %s", link_id, exc)
        finally:
            db.close()


LOOKUPS = TitleLookups()
