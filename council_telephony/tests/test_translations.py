import re
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase
from odoo.tools.translate import TranslationModuleReader

PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|\{\{.*?\}\}")


class TestHebrew(TransactionCase):
    """Every user-facing string of the addon has its Hebrew (C21)."""

    module = "council_telephony"

    def _po(self):
        return polib.pofile(str(Path(get_module_path(self.module)) / "i18n" / "he.po"))

    def test_every_term_is_translated(self):
        translated = {
            entry.msgid: entry.msgstr
            for entry in self._po()
            if entry.msgstr and not entry.obsolete
        }
        reader = TranslationModuleReader(self.env.cr, modules=[self.module])
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
        for entry in self._po():
            self.assertEqual(
                sorted(PLACEHOLDER.findall(entry.msgid)),
                sorted(PLACEHOLDER.findall(entry.msgstr)),
                entry.msgid,
            )
