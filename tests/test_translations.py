"""Every visible string has its English translation, and the catalogues are up to date."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "eprocedures"
CATALOGUES = sorted(PACKAGE.glob("*/locale/en/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def source_folders():
    """Every folder that may hold translatable strings: each app, and lib."""
    return sorted(
        p for p in PACKAGE.iterdir()
        if p.is_dir() and ((p / "apps.py").exists() or p.name == "lib")
    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_entry_is_translated(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {po_path}"
    assert fuzzy == [], f"fuzzy in {po_path}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_placeholders_are_kept(po_path):
    po = polib.pofile(str(po_path))
    for entry in po.translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0]),
                     (entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), source


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (make test installs it)")
@pytest.mark.parametrize("folder", source_folders(), ids=lambda p: p.name)
def test_catalogue_holds_every_string_of_the_code(folder, tmp_path):
    """Extract the strings again into a copy: nothing may be missing from the catalogue."""
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    committed = copy / "locale/en/LC_MESSAGES/django.po"
    committed.parent.mkdir(parents=True, exist_ok=True)
    before = {e.msgid for e in polib.pofile(str(committed))} if committed.exists() else set()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "en", "--no-location",
         "-v0"],
        cwd=copy, check=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(committed))} if committed.exists() else set()
    missing = sorted(extracted - before)
    assert missing == [], (
        f"strings of {folder.name} missing from its catalogue (run `make messages`): {missing}"
    )


def test_a_french_text_has_one_english_translation_across_apps():
    """Django merges the catalogues and the first app wins: a second translation of the same
    text would be dead, and two pages would name one thing differently."""
    translations: dict[str, dict[str, str]] = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            if not entry.msgid_plural:
                translations.setdefault(entry.msgid, {})[po_path.parts[-5]] = entry.msgstr
    conflicts = {msgid: apps for msgid, apps in translations.items() if len(set(apps.values())) > 1}
    assert conflicts == {}
