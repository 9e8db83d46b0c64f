"""Authentication backend of card sign-in.

It accepts only a CertCheck that services.verify judged OK (the certificate
read from the trusted front and verified against the accepted issuers), and
returns the account that certificate is enrolled on.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

from .models import Smartcard
from .services import CertCheck


class SmartcardBackend(BaseBackend):
    def authenticate(self, request, smartcard_check=None, **kwargs):
        if not isinstance(smartcard_check, CertCheck) or not smartcard_check.ok:
            return None
        card = (
            Smartcard.objects.select_related("user")
            .filter(fingerprint=smartcard_check.fingerprint)
            .first()
        )
        if card is None or not self.user_can_authenticate(card.user):
            return None
        return card.user

    @staticmethod
    def user_can_authenticate(user) -> bool:
        return user.is_active and not user.is_blocked and not user.is_awaiting_activation

    def get_user(self, user_id):
        user = get_user_model().objects.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
