from odoo.addons.council_telephony.tests import test_translations


class TestHebrew(test_translations.TestHebrew):
    module = "council_telephony_reports"
