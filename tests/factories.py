"""Accounts for the cross-cutting tests (robustness walk, accessibility tour)."""

from django.utils import timezone

from eprocedures.accounts.models import SecretAnswer, User, hash_secret_answer

PASSWORD = "Vague;Marine7"
SECRET_ANSWERS = [("mother_maiden_name", "Durand"), ("favourite_sport", "Danse")]


def person(email, **fields) -> User:
    """An activated account (M. Paul Durand, rue bleue, 59000 LILLE) with its two secret answers."""
    values = {
        "civility": "M", "last_name": "Durand", "first_name": "Paul", "street_name": "rue bleue",
        "postal_code": "59000", "city": "LILLE", "country": "FR", "mobile_phone": "+33612345678",
        "is_active": True, "activated_at": timezone.now(),
    }
    values.update(fields)
    user = User.objects.create_user(email, PASSWORD, **values)
    for position, (question, answer) in enumerate(SECRET_ANSWERS, start=1):
        SecretAnswer.objects.create(user=user, position=position, question=question,
                                    answer_hash=hash_secret_answer(answer))
    return user
