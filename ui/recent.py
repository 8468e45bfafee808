"""Which keys a bounded cache holds, told beforehand: the Network page draws a heavy scene in
parts (a first drawing, a bar, a Stop) only when its cached parts are not there already, and
Streamlit's cache does not say whether a call will answer at once."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Recent:
    """The keys a cache of ``maxsize`` entries, each kept ``ttl`` seconds after it was added and
    the least recently used dropped first (st.cache_resource's bounds), would hold: ``add`` when
    the cache computed a key, ``key in recent`` (which counts as a use) before calling it."""

    def __init__(self, maxsize: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.maxsize, self.ttl, self._clock = maxsize, ttl, clock
        self._added: OrderedDict[Hashable, float] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def add(self, key: Hashable) -> None:
        with self._lock:
            self._added[key] = self._clock()
            self._added.move_to_end(key)
            while len(self._added) > self.maxsize:
                self._added.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            added = self._added.get(key)
            if added is None:
                return False
            if self._clock() - added >= self.ttl:  # expired: the cache computes it again
                del self._added[key]
                return False
            self._added.move_to_end(key)
            return True

    def __len__(self) -> int:
        return len(self._added)
