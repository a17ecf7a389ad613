from odoo import models
from odoo.exceptions import AccessError


class TelephonyMeasuredGuard(models.AbstractModel):
    """C23: the moments the council's figures are measured by (received,
    vendor call opened, responded, met, resolved, informed, warned, notified)
    are recorded by the system, not by the people they measure. The form
    shows them read-only, but a client may send any field over RPC: the
    models refuse them here. Only the system (superuser) writes them; a
    correction is the IT manager's, with a reason
    (``telephony.moment.correction``)."""

    _name = "telephony.measured.guard"
    _description = "Moments recorded by the system"

    # Names of the fields the system records, set by each model.
    _telephony_measured = frozenset()

    def _telephony_check_measured(self, vals_list, creating=False):
        """Refuse measured moments given by a client: in the values, or, to
        create, as ``default_`` keys of the context, which create applies."""
        if self.env.su:
            return
        given = set()
        if creating:
            given = {
                key[len("default_") :]
                for key in self.env.context
                if key.startswith("default_")
            }
        for vals in vals_list:
            given |= vals.keys()
        measured = sorted(given & self._telephony_measured)
        if measured:
            raise AccessError(
                self._telephony_measured_message(
                    ", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in measured
                    )
                )
            )

    def _telephony_measured_message(self, fields):
        return self.env._(
            "%(fields)s: recorded by the system, not by hand. A wrong time is "
            "corrected by the IT manager, with the reason (Correct a time).",
            fields=fields,
        )
