from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import localtime

# Decided by the review itself (its checklist, its closing), never by hand.
SYSTEM_FIELDS = {
    "state",
    "result",
    "penalty_total",
    "next_review_reminded",
    "vendor_id",
    "company_id",
}
# All a done review still lets move (4.2.4: the findings stand): the date of
# the next review, whose reminder is then due again.
MOVABLE_WHEN_DONE = {"next_review_date", "next_review_reminded"}


class TelephonyComplianceReview(models.Model):
    """A periodic review of a vendor's compliance with its contract's tender
    terms (4.2.4): a checklist line per term, the figures measured from vendor
    calls and outages, pass or fail, the penalties the contract provides, and
    the date of the next review.

    ============  =======================================================
    who           may
    ============  =======================================================
    IT manager    create, measure, close, delete while draft
    head          read (the annual report presents the results, 4.2.5)
    others        nothing
    ============  =======================================================
    """

    _name = "telephony.compliance.review"
    _description = "Vendor compliance review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    # === Fields === #

    contract_id = fields.Many2one(
        comodel_name="telephony.contract",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    vendor_id = fields.Many2one(related="contract_id.vendor_id", store=True)
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    date_start = fields.Date(
        string="From",
        compute="_compute_date_start",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="By default the day after the contract's last review, or the "
        "contract's start.",
    )
    date_end = fields.Date(
        string="To",
        compute="_compute_date_end",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="By default a quarter after the start, and no later than the "
        "contract's end.",
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Done")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many(
        comodel_name="telephony.compliance.review.line",
        inverse_name="review_id",
        string="Checklist",
        copy=False,
    )
    result = fields.Selection(
        selection=[("pass", "Complies"), ("fail", "Does not comply")],
        compute="_compute_result",
        store=True,
        tracking=True,
    )
    penalty_total = fields.Monetary(
        string="Penalties",
        compute="_compute_penalty_total",
        store=True,
        tracking=True,
    )
    conclusion = fields.Html(help="The IT manager's findings and what was agreed.")
    next_review_date = fields.Date(
        string="Next review",
        compute="_compute_next_review_date",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        help="The IT manager is reminded on this date. By default a quarter "
        "after this review's period; empty when the period reaches the "
        "contract's end.",
    )
    next_review_reminded = fields.Boolean(readonly=True, copy=False)

    _sql_constraints = [
        (
            "period_order",
            "CHECK (date_end >= date_start)",
            "A review period cannot end before it starts.",
        )
    ]

    # === Computes === #

    @api.depends("contract_id")
    def _compute_date_start(self):
        for review in self:
            contract = review.contract_id
            if not contract:
                continue
            last = self.search(
                [("contract_id", "=", contract.id), ("id", "not in", review.ids)],
                order="date_end desc",
                limit=1,
            )
            review.date_start = (
                last.date_end + relativedelta(days=1) if last else contract.date_start
            )

    @api.depends("date_start", "contract_id")
    def _compute_date_end(self):
        for review in self:
            if not review.date_start or not review.contract_id:
                continue
            quarter_end = review.date_start + relativedelta(months=3, days=-1)
            review.date_end = min(quarter_end, review.contract_id.date_end)

    @api.depends("date_end", "contract_id")
    def _compute_next_review_date(self):
        for review in self:
            # A quarter after the day that follows the period: 30.9 is followed
            # by 31.12, not 30.12.
            review.next_review_date = (
                review.date_end
                + relativedelta(days=1)
                + relativedelta(months=3, days=-1)
                if review.date_end and review.date_end < review.contract_id.date_end
                else False
            )

    @api.depends("line_ids.passed")
    def _compute_result(self):
        for review in self:
            if not review.line_ids:
                review.result = False
            elif all(review.line_ids.mapped("passed")):
                review.result = "pass"
            else:
                review.result = "fail"

    @api.depends("line_ids.penalty")
    def _compute_penalty_total(self):
        for review in self:
            review.penalty_total = sum(review.line_ids.mapped("penalty"))

    @api.depends("contract_id", "date_start", "date_end")
    def _compute_display_name(self):
        for review in self:
            review.display_name = self.env._(
                "%(contract)s: %(start)s to %(end)s",
                contract=review.contract_id.name or "",
                start=review.date_start or "",
                end=review.date_end or "",
            )

    # === Constraints === #

    @api.constrains("contract_id", "date_start", "date_end")
    def _check_period(self):
        for review in self:
            contract = review.contract_id
            if (
                review.date_start < contract.date_start
                or review.date_end > contract.date_end
            ):
                raise ValidationError(
                    self.env._(
                        "A review covers part of its contract's period: "
                        "%(start)s to %(end)s.",
                        start=contract.date_start,
                        end=contract.date_end,
                    )
                )
            overlapping = self.search(
                [
                    ("id", "!=", review.id),
                    ("contract_id", "=", contract.id),
                    ("date_start", "<=", review.date_end),
                    ("date_end", ">=", review.date_start),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "The review %(review)s already covers part of this "
                        "period: a period is reviewed once.",
                        review=overlapping.display_name,
                    )
                )

    # === CRUD === #

    @api.model_create_multi
    def create(self, vals_list):
        defaults = {
            key[len("default_") :]
            for key in self.env.context
            if key.startswith("default_")
        }
        for vals in vals_list:
            self._check_by_hand(vals.keys() | defaults)
        reviews = super().create(vals_list)
        reviews._measure()
        return reviews

    def write(self, vals):
        self._check_by_hand(vals.keys())
        thread_fields = (
            self.env["mail.thread"]._fields.keys()
            | self.env["mail.activity.mixin"]._fields.keys()
        )
        if vals.keys() - MOVABLE_WHEN_DONE - thread_fields:
            self._check_draft()
        if "next_review_date" in vals:
            vals["next_review_reminded"] = False
        return super().write(vals)

    def _check_by_hand(self, names):
        if not self.env.su and SYSTEM_FIELDS & names:
            raise AccessError(
                self.env._(
                    "A review's state, result and penalties come from its "
                    "checklist and from closing it (Close review), not from a "
                    "direct change."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if "done" in self.mapped("state"):
            raise UserError(self.env._("A done compliance review cannot be deleted."))

    # === Actions === #

    def action_measure(self):
        self._check_draft()
        self._measure()

    def action_done(self):
        """Measure once more and lock the findings (4.2.4)."""
        self._check_draft()
        today = fields.Date.context_today(self)
        if any(review.date_end >= today for review in self):
            raise UserError(
                self.env._(
                    "A review is closed once its period has ended: until then "
                    "its figures can still change."
                )
            )
        self._measure()
        self.sudo().write({"state": "done"})

    def _check_draft(self):
        if "done" in self.mapped("state"):
            raise UserError(
                self.env._("A done compliance review is locked: its findings stand.")
            )

    # === Business methods === #

    def _measure(self):
        """Replace the measured checklist lines with one per term of the
        contract, filled from the data; lines written by hand stay."""
        Line = self.env["telephony.compliance.review.line"]
        for review in self:
            contract = review.contract_id
            review.line_ids.filtered(lambda line: line.term != "other").unlink()
            values = []
            targets = {
                term: hours
                for term, hours in (
                    ("response", contract.response_hours),
                    ("repair", contract.repair_hours),
                )
                if hours
            }
            measured = review._measure_calls(targets)
            for term, target in targets.items():
                if target:
                    figures = measured[term]
                    beyond = figures["beyond_count"]
                    values.append(
                        {
                            "term": term,
                            "target": target,
                            "passed": not beyond,
                            "penalty": review._penalty(term, beyond),
                            **figures,
                        }
                    )
            if contract.availability_guarantee:
                target = contract.availability_guarantee
                # The vendor's own outages only (3.2, 4.2.4).
                availability = self.env["telephony.outage"]._availability(
                    review.date_start,
                    review.date_end,
                    contract.company_id,
                    contract.vendor_id,
                )
                shortfall = max(0.0, round(target - availability, 3))
                values.append(
                    {
                        "term": "availability",
                        "target": target,
                        "availability": availability,
                        "passed": not shortfall,
                        "penalty": review._penalty("availability", shortfall),
                    }
                )
            # The system measures; the reviewer does not write the figures.
            Line.sudo().create([{"review_id": review.id, **vals} for vals in values])

    def _penalty(self, term, units):
        """The contract's penalty rules for ``term`` applied to ``units``
        (calls beyond the term, or percentage points below the guarantee),
        each rule capped at its cap per review."""
        self.ensure_one()
        total = 0.0
        for rule in self.contract_id.penalty_ids.filtered(lambda r: r.term == term):
            amount = rule.amount * units
            total += min(amount, rule.cap) if rule.cap else amount
        return self.currency_id.round(total)

    def _period_utc(self):
        """The review's local dates as naive UTC bounds, end exclusive."""
        self.ensure_one()
        tz = self.company_id._telephony_tz()
        return (
            localtime.to_utc(tz, datetime.combine(self.date_start, time.min)),
            localtime.to_utc(
                tz, datetime.combine(self.date_end + relativedelta(days=1), time.min)
            ),
        )

    def _measure_calls(self, targets):
        """Response and repair figures of the vendor's calls opened in the
        period, against the contract's terms (``{term: hours}``, see
        ``telephony.vendor.call._telephony_measure``)."""
        self.ensure_one()
        start, end = self._period_utc()
        vendor = self.vendor_id.id
        figures = (
            self.env["telephony.vendor.call"]
            ._telephony_measure(
                self.company_id,
                start,
                end,
                {term: {vendor: hours} for term, hours in targets.items()},
            )
            .get(vendor, {})
        )
        keys = (
            "call_count",
            "within_count",
            "beyond_count",
            "pending_count",
            "median_hours",
            "p90_hours",
        )
        return {
            term: {key: figures.get(term, {}).get(key) or 0 for key in keys}
            for term in targets
        }

    @api.model
    def _cron_remind_next_reviews(self):
        """Daily, idempotent, catches up after downtime: remind the IT manager
        (4.2.4) of each next review that has come due, once, unless a later
        review of the contract has already been started; and of the first
        review of a contract in force, at the end of its first quarter."""
        today = fields.Date.context_today(self)
        due = self.search(
            [
                ("state", "=", "done"),
                ("next_review_date", "<=", today),
                ("next_review_reminded", "=", False),
                ("contract_id.state", "in", ("active", "ended")),
            ],
            order="next_review_date, id",
        )
        for review in due:
            started = self.search_count(
                [
                    ("contract_id", "=", review.contract_id.id),
                    ("date_start", ">", review.date_end),
                ]
            )
            if not started:
                self._remind(
                    review.contract_id,
                    review.next_review_date,
                    review.date_end + relativedelta(days=1),
                )
        due.write({"next_review_reminded": True})
        never_reviewed = self.env["telephony.contract"].search(
            [
                ("state", "=", "active"),
                ("compliance_review_ids", "=", False),
                ("first_review_reminded", "=", False),
                ("date_start", "<=", today),
            ]
        )
        for contract in never_reviewed:
            # The same date a review of the first quarter would give.
            first_due = contract.date_start + relativedelta(months=3, days=-1)
            if first_due <= today:
                self._remind(contract, first_due, contract.date_start)
                contract.first_review_reminded = True

    @api.model
    def _remind(self, contract, due, start):
        contract = contract._in_manager_lang()
        contract._telephony_remind_manager(
            contract.env._("Compliance review due on %s", due),
            contract.env._(
                "Review the compliance of %(vendor)s with contract "
                "%(contract)s from %(start)s (4.2.4).",
                vendor=contract.vendor_id.display_name,
                contract=contract.name,
                start=start,
            ),
        )
