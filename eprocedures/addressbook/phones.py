"""Phone numbers of contacts, stored in E.164 (as the accounts' numbers are)."""

from phonenumber_field.phonenumber import PhoneNumber


class E164Number(PhoneNumber):
    """A PhoneNumber that runs libphonenumber's validation once.

    django-phonenumber-field validates the number again at every str() and len()
    (the model's length check, the identity key, the database value…): a dozen
    times per contact, most of the cost of importing thousands of them.
    A number is never changed in place once parsed, so the answer cannot go stale.
    """

    _valid: bool | None = None
    _text: str | None = None

    @classmethod
    def of(cls, number: PhoneNumber) -> "E164Number":
        copy = cls()
        copy.merge_from(number)
        return copy

    @classmethod
    def validated(cls, number: PhoneNumber) -> "E164Number":
        """A copy of a number that lib.phones.parse_phone has just accepted.

        parse_phone refuses any number libphonenumber does not find valid, so the
        model's own validator need not run libphonenumber a second time.
        """
        copy = cls.of(number)
        copy._valid = True
        return copy

    def is_valid(self) -> bool:
        if self._valid is None:
            self._valid = super().is_valid()
        return self._valid

    def __str__(self) -> str:
        # Formatted once: len() (the length check), the identity key and the database
        # value each ask for it.
        if self._text is None:
            self._text = super().__str__()
        return self._text
