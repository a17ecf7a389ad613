import re
import subprocess
import tempfile
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.council_telephony.tests.common import TelephonyCase

# pdftotext marks right-to-left runs with Unicode embedding controls, and
# places the punctuation between Hebrew and digits on either side.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e]")
PUNCTUATION = re.compile(r"[:,()]")
A4_HEIGHT = 842  # points


@tagged("post_install", "-at_install")
class TestLetterhead(TelephonyCase, HttpCase):
    """Both PDFs as Debian's wkhtmltopdf makes them (the server up, for the
    report's styles), read back with pdftotext: the council's letterhead,
    page x of y, the Hebrew in reading order, and no blank space before the
    content."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enable_hebrew()
        cls.manager.lang = "he_IL"
        cls.company.write({"street": "רחוב הזית", "city": "נווה הדר"})

    def _pdf(self, report, records, lang="he_IL"):
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(lang=lang, force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return content

    def _text(self, content, *options):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            text = subprocess.run(
                ["pdftotext", *options, pdf.name, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        return PUNCTUATION.sub("", BIDI_MARKS.sub("", text))

    def _top_of(self, content, word):
        """Where ``word`` first appears on page 1, in points from the top."""
        boxes = self._text(content, "-bbox", "-l", "1")
        found = re.search(r'yMin="([\d.]+)"[^>]*>' + re.escape(word) + "<", boxes)
        self.assertTrue(found, word)
        return float(found.group(1))

    def test_annual_report_has_the_letterhead_in_hebrew(self):
        wizard = self.env["telephony.annual.report"].create({"year": 2026})
        with freeze_time("2027-01-03 07:00:00"):
            content = self._pdf(
                "council_telephony_reports.action_report_annual", wizard
            )
        text = self._text(content)
        # The letterhead first: the council's name and address, the date of
        # issue; then the title, in reading order.
        self.assertIn("רחוב הזית", text)
        self.assertIn("תאריך הפקה", text)
        self.assertIn("03/01/2027", text)
        title = text.index("דוח טלפוניה שנתי")
        self.assertLess(text.index(self.company.name), title)
        self.assertIn("לראש המועצה", text)
        self.assertIn("דוח טלפוניה שנתי 2026", text)
        # Every page numbered, of how many.
        pages = text.count("\f")
        self.assertGreater(pages, 1)
        for page in range(1, pages + 1):
            self.assertRegex(text, rf"עמוד\s*{page}\s*מתוך\s*{pages}")
        # No blank quarter page: the letterhead starts at the top margin.
        self.assertLess(self._top_of(content, "03/01/2027"), A4_HEIGHT / 8)

    def test_weekly_report_has_the_letterhead_in_the_managers_language(self):
        reports = self.env["telephony.weekly.report"]
        with freeze_time("2026-12-01 07:00:00"):
            ticket = self._ticket(received_at=datetime(2026, 12, 1, 7, 0))
            start, end = reports._week_containing(
                datetime(2026, 12, 1, 7, 0), self.company
            )
            week = reports._get_or_create_week(start, end, self.company)
            content = self._pdf(
                "council_telephony_reports.action_report_weekly", week, lang="en_US"
            )
        text = self._text(content)
        self.assertLess(text.index(self.company.name), text.index("דוח טלפוניה שבועי"))
        self.assertIn("תאריך הפקה", text)
        self.assertIn("01/12/2026", text)
        self.assertIn("דוח טלפוניה שבועי", text)
        self.assertIn(ticket.number, text)
        self.assertRegex(text, r"עמוד\s*1\s*מתוך\s*1")
        self.assertLess(self._top_of(content, "01/12/2026"), A4_HEIGHT / 8)

        # An IT manager who reads English gets it in English, left to right.
        self.manager.lang = "en_US"
        with freeze_time("2026-12-01 07:00:00"):
            text = self._text(
                self._pdf("council_telephony_reports.action_report_weekly", week)
            )
        self.assertIn("Issued on 01/12/2026", " ".join(text.split()))
        self.assertLess(
            text.index(self.company.name), text.index("Weekly telephony report")
        )
        self.assertIn("Weekly telephony report", text)
        self.assertIn("Page 1 of 1", text)
