"""E-mails queued by the telephony procedure go out within a minute."""


def wake(env):
    """Have the e-mails just queued (``send_mail(force_send=False)``) sent
    soon: Odoo's e-mail queue otherwise sends them at its hourly run, and a
    vendor's service request (4.3.3) or a 3-hour warning (4.3.4) cannot wait
    an hour. Sending stays out of the user's request; call once per
    transaction, as each call wakes the scheduler anew."""
    env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
