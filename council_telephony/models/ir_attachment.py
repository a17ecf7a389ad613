from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _helpdesk_internal_files(self):
        """The files among ``self`` that are the IT division's working papers
        on a ticket (C20): not the reporter's. A file of a ticket is the
        reporter's when the reporter sent it (the portal form, their own
        upload), when it came with a message the portal's chatter shows (a
        comment, reply or e-mail not marked internal: portal's
        ``website_message_ids`` and its ``mt_comment`` filter), or when it is
        published. Anything else — an internal note's file, a paperclip or
        RPC upload in the back office — is internal."""
        # In SQL only: reading the files through the ORM here, as superuser,
        # would put them in the cache, where the user's own reads would then
        # find them without the access check.
        if not self.ids:
            return self.browse()
        self.env["mail.message"].flush_model(
            ["attachment_ids", "is_internal", "message_type", "subtype_id"]
        )
        self.env["helpdesk.ticket"].flush_model(["partner_id"])
        self.flush_recordset(["res_model", "res_id", "public", "create_uid"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT file.id
                  FROM ir_attachment file
                  LEFT JOIN helpdesk_ticket ticket ON ticket.id = file.res_id
                  LEFT JOIN res_users sender ON sender.id = file.create_uid
                 WHERE file.id = ANY(%(ids)s)
                   AND file.res_model = 'helpdesk.ticket'
                   AND file.public IS NOT TRUE
                   AND sender.partner_id IS DISTINCT FROM ticket.partner_id
                   AND NOT EXISTS (
                       SELECT 1
                         FROM message_attachment_rel rel
                         JOIN mail_message message ON message.id = rel.message_id
                        WHERE rel.attachment_id = file.id
                          AND message.subtype_id = %(comment)s
                          AND message.message_type IN ('comment', 'email',
                                                       'email_outgoing')
                          AND message.is_internal IS NOT TRUE)
                """,
                ids=list(self.ids),
                comment=self.env.ref("mail.mt_comment").id,
            )
        )
        return self.browse(row[0] for row in rows)

    def _helpdesk_check_internal_files(self):
        """Only the helpdesk's agents and the head of council reach the IT
        division's files on a ticket, whoever else can read the ticket (the
        reporter) and whatever token they hold."""
        if self.env["helpdesk.ticket"]._telephony_reads_internal():
            return
        if self._helpdesk_internal_files():
            raise AccessError(
                self.env._("This file is the IT division's; it is not shared.")
            )

    @api.model
    def check(self, mode, values=None):
        res = super().check(mode, values=values)
        if self:
            self._helpdesk_check_internal_files()
        return res

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Reading a file goes through here (fetch): the reporter reads the
        # ticket, not the IT division's files on it.
        query = super()._search(domain, offset, limit, order)
        if self.env["helpdesk.ticket"]._telephony_reads_internal():
            return query
        files = self.browse(list(query))
        return (files - files._helpdesk_internal_files())._as_query(order)

    def validate_access(self, access_token):
        # A download token (helpdesk_mgmt once handed one out for every file
        # of the ticket) opens no internal file without logging in.
        self._helpdesk_check_internal_files()
        return super().validate_access(access_token)
