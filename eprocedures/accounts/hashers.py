import unicodedata

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


def normalized(password: str) -> str:
    """NFKC, as NIST SP 800-63B asks: "é" typed as one character on one device and as
    "e" + an accent on another is one password."""
    return unicodedata.normalize("NFKC", password)


class ETSArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the costs of the settings (OWASP: m=19456 KiB, t=2, p=1).

    Django's own defaults (100 MiB, p=8) cost about eight times more CPU for no
    gain in strength. The algorithm name stays "argon2", so hashes made with other
    costs still verify and Django re-hashes them at the next successful check.
    """

    def encode(self, password, salt):
        return super().encode(normalized(password), salt)

    def verify(self, password, encoded):
        canonical = normalized(password)
        if super().verify(canonical, encoded):
            return True
        # A hash made before passwords were normalised holds the password as typed then.
        # Only a password that normalisation changes (never an ASCII one) costs a second
        # verification, and a wrong one costs it for an unknown address too (the dummy hash
        # goes through here as well): the timing stays the same.
        return canonical != password and super().verify(password, encoded)

    @property
    def time_cost(self):
        return settings.ETS_ARGON2_TIME_COST

    @property
    def memory_cost(self):
        return settings.ETS_ARGON2_MEMORY_COST

    @property
    def parallelism(self):
        return settings.ETS_ARGON2_PARALLELISM
