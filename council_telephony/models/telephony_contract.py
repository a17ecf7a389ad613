from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TelephonyContract(models.Model):
    """A vendor's contract under a tender: its period, the service terms the
    vendor committed to and the penalties for missing them (4.1.3, 4.2.4).
    Budgets (4.2.1), compliance reviews (4.2.4) and vendor bills hang on it."""

    _name = "telephony.contract"
    _description = "Telephony vendor contract"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Tender reference", required=True, tracking=True)
    vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("active", "In force"),
            ("ended", "Ended"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
    )
    response_hours = fields.Float(
        string="Response time (working hours)",
        tracking=True,
        help="The longest time the tender allows from a service call to the "
        "vendor's response, in working hours of the council's calendar.",
    )
    repair_hours = fields.Float(
        string="Repair time (working hours)",
        tracking=True,
        help="The longest time the tender allows from a service call to the repair.",
    )
    availability_guarantee = fields.Float(
        string="Guaranteed availability (%)",
        tracking=True,
        help="The share of time the vendor guarantees the system is available.",
    )
    price_ids = fields.One2many(
        comodel_name="telephony.contract.price",
        inverse_name="contract_id",
        string="Unit prices",
        copy=True,
    )
    penalty_ids = fields.One2many(
        comodel_name="telephony.contract.penalty",
        inverse_name="contract_id",
        string="Penalty rules",
        copy=True,
    )
    document_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Documents",
        help="The signed contract, the tender and its appendices.",
    )
    terms_note = fields.Html(string="Other terms")
    reminder_days = fields.Integer(
        string="Remind before the end (days)",
        default=60,
        help="The IT manager is reminded this many days before the contract ends.",
    )
    end_reminded_on = fields.Date(readonly=True, copy=False)
    budget_reminded_year = fields.Integer(readonly=True, copy=False)
    # A contract never reviewed: its first review was reminded (4.2.4).
    first_review_reminded = fields.Boolean(readonly=True, copy=False)
    budget_ids = fields.One2many(
        comodel_name="telephony.budget", inverse_name="contract_id", string="Budgets"
    )
    budget_count = fields.Integer(compute="_compute_budget_count")
    compliance_review_ids = fields.One2many(
        comodel_name="telephony.compliance.review",
        inverse_name="contract_id",
        string="Compliance reviews",
    )
    compliance_review_count = fields.Integer(compute="_compute_compliance_review_count")

    _sql_constraints = [
        (
            "period_order",
            "CHECK (date_end >= date_start)",
            "A contract cannot end before it starts.",
        ),
        (
            "terms_not_negative",
            "CHECK (response_hours >= 0 AND repair_hours >= 0 "
            "AND availability_guarantee >= 0 AND availability_guarantee <= 100 "
            "AND reminder_days >= 0)",
            "Service terms cannot be negative, and availability is at most 100%.",
        ),
    ]

    @api.depends("budget_ids")
    def _compute_budget_count(self):
        counts = dict(
            self.env["telephony.budget"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.budget_count = counts.get(contract, 0)

    @api.depends("compliance_review_ids")
    def _compute_compliance_review_count(self):
        for contract in self:
            contract.compliance_review_count = len(contract.compliance_review_ids)

    @api.constrains("vendor_id", "date_start", "date_end", "state")
    def _check_no_overlap(self):
        """One contract in force per vendor at a time, so that a bill finds
        its contract by its date without ambiguity."""
        for contract in self.filtered(lambda c: c.state in ("active", "ended")):
            overlapping = self.search_count(
                [
                    ("id", "!=", contract.id),
                    ("vendor_id", "=", contract.vendor_id.id),
                    ("company_id", "=", contract.company_id.id),
                    ("state", "in", ("active", "ended")),
                    ("date_start", "<=", contract.date_end),
                    ("date_end", ">=", contract.date_start),
                ]
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(vendor)s already has a contract in force between "
                        "%(start)s and %(end)s.",
                        vendor=contract.vendor_id.display_name,
                        start=contract.date_start,
                        end=contract.date_end,
                    )
                )

    @api.model
    def _for_vendor_on(self, vendor, day, company):
        """The vendor's contract in force on ``day``, if any."""
        return self.search(
            [
                ("vendor_id", "=", vendor.id),
                ("company_id", "=", company.id),
                ("state", "in", ("active", "ended")),
                ("date_start", "<=", day),
                ("date_end", ">=", day),
            ],
            limit=1,
        )

    def action_activate(self):
        self.write({"state": "active"})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_reset_draft(self):
        self.write({"state": "draft"})

    def action_view_budgets(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "council_telephony.telephony_budget_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    def action_view_compliance_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "council_telephony.telephony_compliance_review_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    def _telephony_remind_manager(self, summary, note):
        """An activity for the IT manager; the texts are built by the callers in
        the manager's language (``_in_manager_lang``)."""
        self.ensure_one()
        manager = self.company_id.telephony_manager_id
        if manager:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=manager.id,
            )

    def _in_manager_lang(self):
        self.ensure_one()
        return self.with_context(lang=self.company_id.telephony_manager_id.lang)

    @api.model
    def _cron_contract_reminders(self):
        """Daily, idempotent, catches up after downtime: end everything past its
        end date; remind the IT manager of contracts ending soon (4.2.4) and of
        contracts in force with no budget for the current year (4.2.1)."""
        today = fields.Date.context_today(self)
        self.search([("state", "=", "active"), ("date_end", "<", today)]).write(
            {"state": "ended"}
        )
        for contract in self.search(
            [("state", "=", "active"), ("end_reminded_on", "=", False)]
        ):
            if contract.date_end - timedelta(days=contract.reminder_days) <= today:
                local = contract._in_manager_lang()
                local._telephony_remind_manager(
                    local.env._("Contract ends on %s", contract.date_end),
                    local.env._(
                        "Decide on renewal or a new tender for %s.",
                        contract.vendor_id.display_name,
                    ),
                )
                contract.end_reminded_on = today
        in_force = self.search(
            [
                ("state", "=", "active"),
                ("date_start", "<=", today),
                ("budget_reminded_year", "!=", today.year),
            ]
        )
        budgeted = self.env["telephony.budget"].search(
            [("contract_id", "in", in_force.ids), ("year", "=", today.year)]
        )
        for contract in in_force - budgeted.contract_id:
            local = contract._in_manager_lang()
            local._telephony_remind_manager(
                local.env._("No budget for %s", today.year),
                local.env._(
                    "Set the %(year)s budget of the contract with %(vendor)s.",
                    year=today.year,
                    vendor=contract.vendor_id.display_name,
                ),
            )
            contract.budget_reminded_year = today.year
