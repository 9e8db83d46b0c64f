"""Keep live tokens out of the logs.

Links e-mailed by the portal carry their token in the path (/activation/<token>/,
/mot-de-passe-oublie/<token>/…). Django logs the path of a refused request ("Method Not
Allowed (PUT): /mot-de-passe-oublie/eyJ…/", "Forbidden (CSRF …): …"), and whoever reads the
logs could then use a link that is still valid. The token is replaced by "…" in every record.
"""

import logging
import re

# A path segment after one of the token-bearing prefixes, long enough to be a token (the
# fixed pages under the same prefixes, "envoye" or "lien-invalide", are kept).
_TOKEN_PATH = re.compile(
    r"(/(?:activation|mot-de-passe-oublie|carte-a-puce/activer"
    r"|mes-informations/courriel/confirmer)/)([^/\s'\"]{20,})")


def mask_tokens(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1…", text)


class MaskTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
