from datetime import date, datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form

from .common import TelephonyCase


class TestOutageAvailability(TelephonyCase):
    """C17, 3.2: outages and the availability computed from them."""

    def _outage(self, start, end, **vals):
        return self.env["telephony.outage"].create(
            {"cause": "PBX down", "start": start, "end": end, **vals}
        )

    def _months(self, *months, vendor=None, period_type="month"):
        # A SQL view: read afresh after each new outage.
        self.env["telephony.availability.month"].invalidate_model()
        return self.env["telephony.availability.month"].search(
            [
                ("company_id", "=", self.company.id),
                ("period_type", "=", period_type),
                ("vendor_id", "=", vendor.id if vendor else False),
                ("month", "in", list(months)),
            ],
            order="month",
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
        month = self._months("2026-02-01")
        self.assertAlmostEqual(month.downtime_hours, 8.0)
        self.assertAlmostEqual(month.period_hours, 672.0)
        self.assertAlmostEqual(month.availability, round(100 * (1 - 8 / 672), 3))
        self.assertTrue(month.below_target)  # 98.8% < 99.5%
        march = self._months("2026-03-01")
        self.assertEqual(march.availability, 100)
        self.assertFalse(march.below_target)

    def test_months_are_the_councils_local_months(self):
        # 31.3.2026 22:00 to 1.4.2026 02:00 in Israel (UTC+3): 2 h in each month.
        self._outage(datetime(2026, 3, 31, 19, 0), datetime(2026, 3, 31, 23, 0))
        months = self._months("2026-03-01", "2026-04-01")
        self.assertEqual(months.mapped("downtime_hours"), [2.0, 2.0])

    def test_an_outage_recorded_twice_counts_once(self):
        """3.2: the same 8-hour outage recorded twice took February from
        98.81 % to 97.62 %; the time outages of the same part of the service
        share counts once, here and in the monthly view."""
        outages = self.env["telephony.outage"]
        feb = (date(2026, 2, 1), date(2026, 2, 28))
        self._outage(datetime(2026, 2, 10, 6, 0), datetime(2026, 2, 10, 14, 0))
        once = round(100 * (1 - 8 / 672), 3)
        self.assertEqual(outages._availability(*feb), once)
        self._outage(datetime(2026, 2, 10, 6, 0), datetime(2026, 2, 10, 14, 0))
        self.assertEqual(outages._availability(*feb), once)
        self.assertAlmostEqual(self._months("2026-02-01").downtime_hours, 8.0)
        # Partly overlapping: 06:00-16:00 down, 10 hours.
        self._outage(datetime(2026, 2, 10, 12, 0), datetime(2026, 2, 10, 16, 0))
        self.assertEqual(outages._availability(*feb), round(100 * (1 - 10 / 672), 3))
        # A site inside the whole system's outage adds nothing; the same site
        # twice counts once at its larger share; another site adds its own.
        site = {"scope": "site", "site": "Town hall"}
        self._outage(
            datetime(2026, 2, 10, 7, 0),
            datetime(2026, 2, 10, 9, 0),
            affected_share=50,
            **site,
        )
        self.assertAlmostEqual(self._months("2026-02-01").downtime_hours, 10.0)
        self._outage(
            datetime(2026, 2, 11, 6, 0),
            datetime(2026, 2, 11, 8, 0),
            affected_share=20,
            **site,
        )
        self._outage(
            datetime(2026, 2, 11, 6, 0),
            datetime(2026, 2, 11, 8, 0),
            affected_share=30,
            scope="site",
            site=" town hall ",
        )
        self._outage(
            datetime(2026, 2, 11, 7, 0),
            datetime(2026, 2, 11, 8, 0),
            affected_share=10,
            scope="site",
            site="Library",
        )
        # 10 h, then 2 h at 30 % and 1 h at 10 %.
        self.assertAlmostEqual(
            self._months("2026-02-01").downtime_hours, 10 + 0.6 + 0.1
        )

    def test_extensions_down_twice_count_once(self):
        register = self.extension | self.env["telephony.extension"].create(
            [{"number": "4102"}, {"number": "4103"}]
        )
        total = self.env["telephony.extension"].search_count([])
        first, second, third = register
        for extensions in (first | second, second | third):
            self._outage(
                datetime(2026, 2, 10, 6, 0),
                datetime(2026, 2, 10, 7, 0),
                scope="extensions",
                extension_ids=[(6, 0, extensions.ids)],
            )
        # Three extensions down for an hour, each for its share of the register.
        self.assertAlmostEqual(
            self._months("2026-02-01").downtime_hours, 3 / total, places=6
        )

    def test_an_overlapping_outage_is_recorded_with_a_warning(self):
        first = self._outage(datetime(2026, 2, 10, 6, 0), datetime(2026, 2, 10, 14, 0))
        self.assertFalse(first.overlap_warning)
        form = Form(self.env["telephony.outage"].with_user(self.agent))
        form.cause = "PBX down (reported again)"
        form.start = datetime(2026, 2, 10, 8, 0)
        form.end = datetime(2026, 2, 10, 9, 0)
        self.assertIn(first.cause, form.overlap_warning)
        self.assertIn("counted once", form.overlap_warning)
        second = form.save()  # a warning, not a refusal
        self.assertTrue(second.overlap_warning)
        self.assertIn(second.cause, first.overlap_warning)
        elsewhere = self._outage(
            datetime(2026, 2, 12, 6, 0), datetime(2026, 2, 12, 7, 0)
        )
        self.assertFalse(elsewhere.overlap_warning)
        view = self.env.ref("council_telephony.telephony_outage_view_form")
        self.assertIn('name="overlap_warning"', view.arch)

    def test_each_vendor_counts_its_own_outages(self):
        """4.2.4: an outage is the vendor's of its vendor call (or of the
        fault's routing, or as chosen); a vendor's availability counts only
        its own outages, the whole service's counts them all."""
        ticket = self._ticket(self.cat_pbx, received_at=datetime(2026, 2, 1, 6, 0))
        call = self.env["telephony.vendor.call"].create(
            {
                "ticket_id": ticket.id,
                "vendor_id": self.tadiran.id,
                "channel_type": "phone",
                "opened_at": datetime(2026, 2, 1, 7, 0),
            }
        )
        pbx = self._outage(
            datetime(2026, 2, 10, 6, 0),
            datetime(2026, 2, 10, 14, 0),
            vendor_call_id=call.id,
        )
        line = self._outage(
            datetime(2026, 2, 20, 6, 0),
            datetime(2026, 2, 20, 10, 0),
            vendor_id=self.bezeq.id,
        )
        self.assertEqual(pbx.vendor_id, self.tadiran)
        self.assertEqual(line.vendor_id, self.bezeq)
        outages = self.env["telephony.outage"]
        feb = (date(2026, 2, 1), date(2026, 2, 28), self.company)
        self.assertEqual(
            outages._availability(*feb, self.tadiran), round(100 * (1 - 8 / 672), 3)
        )
        self.assertEqual(
            outages._availability(*feb, self.bezeq), round(100 * (1 - 4 / 672), 3)
        )
        self.assertEqual(outages._availability(*feb), round(100 * (1 - 12 / 672), 3))
        self.assertAlmostEqual(
            self._months("2026-02-01", vendor=self.tadiran).downtime_hours, 8.0
        )
        self.assertAlmostEqual(
            self._months("2026-02-01", vendor=self.bezeq).downtime_hours, 4.0
        )
        self.assertAlmostEqual(self._months("2026-02-01").downtime_hours, 12.0)

    def test_the_year_stands_beside_the_target(self):
        self._outage(datetime(2026, 2, 10, 6, 0), datetime(2026, 2, 11, 6, 0))
        self.company.telephony_availability_target = 99.9
        year = self._months("2026-01-01", period_type="year")
        self.assertAlmostEqual(year.period_hours, 8760.0)
        self.assertAlmostEqual(year.downtime_hours, 24.0)
        self.assertEqual(year.availability, round(100 * (1 - 24 / 8760), 3))
        self.assertEqual(year.target, 99.9)
        self.assertTrue(year.below_target)  # 99.726 % < 99.9 %
        self.assertEqual(
            year.availability,
            self.env["telephony.outage"]._availability(
                date(2026, 1, 1), date(2026, 12, 31)
            ),
        )

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
