from odoo import Command
from odoo.exceptions import UserError, ValidationError

from .common import TelephonyCase


class TestTraining(TelephonyCase):
    """C16, 4.2.6: sessions, attendance, each employee's history and who is
    not trained yet on the device they use."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_model = cls.env["telephony.device.model"].create(
            {"name": "T208M test", "manufacturer": "Tadiran"}
        )
        cls.colleague = cls.env["hr.employee"].create(
            {"name": "Employee Two", "user_id": cls.employee2.id}
        )
        cls.env["telephony.extension"].create(
            [
                # Two extensions on one model: one row for the colleague.
                {
                    "number": "4102",
                    "employee_id": cls.colleague.id,
                    "device_model_id": cls.device_model.id,
                },
                {
                    "number": "4103",
                    "employee_id": cls.colleague.id,
                    "device_model_id": cls.device_model.id,
                },
                {
                    "number": "4104",
                    "employee_id": cls.holder.id,
                    "device_model_id": cls.other_model.id,
                },
            ]
        )

    def _session(self, model=None, user=None, **vals):
        return (
            self.env["telephony.training.session"]
            .with_user(user or self.agent)
            .create(
                {
                    "name": "Your desk phone",
                    "device_model_id": (model or self.device_model).id,
                    "date": "2026-03-10",
                    **vals,
                }
            )
        )

    def _untrained(self, model=None):
        gaps = self.env["telephony.training.gap"].search(
            [("device_model_id", "=", (model or self.device_model).id)]
        )
        return {gap.employee_id: gap.numbers for gap in gaps}

    def _attend(self, session, employee, state="attended"):
        session.attendance_ids = [
            Command.create({"employee_id": employee.id, "state": state})
        ]

    def test_who_is_not_trained_on_the_device_they_use(self):
        self.assertEqual(
            self._untrained(),
            {self.holder: "4101", self.colleague: "4102, 4103"},
        )
        self.assertEqual(self._untrained(self.other_model), {self.holder: "4104"})
        session = self._session()
        self._attend(session, self.holder)
        self._attend(session, self.colleague, "absent")
        # Attendance counts once the session is held.
        self.assertIn(self.holder, self._untrained())
        session.action_done()
        self.assertEqual(self._untrained(), {self.colleague: "4102, 4103"})
        # Trained on one model is not trained on the other.
        self.assertEqual(self._untrained(self.other_model), {self.holder: "4104"})

    def test_a_function_session_trains_no_device(self):
        session = self._session(device_model_id=False, function="Voicemail")
        self._attend(session, self.holder)
        session.action_done()
        self.assertIn(self.holder, self._untrained())

    def test_archived_extensions_need_no_training(self):
        self.env["telephony.extension"].search(
            [("number", "in", ("4102", "4103"))]
        ).action_archive()
        self.assertEqual(self._untrained(), {self.holder: "4101"})

    def test_invite_the_untrained(self):
        session = self._session()
        self._attend(session, self.holder, "invited")
        session.action_invite_untrained()
        self.assertEqual(
            session.attendance_ids.employee_id, self.holder | self.colleague
        )
        session.action_invite_untrained()
        self.assertEqual(len(session.attendance_ids), 2)
        self.assertEqual(session.invited_count, 2)

    def test_holding_needs_everyone_marked(self):
        session = self._session()
        session.action_invite_untrained()
        with self.assertRaisesRegex(UserError, "Employee One"):
            session.action_done()
        self.assertEqual(session.state, "planned")
        session.attendance_ids.action_attended()
        session.action_done()
        self.assertEqual(session.attended_count, 2)

    def test_a_session_is_on_a_device_or_a_function(self):
        with self.assertRaises(ValidationError) as caught:
            self._session(device_model_id=False)
        self.assertIn("device model or a function", str(caught.exception))

    def test_each_employee_sees_their_own_history(self):
        session = self._session()
        self._attend(session, self.holder)
        self._attend(session, self.colleague, "absent")
        session.action_done()
        other = self._session(self.other_model, name="Conference calls")
        self._attend(other, self.colleague)
        history = self.env["telephony.training.attendance"].with_user(self.employee)
        self.assertEqual(history.search([]).session_id, session)
        self.assertEqual(history.search([]).state, "attended")
        sessions = self.env["telephony.training.session"].with_user(self.employee)
        self.assertEqual(sessions.search([]), session)
        # On the employees' profiles: their own history, not a colleague's.
        profiles = self.env["hr.employee.public"].with_user(self.employee)
        self.assertEqual(
            profiles.browse(self.holder.id).telephony_training_ids.topic,
            "Your desk phone",
        )
        self.assertFalse(profiles.browse(self.colleague.id).telephony_training_ids)
        # IT sees everyone's (in its own request: the cache is per transaction).
        self.env.invalidate_all()
        staff = self.env["hr.employee.public"].with_user(self.agent)
        self.assertEqual(len(staff.browse(self.colleague.id).telephony_training_ids), 2)

    def test_invitees_get_the_session_and_a_calendar_event(self):
        """4.2.6: inviting tells each invitee, in their language, with the
        session as a calendar event; who cannot be e-mailed is named."""
        self._enable_hebrew()
        self.employee.lang = "he_IL"
        nobody = self.env["hr.employee"].create({"name": "No Mail"})
        self.env["telephony.extension"].create(
            {
                "number": "4105",
                "employee_id": nobody.id,
                "device_model_id": self.device_model.id,
            }
        )
        session = self._session(function="Call transfer")
        session.action_invite_untrained()
        self.assertEqual(session.invited_count, 3)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "telephony.training.attendance"),
                ("res_id", "in", session.attendance_ids.ids),
            ]
        )
        self.assertEqual(
            mails.recipient_ids, (self.employee | self.employee2).partner_id
        )
        hebrew = mails.filtered(lambda m: m.recipient_ids == self.employee.partner_id)
        self.assertIn("הזמנה להדרכת טלפוניה", hebrew.subject)
        self.assertIn("10/03/2026", hebrew.subject)
        self.assertIn("T207M test", hebrew.body_html)
        english = mails - hebrew
        self.assertIn("Invitation to a telephony training", english.subject)
        for mail in mails:
            event = mail.attachment_ids
            self.assertEqual(event.mimetype, "text/calendar")
            self.assertTrue(event.name.endswith(".ics"))
            text = event.raw.decode()
            self.assertIn("BEGIN:VEVENT", text)
            self.assertIn("DTSTART;VALUE=DATE:20260310", text)
            self.assertIn("DTEND;VALUE=DATE:20260311", text)
            self.assertIn("Your desk phone", text)
        self.assertIn(
            "SUMMARY:הדרכת טלפוניה: Your desk phone", hebrew.attachment_ids.raw.decode()
        )
        self.assertIn("No Mail", session.message_ids[0].body)
        # Inviting again tells nobody twice.
        session.action_invite_untrained()
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [
                    ("model", "=", "telephony.training.attendance"),
                    ("res_id", "in", session.attendance_ids.ids),
                ]
            ),
            2,
        )
