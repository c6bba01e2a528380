"""ui.progress.throttled: at most one redraw per interval, and the last epoch always drawn."""

from __future__ import annotations

from types import SimpleNamespace

from ui.progress import throttled


def _info(epoch: int, epochs: int = 5) -> SimpleNamespace:
    return SimpleNamespace(epoch=epoch, epochs=epochs)


def test_quick_epochs_are_skipped_but_the_last_is_drawn():
    drawn: list[int] = []
    on_epoch = throttled(lambda info: drawn.append(info.epoch), interval=3600)
    for e in range(1, 6):
        on_epoch(_info(e))
    assert drawn == [1, 5]  # the first (nothing drawn before) and the last


def test_every_epoch_with_no_interval():
    drawn: list[int] = []
    on_epoch = throttled(lambda info: drawn.append(info.epoch), interval=0)
    for e in range(1, 4):
        on_epoch(_info(e, 3))
    assert drawn == [1, 2, 3]
