from odoo import models
from odoo.tools import SQL


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _helpdesk_internal_note_only(self):
        """The files among ``self`` posted on tickets in internal notes only:
        the agents' working papers. A file stays public when one of its
        messages is one the portal's chatter shows: a comment, reply or
        e-mail that is not marked internal (portal's ``website_message_ids``
        and its ``mt_comment`` filter)."""
        on_tickets = self.filtered(lambda a: a.res_model == "helpdesk.ticket")
        if not on_tickets:
            return self.browse()
        self.env["mail.message"].flush_model(
            ["attachment_ids", "is_internal", "message_type", "subtype_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT rel.attachment_id
                  FROM message_attachment_rel rel
                  JOIN mail_message message ON message.id = rel.message_id
                 WHERE rel.attachment_id = ANY(%(ids)s)
                 GROUP BY rel.attachment_id
                HAVING NOT bool_or(
                           message.subtype_id = %(comment)s
                           AND message.message_type IN ('comment', 'email',
                                                        'email_outgoing')
                           AND message.is_internal IS NOT TRUE)
                """,
                ids=on_tickets.ids,
                comment=self.env.ref("mail.mt_comment").id,
            )
        )
        return self.browse(row[0] for row in rows)
