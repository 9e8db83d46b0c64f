"""Equal-time answers: the reset and fresh-link pages wait for the same floor, known or not."""

import pytest

from eprocedures.lib import timing
from tests.signin.conftest import make_user


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_the_block_is_held_until_the_floor():
    clock = FakeClock()
    with timing.at_least(0.15, clock=clock, sleep=clock.sleep):
        clock.now += 0.04  # the work itself

    assert clock.slept == [0.11]


def test_a_block_longer_than_the_floor_is_not_held_more():
    clock = FakeClock()
    with timing.at_least(0.15, clock=clock, sleep=clock.sleep):
        clock.now += 0.2

    assert clock.slept == []


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "field"), [
    ("/mot-de-passe-oublie/", "email"), ("/activation/nouveau-lien/", "email"),
])
def test_known_and_unknown_addresses_wait_for_the_same_floor(client, settings, monkeypatch,
                                                           path, field):
    settings.ETS_EQUAL_ANSWER_MS = 150
    waits = []
    monkeypatch.setattr(timing.time, "sleep", lambda seconds: waits.append(seconds))
    known = make_user(activated="activation" not in path)

    first = client.post(path, {field: known.email})
    second = client.post(path, {field: "personne@example.fr"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    # Each answer was held up to the floor: the time it took came from the floor, not
    # from whether the address is known (both far below 150 ms here).
    assert len(waits) == 2 and all(0 < w <= 0.15 for w in waits)
