from odoo.exceptions import AccessError

from .common import TelephonyCase

ROLES = ("employee", "employee2", "portal_user", "agent", "manager", "treasury", "head")


class TestAccess(TelephonyCase):
    """Every role on every model of the addon: what it may do, and what is
    refused (C20, 4.1.1, 4.1.2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._ticket(cls.cat_line_repair)
        cls.call = cls.env["telephony.vendor.call"].create(
            {
                "ticket_id": cls.ticket.id,
                "vendor_id": cls.bezeq.id,
                "channel_type": "phone",
            }
        )

    def _can(self, user, operation):
        """Run ``operation(user)``; True if it passed, False on AccessError.
        Whatever it did is rolled back."""
        try:
            with self.env.cr.savepoint(flush=True) as savepoint:
                operation(user)
                self.env.flush_all()
                savepoint.rollback()
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()

    def _check(self, expected, operations):
        for operation_name, operation in operations.items():
            allowed = expected.get(operation_name, ())
            for role in ROLES:
                user = getattr(self, role)
                with self.subTest(operation=operation_name, role=role):
                    self.assertEqual(
                        self._can(user, operation),
                        role in allowed,
                        f"{role} {operation_name}",
                    )

    def test_vendor(self):
        model = "telephony.vendor"
        self._check(
            {
                # Everyone sees who the vendors are; only IT and management
                # see how to reach them and the manager's rules (4.1.3, 4.2.7).
                "read": ("employee", "employee2", "agent", "manager", "head"),
                "read_details": ("agent", "manager", "head"),
                "create": ("manager",),
                "write": ("manager",),
                "unlink": ("manager",),
            },
            {
                "read": lambda u: self.tadiran.with_user(u).read(["name"]),
                "read_details": lambda u: self.tadiran.with_user(u).read(
                    [
                        "request_email",
                        "request_instructions",
                        "conduct_rules",
                        "management_contact_ids",
                    ]
                ),
                "create": lambda u: self.env[model].with_user(u).create({"name": "V"}),
                "write": lambda u: self.tadiran.with_user(u).write(
                    {"request_phone": "1"}
                ),
                "unlink": lambda u: self.env[model]
                .create({"name": "W"})
                .with_user(u)
                .unlink(),
            },
        )

    def test_device_model(self):
        model = "telephony.device.model"
        self._check(
            {
                "read": ("employee", "employee2", "agent", "manager", "head"),
                "create": ("agent", "manager"),
                "write": ("agent", "manager"),
                "unlink": ("manager",),
            },
            {
                "read": lambda u: self.device_model.with_user(u).read(["name"]),
                "create": lambda u: self.env[model].with_user(u).create({"name": "N"}),
                "write": lambda u: self.device_model.with_user(u).write({"name": "M"}),
                "unlink": lambda u: self.env[model]
                .create({"name": "X"})
                .with_user(u)
                .unlink(),
            },
        )

    def test_register(self):
        model = "telephony.extension"
        self._check(
            {
                # The holder sees their own extension, not the others'.
                "read": ("employee", "agent", "manager", "head"),
                "create": ("agent", "manager"),
                "write": ("agent", "manager"),
                "unlink": ("manager",),
            },
            {
                "read": lambda u: self.extension.with_user(u).read(["number"]),
                "create": lambda u: self.env[model]
                .with_user(u)
                .create({"number": "3999"}),
                "write": lambda u: self.extension.with_user(u).write(
                    {"location": "Annex"}
                ),
                "unlink": lambda u: self.env[model]
                .create({"number": "3998"})
                .with_user(u)
                .unlink(),
            },
        )

    def test_vendor_call(self):
        model = "telephony.vendor.call"
        self._check(
            {
                "read": ("agent", "manager", "head"),
                "create": ("agent", "manager"),
                "write": ("agent", "manager"),
                "unlink": ("manager",),
            },
            {
                "read": lambda u: self.call.with_user(u).read(["vendor_reference"]),
                "create": lambda u: self.env[model]
                .with_user(u)
                .create(
                    {
                        "ticket_id": self.ticket.id,
                        "vendor_id": self.tadiran.id,
                        "channel_type": "phone",
                    }
                ),
                "write": lambda u: self.call.with_user(u).write(
                    {"vendor_reference": "R"}
                ),
                "unlink": lambda u: self.call.with_user(u).unlink(),
            },
        )

    def test_open_call_wizard(self):
        self._check(
            {"create": ("agent", "manager")},
            {
                "create": lambda u: self.env["telephony.vendor.call.open"]
                .with_user(u)
                .create({"ticket_id": self.ticket.id, "vendor_id": self.bezeq.id}),
            },
        )

    def test_telephony_ticket(self):
        # The ticket was reported by "employee": employees see their own reports only.
        self._check(
            {
                "read": ("employee", "agent", "manager", "head"),
                "write": ("agent", "manager"),
                "unlink": ("manager",),
            },
            {
                "read": lambda u: self.ticket.with_user(u).read(["telephony_number"]),
                "write": lambda u: self.ticket.with_user(u).write(
                    {"telephony_location": "B"}
                ),
                "unlink": lambda u: self._ticket(self.cat_pbx).with_user(u).unlink(),
            },
        )

    def test_agents_see_the_telephony_teams_tickets_only(self):
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Facilities"})
        other = self.env["helpdesk.ticket"].create(
            {"name": "Leak", "description": "<p>Leak</p>", "team_id": other_team.id}
        )
        tickets = self.env["helpdesk.ticket"].with_user(self.agent)
        self.assertIn(self.ticket, tickets.search([]))
        self.assertNotIn(other, tickets.search([]))

    def test_portal_employees_of_one_council_see_only_their_own(self):
        council = self.env["res.partner"].create(
            {"name": "Council", "is_company": True}
        )
        self.portal_user.partner_id.parent_id = council
        colleague = self.env["res.users"].create(
            {
                "name": "Colleague",
                "login": "t_colleague",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        colleague.partner_id.parent_id = council
        mine = self._ticket(self.cat_pbx, user=self.portal_user)
        theirs = self._ticket(self.cat_pbx, user=colleague)
        visible = self.env["helpdesk.ticket"].with_user(self.portal_user).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)

    def test_compliance_review(self):
        # 4.2.4: the IT manager's; the head of council reads the results
        # presented in the annual report (4.2.5).
        model = "telephony.compliance.review"
        contract = self.env["telephony.contract"].create(
            {
                "name": "Tender 1/2026",
                "vendor_id": self.env["telephony.vendor"].create({"name": "V"}).id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "response_hours": 4,
            }
        )
        review = self.env[model].create(
            {"contract_id": contract.id, "date_start": "2026-01-01"}
        )
        line = review.line_ids
        self._check(
            {
                "read": ("manager", "head"),
                "create": ("manager",),
                "write": ("manager",),
                "unlink": ("manager",),
                "read_line": ("manager", "head"),
                "create_line": ("manager",),
                "write_line": ("manager",),
                "unlink_line": ("manager",),
            },
            {
                "read": lambda u: review.with_user(u).read(["penalty_total"]),
                "create": lambda u: self.env[model]
                .with_user(u)
                .create({"contract_id": contract.id, "date_start": "2026-07-01"}),
                "write": lambda u: review.with_user(u).write(
                    {"conclusion": "<p>OK</p>"}
                ),
                "unlink": lambda u: review.with_user(u).unlink(),
                "read_line": lambda u: line.with_user(u).read(["median_hours"]),
                "create_line": lambda u: line.with_user(u).create(
                    {"review_id": review.id, "name": "Meeting held"}
                ),
                "write_line": lambda u: line.with_user(u).write({"note": "N"}),
                "unlink_line": lambda u: line.with_user(u).unlink(),
            },
        )

    def test_training(self):
        # 4.2.6: IT trains; an employee reads their own sessions and history.
        session = self.env["telephony.training.session"].create(
            {"name": "Desk phone", "device_model_id": self.device_model.id}
        )
        attendance = self.env["telephony.training.attendance"].create(
            {"session_id": session.id, "employee_id": self.holder.id}
        )
        other = self.env["hr.employee"].create({"name": "Other"})
        self._check(
            {
                "read": ("employee", "agent", "manager", "head"),
                "create": ("agent", "manager"),
                "write": ("agent", "manager"),
                "unlink": ("manager",),
                "read_attendance": ("employee", "agent", "manager", "head"),
                "create_attendance": ("agent", "manager"),
                "write_attendance": ("agent", "manager"),
                "unlink_attendance": ("agent", "manager"),
                "read_untrained": ("agent", "manager", "head"),
            },
            {
                "read": lambda u: session.with_user(u).read(["name", "material_ids"]),
                "create": lambda u: self.env["telephony.training.session"]
                .with_user(u)
                .create({"name": "Voicemail", "function": "Voicemail"}),
                "write": lambda u: session.with_user(u).write({"name": "T"}),
                "unlink": lambda u: session.with_user(u).unlink(),
                "read_attendance": lambda u: attendance.with_user(u).read(["state"]),
                "create_attendance": lambda u: attendance.with_user(u).create(
                    {"session_id": session.id, "employee_id": other.id}
                ),
                "write_attendance": lambda u: attendance.with_user(u).write(
                    {"state": "attended"}
                ),
                "unlink_attendance": lambda u: attendance.with_user(u).unlink(),
                "read_untrained": lambda u: self.env["telephony.training.gap"]
                .with_user(u)
                .search_read([], ["employee_id"]),
            },
        )
