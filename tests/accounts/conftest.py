"""Hypothesis without its per-example deadline: on a shared, loaded CI machine a deadline
is a timing assertion, and the rules tested here are about values, not speed."""

from hypothesis import settings

settings.register_profile("ets-no-deadline", deadline=None)
settings.load_profile("ets-no-deadline")
