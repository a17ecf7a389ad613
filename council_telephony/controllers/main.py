from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController


def _record_id(value):
    """The id a form sent, or 0 when it is not one: a forged or mangled
    parameter is refused, not answered with a server error."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class TelephonyTicketController(HelpdeskTicketController):
    """The portal's "new ticket" form with the phone-fault fields (4.3.1)."""

    def _get_categories(self, **kw):
        # 4.3.4-4.3.5: the telephony form offers the phone fault kinds only.
        return super()._get_categories(**kw).filtered("is_telephony")

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        # The reporter's own extensions and lines, offered as suggestions.
        values["telephony_extensions"] = (
            request.env["telephony.extension"]
            .sudo()
            .search([("user_id", "=", request.env.user.id)])
        )
        values["form"] = kw
        return values

    def _prepare_submit_ticket_vals(self, **kw):
        self._check_offered_choices(**kw)
        vals = super()._prepare_submit_ticket_vals(**kw)
        # Only what was typed: an empty field leaves the register's value.
        for field_name in ("telephony_number", "telephony_location"):
            value = (kw.get(field_name) or "").strip()
            if value:
                vals[field_name] = value
        return vals

    def _check_offered_choices(self, **kw):
        """helpdesk_mgmt creates the ticket as superuser with whatever
        category (and team) the form sent. Only what the form offers is
        accepted: not a hidden or archived fault kind, nor another company's."""
        if kw.get("category") and not self._offered_fault_kind(
            _record_id(kw["category"])
        ):
            raise ValidationError(
                request.env._("Choose the kind of fault from the list.")
            )
        # helpdesk_mgmt reads the team only when the portal offers teams.
        if (
            request.env.company.helpdesk_mgmt_portal_select_team
            and kw.get("team")
            and _record_id(kw["team"]) not in self._get_teams().ids
        ):
            raise ValidationError(request.env._("Choose the team from the list."))

    def _offered_fault_kind(self, category_id):
        """Whether the form offers the fault kind ``category_id``: one of the
        kinds helpdesk_mgmt's ``_get_categories`` searches (active, shown on
        the portal, of the reporter's current company or of none, and only
        when the portal offers kinds at all), and a phone fault (4.3.4-4.3.5).
        Read from the kind itself, which the report reads next anyway,
        rather than by searching every offered kind for each report; the
        companies' record rule applies as the reporter reads it."""
        category = request.env["helpdesk.ticket.category"].browse(category_id)
        try:
            return bool(
                request.env.user.company_id.helpdesk_mgmt_portal_select_category
                and category.active
                and category.show_in_portal
                and category.is_telephony
                and (
                    not category.company_id
                    or category.company_id == request.env.company
                )
            )
        except (AccessError, MissingError):
            # Another company's kind, or none at all.
            return False

    @http.route(methods=["POST"])
    def support_ticket_close(self, **kw):
        # helpdesk_mgmt closes any ticket by id, as superuser, from a GET link
        # that another site could make the reporter follow. Here it is a POST
        # with the CSRF token of the ticket's page; the reporter may close only
        # a ticket they can read, in a closing stage of its team, and never a
        # phone fault: the IT division closes those with how the fault was
        # handled (4.3.7).
        ticket = request.env["helpdesk.ticket"].browse(_record_id(kw.get("ticket_id")))
        if not ticket.exists() or not ticket.has_access("read") or ticket.is_telephony:
            return request.redirect("/my/tickets")
        # The closing stages the ticket's page offers (helpdesk_mgmt reads
        # them as superuser: the team may be hidden from the portal).
        stages = ticket.sudo().team_id._get_applicable_stages()
        if (
            _record_id(kw.get("stage_id"))
            not in stages.filtered("close_from_portal").ids
        ):
            return request.redirect(f"/my/ticket/{ticket.id}")
        return super().support_ticket_close(
            ticket_id=str(ticket.id), stage_id=str(_record_id(kw["stage_id"]))
        )

    @http.route()
    def submit_ticket(self, **kw):
        try:
            return super().submit_ticket(**kw)
        except ValidationError as error:
            # The request's transaction holds this report alone: undone
            # whole, nothing of it stays (cheaper for every report than a
            # savepoint around it).
            request.env.cr.rollback()
            values = self._get_create_new_ticket_values(**kw)
            values["error_message"] = error.args[0]
            return request.render("helpdesk_mgmt.portal_create_ticket", values)
