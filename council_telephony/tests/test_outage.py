from datetime import date, datetime

from odoo.exceptions import AccessError, ValidationError

from .common import TelephonyCase


class TestOutageAvailability(TelephonyCase):
    """C17, 3.2: outages and the availability computed from them."""

    def _outage(self, start, end, **vals):
        return self.env["telephony.outage"].create(
            {"cause": "PBX down", "start": start, "end": end, **vals}
        )

    def test_availability_from_known_outages(self):
        # February 2026: 28 days, 672 hours.
        self._outage(datetime(2026, 2, 10, 8, 0), datetime(2026, 2, 10, 14, 0))
        self._outage(
            datetime(2026, 2, 11, 8, 0),
            datetime(2026, 2, 11, 12, 0),
            scope="site",
            site="Engineering building",
            affected_share=50,
        )
        self._outage(
            datetime(2026, 2, 12, 8, 0), datetime(2026, 2, 12, 18, 0), planned=True
        )
        outages = self.env["telephony.outage"]
        self.assertAlmostEqual(
            outages._availability(date(2026, 2, 1), date(2026, 2, 28)),
            round(100 * (1 - 8 / 672), 3),
        )
        self.assertAlmostEqual(
            outages._availability(date(2026, 1, 1), date(2026, 12, 31)),
            round(100 * (1 - 8 / 8760), 3),
        )
        month = self.env["telephony.availability.month"].search(
            [("company_id", "=", self.company.id), ("month", "=", "2026-02-01")]
        )
        self.assertAlmostEqual(month.downtime_hours, 8.0)
        self.assertAlmostEqual(month.period_hours, 672.0)
        self.assertAlmostEqual(month.availability, round(100 * (1 - 8 / 672), 3))
        self.assertTrue(month.below_target)  # 98.8% < 99.5%
        march = self.env["telephony.availability.month"].search(
            [("company_id", "=", self.company.id), ("month", "=", "2026-03-01")]
        )
        self.assertEqual(march.availability, 100)
        self.assertFalse(march.below_target)

    def test_months_are_the_councils_local_months(self):
        # 31.3.2026 22:00 to 1.4.2026 02:00 in Israel (UTC+3): 2 h in each month.
        self._outage(datetime(2026, 3, 31, 19, 0), datetime(2026, 3, 31, 23, 0))
        months = self.env["telephony.availability.month"].search(
            [
                ("company_id", "=", self.company.id),
                ("month", "in", ["2026-03-01", "2026-04-01"]),
            ],
            order="month",
        )
        self.assertEqual(months.mapped("downtime_hours"), [2.0, 2.0])

    def test_some_extensions_count_for_their_share(self):
        outage = self._outage(
            datetime(2026, 2, 10, 8, 0),
            datetime(2026, 2, 10, 9, 0),
            scope="extensions",
            extension_ids=[(6, 0, self.extension.ids)],
        )
        total = self.env["telephony.extension"].search_count([])
        self.assertAlmostEqual(outage.affected_share, 100.0 / total)

    def test_bad_outages_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "must end after it starts"):
            self._outage(datetime(2026, 2, 10, 8, 0), datetime(2026, 2, 10, 7, 0))
        with self.assertRaisesRegex(ValidationError, "percentage above 0"):
            self._outage(
                datetime(2026, 2, 10, 8, 0),
                datetime(2026, 2, 10, 9, 0),
                scope="site",
                affected_share=150,
            )

    def test_recorded_from_a_ticket(self):
        ticket = self._ticket(self.cat_pbx)
        action = ticket.with_user(self.agent).action_record_outage()
        outage = (
            self.env["telephony.outage"]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create(
                {"end": ticket.received_at.replace(year=ticket.received_at.year + 1)}
            )
        )
        self.assertEqual(outage.ticket_id, ticket)
        self.assertEqual(outage.start, ticket.received_at)
        self.assertEqual(outage.cause, ticket.name)

    def test_who_may_record_and_read_outages(self):
        outage = self._outage(datetime(2026, 2, 10, 8, 0), datetime(2026, 2, 10, 9, 0))
        outage.with_user(self.agent).cause = "PBX power supply"
        outage.with_user(self.head).read(["cause"])
        self.env["telephony.availability.month"].with_user(self.head).search([])
        with self.assertRaises(AccessError):
            outage.with_user(self.head).cause = "x"
        for user in (self.employee, self.treasury):
            with self.assertRaises(AccessError, msg=user.login):
                outage.with_user(user).read(["cause"])
            with self.assertRaises(AccessError, msg=user.login):
                self.env["telephony.availability.month"].with_user(user).search([])
