from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import TelephonyCase


class TestRegister(TelephonyCase):
    def test_holder_gives_department_and_number_is_normalized(self):
        line = self.env["telephony.extension"].create(
            {"number": "04 8123456", "carrier_line_number": "048123456"}
        )
        self.assertEqual(line.number, "04-812-3456")
        self.assertEqual(line.kind, "line")
        self.assertEqual(self.extension.kind, "extension")
        self.assertEqual(self.extension.department_id, self.department)

    def test_number_is_unique_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["telephony.extension"].create({"number": "41-01"})
        other = self.env["res.company"].create({"name": "Other council"})
        twin = self.env["telephony.extension"].create(
            {"number": "4101", "company_id": other.id}
        )
        self.assertEqual(twin.number, "4101")

    def test_bad_numbers_are_refused_with_a_clear_message(self):
        register = self.env["telephony.extension"]
        with self.assertRaisesRegex(ValidationError, "is not a council extension"):
            register.create({"number": "21"})
        with self.assertRaisesRegex(ValidationError, "not a valid Israeli line"):
            register.create({"number": "0312345678"})
        with self.assertRaisesRegex(ValidationError, "not a line number"):
            register.create({"number": "2999", "carrier_line_number": "2998"})
        with self.assertRaisesRegex(ValidationError, "is not a phone number"):
            self.extension.number = "21O1"
        self.assertEqual(self.extension.number, "4101")
        self.assertFalse(register.search([("number", "in", ("21", "2999"))]))

    def test_search_by_number_however_typed(self):
        line = self.env["telephony.extension"].create({"number": "04-8123456"})
        register = self.env["telephony.extension"]
        self.assertEqual(register.name_search("048123")[0][0], line.id)
        self.assertEqual(register.name_search("04-812")[0][0], line.id)
        self.assertEqual(register.name_search("Employee One")[0][0], self.extension.id)

    def test_archived_not_deleted(self):
        self.extension.action_archive()
        self.assertFalse(
            self.env["telephony.extension"].search([("number", "=", "4101")])
        )
        self.assertTrue(self.extension.exists())
        self.assertEqual(
            self.env["telephony.extension"]
            .with_context(active_test=False)
            .search([("number", "=", "4101")]),
            self.extension,
        )
