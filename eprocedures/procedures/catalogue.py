"""The e-procedures one can start from the home page, by family.

None is open yet in this portal: each start link leads to a page that says so.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Procedure:
    slug: str
    label: Promise
    family: Promise


BREVET = _("Brevet")
AUTRES = _("Autres")

PROCEDURES = [
    Procedure("brevet-depot-fr", _("Nouveau dépôt FR"), BREVET),
    Procedure("brevet-pieces-complementaires", _("Ajout de pièces complémentaires"), BREVET),
    Procedure("brevet-paiement-annuite", _("Paiement d'annuité"), BREVET),
    Procedure("autres-demarches", _("Autres démarches"), AUTRES),
]
BY_SLUG = {p.slug: p for p in PROCEDURES}


def by_family() -> list[tuple[Promise, list[Procedure]]]:
    families: dict = {}
    for procedure in PROCEDURES:
        families.setdefault(procedure.family, []).append(procedure)
    return list(families.items())
