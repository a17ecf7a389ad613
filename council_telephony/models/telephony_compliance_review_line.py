from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class TelephonyComplianceReviewLine(models.Model):
    """A checklist line of a compliance review (4.2.4): a term of the tender
    with its measured figures, or an item the IT manager checks by hand."""

    _name = "telephony.compliance.review.line"
    _description = "Compliance review checklist line"
    _inherit = ["telephony.measured.guard"]
    _order = "review_id, sequence, id"
    # Measured from the data, with the penalties the contract sets (4.2.4).
    _telephony_measured = frozenset(
        {
            "call_count",
            "within_count",
            "beyond_count",
            "pending_count",
            "within_share",
            "median_hours",
            "p90_hours",
            "availability",
            "penalty",
        }
    )

    review_id = fields.Many2one(
        comodel_name="telephony.compliance.review",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(compute="_compute_sequence", store=True, readonly=False)
    term = fields.Selection(
        selection=[
            ("response", "Response time"),
            ("repair", "Repair time"),
            ("availability", "Availability"),
            ("other", "Other term"),
        ],
        required=True,
        default="other",
    )
    name = fields.Char(
        string="Description", help="What is checked, for a term checked by hand."
    )
    target = fields.Float(
        help="The contract's term: working hours for response and repair, % for "
        "availability."
    )
    call_count = fields.Integer(
        string="Calls judged",
        help="Calls opened in the period that were answered (or repaired), or "
        "are already past the term.",
    )
    within_count = fields.Integer(string="Within the term")
    beyond_count = fields.Integer(string="Beyond the term")
    pending_count = fields.Integer(
        string="Still running", help="Open calls whose time has not run out yet."
    )
    within_share = fields.Float(
        string="Within the term (%)", compute="_compute_within_share", store=True
    )
    median_hours = fields.Float(string="Median (working hours)")
    p90_hours = fields.Float(string="90th percentile (working hours)")
    availability = fields.Float(string="Availability (%)", digits=(5, 3))
    passed = fields.Boolean(string="Complies")
    currency_id = fields.Many2one(related="review_id.currency_id")
    penalty = fields.Monetary()
    note = fields.Char()

    @api.depends("term")
    def _compute_sequence(self):
        order = {"response": 1, "repair": 2, "availability": 3, "other": 10}
        for line in self:
            line.sequence = order[line.term]

    @api.depends("call_count", "within_count")
    def _compute_within_share(self):
        for line in self:
            line.within_share = (
                100.0 * line.within_count / line.call_count if line.call_count else 0.0
            )

    @api.constrains("term", "name")
    def _check_name(self):
        if any(line.term == "other" and not line.name for line in self):
            raise ValidationError(self.env._("Describe the term checked by hand."))

    @api.model_create_multi
    def create(self, vals_list):
        self.env["telephony.compliance.review"].browse(
            [vals.get("review_id") for vals in vals_list]
        )._check_draft()
        self._telephony_check_measured(vals_list, creating=True)
        if not self.env.su and any(
            vals.get("term", "other") != "other" for vals in vals_list
        ):
            raise AccessError(self._telephony_measured_message())
        lines = super().create(vals_list)
        lines.review_id._check_draft()
        return lines

    def write(self, vals):
        # The review it leaves and the one it would join.
        reviews = self.review_id | self.review_id.browse(vals.get("review_id"))
        reviews._check_draft()
        self._telephony_check_measured([vals])
        if not self.env.su and (
            "term" in vals
            or ("passed" in vals and any(line.term != "other" for line in self))
        ):
            raise AccessError(self._telephony_measured_message())
        return super().write(vals)

    def _telephony_measured_message(self, fields=None):
        return self.env._(
            "The response, repair and availability lines are measured from the "
            "data (Measure again); only the terms checked by hand are ticked by "
            "hand."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self.review_id._check_draft()
