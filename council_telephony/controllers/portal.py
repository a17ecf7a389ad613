from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class TelephonyCustomerPortal(CustomerPortalHelpdesk):
    @http.route()
    def portal_my_tickets(
        self, sortby=None, groupby=None, date_begin=None, date_end=None, **kw
    ):
        # helpdesk_mgmt answers an unknown sort or grouping, or a date that is
        # not one, with a server error: they are ignored instead.
        if sortby not in self._ticket_get_searchbar_sortings():
            sortby = None
        if groupby not in self._ticket_get_searchbar_groupby():
            groupby = None
        try:
            fields.Datetime.to_datetime(date_begin)
            fields.Datetime.to_datetime(date_end)
        except ValueError:
            date_begin = date_end = None
        response = super().portal_my_tickets(
            sortby=sortby,
            groupby=groupby,
            date_begin=date_begin,
            date_end=date_end,
            **kw,
        )
        filters = response.qcontext.get("searchbar_filters") or {}
        if "all" in filters:
            filters["all"]["label"] = request.env._("All")
        return response

    # helpdesk_mgmt's words on the list of tickets, said here so that they
    # read in Hebrew: Odoo looks up a Python message in the files of the addon
    # whose code says it, and helpdesk_mgmt ships no Hebrew.

    def _ticket_get_searchbar_sortings(self):
        return self._telephony_relabel(
            super()._ticket_get_searchbar_sortings(),
            {
                "date": request.env._("Newest"),
                "name": request.env._("Title"),
                "stage": request.env._("Stage"),
                "update": request.env._("Last Stage Update"),
            },
        )

    def _ticket_get_searchbar_groupby(self):
        return self._telephony_relabel(
            super()._ticket_get_searchbar_groupby(),
            {
                "none": request.env._("None"),
                "category": request.env._("Kind of fault"),
                "stage": request.env._("Stage"),
            },
        )

    def _ticket_get_searchbar_inputs(self):
        return self._telephony_relabel(
            super()._ticket_get_searchbar_inputs(),
            {
                "all": request.env._("Search in All"),
                "number": request.env._("Search in Number"),
                "name": request.env._("Search in Title"),
            },
        )

    @staticmethod
    def _telephony_relabel(options, labels):
        for key, label in labels.items():
            if key in options:
                options[key]["label"] = label
        return options

    @http.route()
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        # helpdesk_mgmt gives every file of the ticket a download token on
        # each view of the page, the IT division's too (and again after it was
        # revoked). Here only the files the page lists get one (C20).
        try:
            ticket_sudo = self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._ticket_get_page_view_values(ticket_sudo, access_token, **kw)
        for attachment in values["ticket_attachments"]:
            attachment.generate_access_token()
        return request.render("helpdesk_mgmt.portal_helpdesk_ticket_page", values)

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        # helpdesk_mgmt lists every file of the ticket, read as superuser: the
        # IT division's too. The reporter's page lists the reporter's files.
        attachments = ticket.attachment_ids
        values["ticket_attachments"] = (
            attachments - attachments._helpdesk_internal_files()
        )
        values["telephony_progress"] = self._telephony_progress(ticket)
        return values

    def _telephony_progress(self, ticket):
        """4.3.7: what the reporter of a phone fault may know of its handling:
        the vendor that has it, the vendor's reference and promised time, and
        once closed, how it was handled. Read as superuser, these fields only:
        the ticket's internal fields stay the IT division's."""
        if not ticket.is_telephony:
            return {}
        ticket = ticket.sudo()
        call = ticket.vendor_call_ids.filtered(lambda c: c.state != "cancelled")[:1]
        return {
            "vendor": (call.vendor_id or ticket.telephony_vendor_id).name or "",
            "reference": call.vendor_reference or "",
            "promised_at": call.promised_at,
            "resolution": ticket.closed and ticket.resolution_summary or "",
        }
