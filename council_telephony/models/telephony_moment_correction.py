from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_datetime

# The moments the IT manager may correct, and on what: the ticket, or one of
# its vendor calls.
MOMENTS = {
    "received_at": ("helpdesk.ticket", "received_at"),
    "response_deadline": ("helpdesk.ticket", "response_deadline"),
    "telephony_resolved_at": ("helpdesk.ticket", "telephony_resolved_at"),
    "reporter_informed_at": ("helpdesk.ticket", "reporter_informed_at"),
    "call_opened_at": ("telephony.vendor.call", "opened_at"),
    "call_responded_at": ("telephony.vendor.call", "responded_at"),
    "call_resolved_at": ("telephony.vendor.call", "resolved_at"),
}
# A deadline may lie ahead; a moment something happened may not.
MAY_BE_AHEAD = {"response_deadline"}


class TelephonyMomentCorrection(models.Model):
    """C23: a measured moment corrected by the IT manager, with the reason.
    Creating the record makes the correction, through any door; it keeps who,
    when, the value before and after, and why, and cannot be changed or
    deleted. The corrected record's chatter shows it too.

    ============  =======================================================
    who           may
    ============  =======================================================
    IT manager    correct (create), read
    IT agent      read
    head          read
    ============  =======================================================
    """

    _name = "telephony.moment.correction"
    _description = "Correction of a measured time"
    _order = "corrected_at desc, id desc"
    _rec_name = "moment"
    _check_company_auto = True

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        domain=[("is_telephony", "=", True)],
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    vendor_call_id = fields.Many2one(
        comodel_name="telephony.vendor.call",
        string="Vendor call",
        ondelete="cascade",
        domain="[('ticket_id', '=', ticket_id)]",
        check_company=True,
    )
    moment = fields.Selection(
        selection=[
            ("received_at", "Received at"),
            ("response_deadline", "Vendor call due"),
            ("telephony_resolved_at", "Resolved at"),
            ("reporter_informed_at", "Reporter informed at"),
            ("call_opened_at", "Vendor call opened at"),
            ("call_responded_at", "Vendor responded at"),
            ("call_resolved_at", "Vendor call resolved at"),
        ],
        string="Time corrected",
        required=True,
    )
    current_value = fields.Datetime(
        string="Now recorded", compute="_compute_current_value"
    )
    old_value = fields.Datetime(string="Was", readonly=True)
    new_value = fields.Datetime(string="Corrected to", required=True)
    reason = fields.Text(required=True, help="Why the recorded time was wrong.")
    user_id = fields.Many2one(
        comodel_name="res.users", string="Corrected by", readonly=True
    )
    corrected_at = fields.Datetime(string="Corrected at", readonly=True)

    @api.depends("ticket_id", "vendor_call_id", "moment")
    def _compute_current_value(self):
        for correction in self:
            correction.current_value = correction._current()

    # === CRUD === #

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(
            "council_telephony.council_telephony_group_manager"
        ):
            raise AccessError(
                self.env._("Only the IT manager corrects a recorded time.")
            )
        now = fields.Datetime.now()
        for vals in vals_list:
            # Who, when and what it was are the system's.
            vals.update(
                {
                    "user_id": self.env.uid,
                    "corrected_at": now,
                    "old_value": self.new(vals)._current(),
                }
            )
        corrections = super().create(vals_list)
        for correction in corrections:
            correction._apply()
        return corrections

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A correction stands as it was made."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A correction stands as it was made."))

    # === Business methods === #

    def _target(self):
        """The record and field the correction is about."""
        self.ensure_one()
        if not self.moment:
            return None, None
        model, field = MOMENTS[self.moment]
        target = self.ticket_id if model == "helpdesk.ticket" else self.vendor_call_id
        return target, field

    def _current(self):
        """The value the corrected record holds."""
        target, field = self._target()
        return target[field] if target else False

    def _check_order(self, target, field):
        """A corrected time keeps the fault's times in their order: received,
        then the calls opened, then their response and resolution."""
        ticket, new = self.ticket_id, self.new_value
        calls = ticket.vendor_call_ids.filtered(lambda c: c.state != "cancelled")
        if field == "received_at":
            later = calls.mapped("opened_at")
        elif field == "opened_at":
            later = [target.responded_at, target.resolved_at]
        else:
            later = []
        if field == "opened_at":
            earlier = [ticket.received_at]
        elif field in ("responded_at", "resolved_at"):
            earlier = [target.opened_at]
        elif field != "received_at":
            earlier = [ticket.received_at]
        else:
            earlier = []
        if any(moment and moment > new for moment in earlier) or any(
            moment and moment < new for moment in later
        ):
            raise ValidationError(
                self.env._(
                    "The corrected time is out of order: a fault is received "
                    "before its vendor calls are opened, and a call is opened "
                    "before the vendor takes it up or resolves it."
                )
            )

    def _apply(self):
        self.ensure_one()
        target, field = self._target()
        if not target:
            raise ValidationError(
                self.env._("Choose the vendor call whose time is corrected.")
            )
        if self.vendor_call_id and self.vendor_call_id.ticket_id != self.ticket_id:
            raise ValidationError(
                self.env._("The vendor call must be one of the ticket's calls.")
            )
        if not (self.reason or "").strip():
            raise ValidationError(self.env._("Say why the time is corrected."))
        if self.moment not in MAY_BE_AHEAD and self.new_value > fields.Datetime.now():
            raise ValidationError(
                self.env._("A time something happened cannot be in the future.")
            )
        self._check_order(target, field)
        old = self.old_value
        if old == self.new_value:
            raise ValidationError(
                self.env._("The corrected time is the one already recorded.")
            )
        # The system writes measured moments; the chatter tracks the change.
        target.sudo().write({field: self.new_value})
        label = dict(self._fields["moment"]._description_selection(self.env))[
            self.moment
        ]
        body = self.env._(
            "%(moment)s corrected by %(user)s from %(old)s to %(new)s: %(reason)s",
            moment=label,
            user=self.env.user.name,
            old=format_datetime(self.env, old) if old else "-",
            new=format_datetime(self.env, self.new_value),
            reason=self.reason,
        )
        records = [self.ticket_id]
        if target._name != self.ticket_id._name:
            records.append(target)
        for record in records:
            record.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
