from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Up to 18.0.1.0.0, helpdesk_mgmt's page of a ticket in the portal
    listed every file of the ticket with a download token, the files of the
    agents' internal notes too. The page now lists only what the reporter may
    see (controllers/portal.py); the tokens it handed out for internal files,
    which work for anyone holding the link, are revoked here."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    shared = env["ir.attachment"].search(
        [("res_model", "=", "helpdesk.ticket"), ("access_token", "!=", False)]
    )
    shared._helpdesk_internal_files().write({"access_token": False})
