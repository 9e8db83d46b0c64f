"""Addresses with an internationalised domain, stored in one form (see accounts.normalize).

Before, only case and spaces were normalised: "paul@exämple.fr" and
"paul@xn--exmple-cua.fr" could be two accounts, and an address stored one way no longer
matches the lookups now that it is normalised the other. The logic is copied here, as a
migration must not change when the application's code does. An address whose new form
already belongs to another account is left as it is and reported.
"""

import unicodedata

import idna
from django.db import migrations


def _normalised(email: str) -> str:
    value = email.strip().lower()
    if value.isascii() and "xn--" not in value:
        return value
    local, at, domain = unicodedata.normalize("NFC", value).rpartition("@")
    if not at:
        return value
    try:
        domain = idna.encode(domain, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError:
        pass
    return f"{local}@{domain}"


def normalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    candidates = User.objects.exclude(email__regex=r"^[\x00-\x7f]*$") | User.objects.filter(
        email__icontains="xn--")
    for user in candidates.order_by("pk"):
        new = _normalised(user.email)
        if new == user.email:
            continue
        if User.objects.filter(email__iexact=new).exclude(pk=user.pk).exists():
            print(f"\n  accounts: {user.email!r} (account {user.pk}) left as it is: "
                  f"{new!r} belongs to another account")
            continue
        User.objects.filter(pk=user.pk).update(email=new)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_sessions")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
