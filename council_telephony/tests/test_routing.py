from odoo.exceptions import AccessError

from .common import TelephonyCase


class TestRouting(TelephonyCase):
    def test_every_shipped_category_routes_to_its_vendor(self):
        expected = {
            self.cat_device: self.tadiran,  # 4.3.4
            self.cat_pbx: self.tadiran,  # 4.3.4
            self.cat_line_move: self.bezeq,  # 4.3.5
            self.cat_line_open: self.bezeq,  # 4.3.5
            self.cat_line_repair: self.bezeq,  # 4.3.5
            self.cat_other: self.env["telephony.vendor"],  # internal
        }
        for category, vendor in expected.items():
            ticket = self._ticket(category)
            self.assertEqual(ticket.telephony_vendor_id, vendor, category.name)
            self.assertEqual(ticket.team_id, self.team, category.name)
            self.assertTrue(ticket.is_telephony)
            self.assertRegex(ticket.number, r"^TEL/\d{4}/\d{5}$")

    def test_changing_category_reroutes(self):
        ticket = self._ticket(self.cat_pbx)
        ticket.category_id = self.cat_line_open
        self.assertEqual(ticket.telephony_vendor_id, self.bezeq)

    def test_phone_faults_follow_the_telephony_team_that_is_set_now(self):
        self.assertEqual(self._ticket().team_id, self.team)
        # The IT division moves phone faults to a new team of its own.
        new_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Telephony (new)", "is_telephony": True}
        )
        self.team.is_telephony = False
        self.assertEqual(self._ticket().team_id, new_team)

    def test_plain_helpdesk_tickets_keep_their_numbering(self):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Printer", "description": "<p>Jam</p>"}
        )
        self.assertFalse(ticket.is_telephony)
        self.assertFalse(ticket.number.startswith("TEL/"))

    def test_each_vendor_carries_its_channel(self):
        self.assertEqual(self.tadiran.channel_type, "email")
        self.assertTrue(self.tadiran.request_instructions)
        self.assertEqual(self.bezeq.channel_type, "phone")

    def test_only_the_it_manager_edits_routing_and_channels(self):
        self.cat_other.with_user(self.manager).telephony_vendor_id = self.tadiran
        self.tadiran.with_user(self.manager).request_email = "new@tadiran.test"
        self.assertEqual(self.cat_other.telephony_vendor_id, self.tadiran)
        for user in (self.agent, self.employee, self.head, self.treasury):
            with self.assertRaises(AccessError, msg=user.login):
                self.cat_pbx.with_user(user).telephony_vendor_id = self.bezeq
            with self.assertRaises(AccessError, msg=user.login):
                self.tadiran.with_user(user).request_email = "x@evil.test"
        self.assertEqual(self.cat_pbx.telephony_vendor_id, self.tadiran)
        self.assertEqual(self.tadiran.request_email, "new@tadiran.test")

    def test_a_helpdesk_manager_alone_cannot_reroute(self):
        helpdesk_manager = self.env["res.users"].create(
            {
                "name": "Helpdesk only",
                "login": "t_helpdesk_manager",
                "groups_id": [
                    (6, 0, [self.env.ref("helpdesk_mgmt.group_helpdesk_manager").id])
                ],
            }
        )
        with self.assertRaisesRegex(AccessError, "Only the IT manager"):
            self.cat_pbx.with_user(helpdesk_manager).telephony_vendor_id = self.bezeq
        self.cat_pbx.with_user(helpdesk_manager).name = "PBX"
        self.assertEqual(self.cat_pbx.name, "PBX")
