from odoo.tests import HttpCase, tagged

from .common import TelephonyMoneyCase


@tagged("post_install", "-at_install")
class TestApprovalInHebrew(TelephonyMoneyCase, HttpCase):
    """OCA tier validation ships no Hebrew: the approval of a bill (4.2.2)
    must still read in Hebrew for the IT manager — the banner, the "next"
    line, the chatter lines, and the reviews box of the bill's form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enable_hebrew()
        (cls.manager | cls.accountant).lang = "he_IL"

    def test_the_bill_speaks_hebrew(self):
        # Each acts in their own language, as the web client asks.
        bill = self._bill(500).with_context(lang="he_IL")
        bill.with_user(self.accountant).request_validation()
        bill.invalidate_recordset()
        as_manager = bill.with_user(self.manager)
        self.assertEqual(
            as_manager.to_validate_message.striptags(), "חשבונית ספק: נדרש אישור"
        )
        # OCA moves a review to "pending" when the form's reviews box reads
        # whether it can be reviewed.
        self.assertTrue(as_manager.review_ids.can_review)
        as_manager.invalidate_recordset(["next_review"])
        self.assertTrue(as_manager.next_review.startswith("השלב הבא: "))
        self.assertEqual(as_manager.review_ids.todo_by, "קבוצת מנהל אגף מערכות מידע")
        self.assertIn(
            f"נוצרה רשומה לבדיקה על ידי {self.accountant.name}",
            "".join(bill.message_ids.mapped("body")),
        )

        as_manager.validate_tier()
        bill.invalidate_recordset()
        self.assertIn("הפעולה <b>אושרה</b>", as_manager.validated_message)

    def test_the_reviews_box_speaks_hebrew(self):
        """The reviews box is OCA's JavaScript: its words come with the web
        client's translations."""
        self.authenticate(self.manager.login, self.manager.login)
        response = self.url_open(
            "/web/webclient/translations/x?lang=he_IL", timeout=120
        )
        terms = {
            message["id"]: message["string"]
            for module in response.json()["modules"].values()
            for message in module["messages"]
        }
        for source, hebrew in {
            "Done by": "בוצע על ידי",
            "Requested by": "התבקש על ידי",
            "Todo by": "לביצוע על ידי",
            "No reviews to do.": "אין בדיקות לביצוע.",
            "Reviews": "בדיקות",
        }.items():
            self.assertEqual(terms.get(source), hebrew, source)
