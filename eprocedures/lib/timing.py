"""Answers that take the same time whether or not an address has an account.

"Mot de passe oublié" and "Recevoir un nouveau lien" answer the same page for every
address, but a known one costs more (a link signed, an e-mail rendered and queued): a few
milliseconds that a script asking many times can measure. Such an answer is held until a
floor (ETS_EQUAL_ANSWER_MS) has passed since the request began, well above what the
longer path costs.
"""

import time
from contextlib import contextmanager

from django.conf import settings


@contextmanager
def at_least(seconds: float | None = None, *, clock=None, sleep=None):
    """Run the block, then wait until ``seconds`` (default: the setting) have passed."""
    if seconds is None:
        seconds = settings.ETS_EQUAL_ANSWER_MS / 1000
    clock = clock or time.monotonic
    start = clock()
    yield
    left = seconds - (clock() - start)
    if left > 0:
        (sleep or time.sleep)(left)
