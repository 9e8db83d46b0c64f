from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class ETSArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the costs of the settings (OWASP: m=19456 KiB, t=2, p=1).

    Django's own defaults (100 MiB, p=8) cost about eight times more CPU for no
    gain in strength. The algorithm name stays "argon2", so hashes made with other
    costs still verify and Django re-hashes them at the next successful check.
    """

    @property
    def time_cost(self):
        return settings.ETS_ARGON2_TIME_COST

    @property
    def memory_cost(self):
        return settings.ETS_ARGON2_MEMORY_COST

    @property
    def parallelism(self):
        return settings.ETS_ARGON2_PARALLELISM
