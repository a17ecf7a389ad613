import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase
from odoo.tools.translate import TranslationModuleReader

I18N = Path(__file__).resolve().parent.parent / "i18n" / "he.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|\{\{.*?\}\}")


class TestHebrew(TransactionCase):
    """Every user-facing string of the addon has its Hebrew (C21)."""

    def test_every_term_is_translated(self):
        translated = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(str(I18N))
            if entry.msgstr and not entry.obsolete
        }
        reader = TranslationModuleReader(self.env.cr, modules=["council_telephony"])
        missing = sorted(
            {
                source
                for _module, _type, _name, _res, source, _value, _comments in reader
                if source.strip()
                and not re.search("[\u0590-\u05ff]", source)  # demo data is Hebrew
                and source not in translated
            }
        )
        self.assertFalse(
            missing, "Not translated in i18n/he.po:\n" + "\n".join(missing)
        )

    def test_placeholders_survive_translation(self):
        for entry in polib.pofile(str(I18N)):
            self.assertEqual(
                sorted(PLACEHOLDER.findall(entry.msgid)),
                sorted(PLACEHOLDER.findall(entry.msgstr)),
                entry.msgid,
            )
