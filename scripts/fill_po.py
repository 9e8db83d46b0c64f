"""Fill English msgstr entries of a catalogue from a JSON {msgid: msgstr} file (dev helper)."""

import json
import sys

import polib

po = polib.pofile(sys.argv[1])
table = json.load(open(sys.argv[2], encoding="utf-8"))
missing = []
for entry in po:
    if entry.msgid in table:
        value = table[entry.msgid]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0], 1: value[1]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    elif not (entry.msgstr or entry.msgstr_plural.get(0)):
        missing.append(entry.msgid)
po.save()
for m in missing:
    print("MISSING:", repr(m))
