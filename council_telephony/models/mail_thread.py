from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import email_normalize

from ..tools import mail_intake


class MailThread(models.AbstractModel):
    """The mail gateway believes the mail, not the caller (C20, issue 13.4).

    ``message_process`` files a message as whoever its ``From:`` names, with
    the superuser's rights: it is the mail server's door (the fetchmail job,
    or ``odoo-mailgate`` with an administrator's key), never a user's. What the
    council's own mail server says of the sender (``Authentication-Results``),
    whether a machine wrote the message, and the moment it was sent are read
    here once, for the models that take the mail (``telephony_mail`` in the
    context of ``message_new`` and ``message_update``)."""

    _inherit = "mail.thread"

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        if not (self.env.su or self.env.user._is_system()):
            raise AccessError(
                self.env._(
                    "Incoming e-mail is read by the mail server's connection, "
                    "not by users: write to the telephony address instead."
                )
            )
        return super().message_process(
            model,
            message,
            custom_values=custom_values,
            save_original=save_original,
            strip_attachments=strip_attachments,
            thread_id=thread_id,
        )

    def _message_route_process(self, message, message_dict, routes):
        domain = mail_intake.email_domain(
            email_normalize(message_dict.get("email_from") or "", strict=False) or ""
        )
        company = self.env.company
        trusted = company.sudo().telephony_mail_trusted_server
        info = {
            "auto_reply": mail_intake.is_auto_reply(
                message, message_dict.get("subject")
            ),
            "domain": domain,
            "authenticated": domain
            in mail_intake.authenticated_domains(message, trusted),
            "sent_at": message_dict.get("date"),
        }
        routes = (
            self.env["helpdesk.ticket"]
            .sudo()
            ._telephony_mail_reroute(routes, message_dict, info)
        )
        return super(
            MailThread, self.with_context(telephony_mail=info)
        )._message_route_process(message, message_dict, routes)
