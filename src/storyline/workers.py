"""Run a per-batch stage in worker processes, results in submission order.

Why not just ``ProcessPoolExecutor.map``: the build commits each batch as soon as it is
ready (a crash loses at most the batches in flight), so results must come back in input
order while only a bounded number of batches are in flight (``map`` submits every batch at
once and holds every input in memory). And when the pool cannot start or a worker dies
(out of memory, a crashed native library), the build must not fail: the rest of the
batches run in this process and the caller is told why.

Workers are spawned (not forked): each imports storyline afresh and builds its own stage
(e.g. an ``Enricher`` with its own spaCy model) once, in ``init``; nothing is shared with
the parent but pickled batches. The stage object lives in this module's ``_STAGE`` inside
the worker process only; the parent never sets it.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The stage built by ``_init`` inside a worker process (never set in the parent).
_STAGE: Callable[[Any], Any] | None = None


def _init(factory: Callable[[], Callable[[Any], Any]]) -> None:
    global _STAGE  # one per worker process: the reason this module exists
    _STAGE = factory()


def _run(batch: Any) -> Any:
    if _STAGE is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker stage not initialised")
    return _STAGE(batch)


def batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """``items`` in lists of ``n`` (the last one shorter): ``itertools.batched`` before 3.12."""
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


class OrderedPool(Generic[T, R]):
    """Apply a stage to batches in ``workers`` processes; yield results in input order.

    ``factory`` is a picklable zero-argument callable (a module-level function or a
    ``functools.partial`` of one) that builds the stage in each worker; ``local`` builds
    the same stage in this process, used for every batch when ``workers <= 1`` and for the
    remaining batches if the pool breaks. ``in_flight`` batches per worker are queued
    ahead. After a break, ``note`` says why the run went on in-process.

    Example::

        pool = OrderedPool(partial(make_stage, settings), workers=2)
        for result in pool.map(batches):
            commit(result)
    """

    def __init__(self, factory: Callable[[], Callable[[T], R]], workers: int = 1,
                 local: Callable[[], Callable[[T], R]] | None = None, in_flight: int = 2) -> None:
        self.factory = factory
        self.local = local or factory
        self.workers = max(1, int(workers))
        self.in_flight = max(1, in_flight)
        self.note: str | None = None
        self._local_stage: Callable[[T], R] | None = None

    def _in_process(self, batch: T) -> R:
        if self._local_stage is None:
            self._local_stage = self.local()
        return self._local_stage(batch)

    def map(self, batches: Iterable[T]) -> Iterator[R]:
        """Each batch's result, in the order the batches came."""
        it = iter(batches)
        if self.workers <= 1:
            for batch in it:
                yield self._in_process(batch)
            return
        try:
            ex = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"),
                                     initializer=_init, initargs=(self.factory,))
        except (OSError, ValueError) as exc:
            self.note = f"worker processes unavailable ({type(exc).__name__}: {exc}); ran in one process"
            for batch in it:
                yield self._in_process(batch)
            return
        pending: deque[tuple[T, Future[R]]] = deque()
        broken = False
        try:
            while True:
                while not broken and len(pending) < self.workers * self.in_flight:
                    batch = next(it, _END)
                    if batch is _END:
                        break
                    try:
                        pending.append((batch, ex.submit(_run, batch)))
                    except (BrokenProcessPool, RuntimeError) as exc:
                        broken = self._broke(exc)
                        pending.append((batch, _failed()))
                if not pending:
                    break
                batch, fut = pending.popleft()
                if not broken:
                    try:
                        yield fut.result()
                        continue
                    except BrokenProcessPool as exc:
                        broken = self._broke(exc)
                yield self._in_process(batch)
                if broken and not pending:
                    for rest in it:
                        yield self._in_process(rest)
                    break
        except BaseException:
            # Ctrl-C, an error in the caller, or the caller stopped early (GeneratorExit):
            # the batches in flight are of no use, so do not wait for them.
            _terminate(ex)
            broken = True
            raise
        finally:
            ex.shutdown(wait=not broken, cancel_futures=True)

    def _broke(self, exc: BaseException) -> bool:
        self.note = (f"a worker process failed ({type(exc).__name__}: {exc}); "
                     "the remaining batches ran in one process")
        return True


_END: Any = object()


def _terminate(ex: ProcessPoolExecutor) -> None:
    """Stop the pool's worker processes now (``terminate_workers`` arrives in Python 3.14)."""
    for proc in list((getattr(ex, "_processes", None) or {}).values()):
        if proc.is_alive():
            proc.terminate()


def _failed() -> Future[Any]:
    fut: Future[Any] = Future()
    fut.set_exception(BrokenProcessPool("the pool was already broken"))
    return fut
