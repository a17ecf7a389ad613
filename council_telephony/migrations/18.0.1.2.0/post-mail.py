def migrate(cr, version):
    """4.3.2: agents are now told of every new fault by the acknowledgment
    job. The faults reported before are known to them already: marked told
    when they were reported, so that the job does not announce them all."""
    if not version:
        return
    cr.execute(
        """
        UPDATE helpdesk_ticket
           SET agents_told_at = create_date
         WHERE agents_told_at IS NULL
        """
    )
