"""Time importing and exporting 10,000 address-book contacts.

    .venv/bin/python bench/addressbook.py [--rows 10000] [--repeat 3]

Runs on a throw-away test database of the configured engine (SQLite in memory by
default; set DATABASE_URL=postgres://… to measure PostgreSQL). It times, each
best of --repeat runs:

- bare insert: Contact objects built straight from the final values, written with
  bulk_create in batches of 500 (no parsing, no validation) — the floor;
- import: services.import_file on the exported CSV bytes — decoding, header check,
  every row through the contact form, the duplicate check and the same bulk_create;
- export: services.export_lines for the whole book, encoded to bytes.

Bare insert and import take turns (see taking_turns). It prints the ratio of their
best times and the ratio of each round (target: import at most 3 × bare insert).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eprocedures.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from eprocedures.accounts.models import User  # noqa: E402
from eprocedures.addressbook import csvformat, services  # noqa: E402
from eprocedures.addressbook.models import CONTACT_FIELDS, Contact  # noqa: E402

LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "García", "N'Diaye"]
FIRST = ["Camille", "Léa", "Hugo", "Chloé", "Louis", "Inès", "Jules", "Zoé", "Noah", "Éva"]
CITIES = [("75011", "Paris"), ("69001", "Lyon"), ("13001", "Marseille"), ("59000", "Lille"),
          ("31000", "Toulouse"), ("44000", "Nantes"), ("67000", "Strasbourg")]
SIRENS = ["732829320", "552100554", "542065479", "356000000"]
STREETS = ["rue", "avenue", "boulevard", "allée", "place", ""]


def make_rows(n: int) -> list[dict]:
    """n distinct, valid contacts (deterministic)."""
    rng = random.Random(20240401)
    rows = []
    for i in range(n):
        postal, city = rng.choice(CITIES)
        row = {
            "kind": "physique", "civility": "", "last_name": "", "first_name": "",
            "legal_name": "", "legal_form": "", "siren": "", "registration_number": "",
            "country": "FR", "street_number": str(rng.randint(1, 300)),
            "street_type": rng.choice(STREETS), "street_name": f"de la Paix {i}",
            "address_complement": rng.choice(["", "Bâtiment B", "3e étage"]),
            "po_box": "", "postal_code": postal, "city": city,
            "email": f"contact{i}@example.fr",
            "phone": f"+33145{rng.randint(0, 999999):06d}",
            "mobile_phone": rng.choice(["", f"+336123{rng.randint(0, 99999):05d}"]),
        }
        if i % 4 == 3:
            row |= {"kind": "morale", "legal_name": f"Brevets {rng.choice(LAST)} {i}",
                    "legal_form": rng.choice(["SAS", "SARL", "SA"]),
                    "siren": rng.choice(SIRENS)}
        else:
            row |= {"civility": rng.choice(["M", "MME"]), "last_name": rng.choice(LAST),
                    "first_name": rng.choice(FIRST)}
        rows.append(row)
    return rows


def best_of(repeat, prepare, action):
    times = []
    result = None
    for _ in range(repeat):
        prepare()
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def taking_turns(repeat, prepare, actions):
    """Time each action ``repeat`` times, the actions taking turns (a, b, a, b…).

    On a shared machine the load changes from one second to the next: taking turns
    exposes both actions to it alike, so the ratio of one round is fairer than a
    ratio of times measured minutes apart. Returns every round's times and the
    last results.
    """
    rounds, results = [], {}
    for _ in range(repeat):
        times = {}
        for name, action in actions.items():
            prepare()
            start = time.perf_counter()
            results[name] = action()
            times[name] = time.perf_counter() - start
        rounds.append(times)
    return rounds, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        owner = User.objects.create_user("bench@example.fr", mobile_phone="+33612345678",
                                         last_name="Bench", first_name="Bench",
                                         street_name="rue", postal_code="75001", city="Paris")
        rows = make_rows(args.rows)
        # The final rows, derived columns included, computed outside every timing.
        templates = []
        for row in rows:
            contact = Contact(owner=owner, **row)
            contact.refresh_derived()
            templates.append({f: getattr(contact, f) for f in
                              [*CONTACT_FIELDS, "sort_name", "search_text", "identity_key"]})
        csv_bytes = "".join(csvformat.export_lines(
            Contact(owner=owner, **row) for row in rows)).encode()

        def empty_book():
            Contact.objects.filter(owner=owner).delete()

        def bare_insert():
            with transaction.atomic():
                Contact.objects.bulk_create(
                    [Contact(owner=owner, **values) for values in templates],
                    batch_size=services.BATCH_SIZE)

        rounds, results = taking_turns(args.repeat, empty_book, {
            "bare": bare_insert, "import": lambda: services.import_file(owner, csv_bytes)})
        bare = min(r["bare"] for r in rounds)
        imported = min(r["import"] for r in rounds)
        ratios = sorted(r["import"] / r["bare"] for r in rounds)
        result = results["import"]
        assert not result.errors, result.errors[:5]
        assert result.created == args.rows == Contact.objects.filter(owner=owner).count()
        exported, data = best_of(args.repeat, lambda: None,
                                 lambda: "".join(services.export_lines(owner)).encode())
        # Same contacts (the export is sorted by name, the file was not).
        assert sorted(data.splitlines()) == sorted(csv_bytes.splitlines()), "round trip"

        print(f"engine        {connection.vendor}")
        print(f"contacts      {args.rows}   (CSV {len(csv_bytes) / 1024 / 1024:.2f} MiB, "
              f"best of {args.repeat})")
        print(f"bare insert   {bare:7.3f} s")
        print(f"import        {imported:7.3f} s   ({args.rows / imported:,.0f} contacts/s)")
        print(f"export        {exported:7.3f} s   ({args.rows / exported:,.0f} contacts/s)")
        print(f"ratio import / bare insert  {imported / bare:.2f}  (best times; target <= 3)")
        print("ratio of each round         " + "  ".join(f"{r:.2f}" for r in ratios)
              + f"  (median {ratios[len(ratios) // 2]:.2f})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
