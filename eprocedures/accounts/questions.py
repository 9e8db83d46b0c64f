"""The secret questions offered at registration (step "Mes questions secrètes")."""

from django.utils.translation import gettext_lazy as _

SECRET_QUESTIONS = [
    ("mother_maiden_name", _("Nom de jeune fille de votre mère")),
    ("favourite_sport", _("Votre sport favori")),
    ("first_pet", _("Nom de votre premier animal de compagnie")),
    ("birth_city", _("Ville de naissance de votre père")),
    ("first_school", _("Nom de votre école primaire")),
    ("childhood_friend", _("Prénom de votre meilleur ami d'enfance")),
    ("first_car", _("Marque de votre première voiture")),
    ("favourite_book", _("Titre de votre livre préféré")),
]
QUESTION_LABELS = dict(SECRET_QUESTIONS)
