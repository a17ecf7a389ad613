def migrate(cr, version):
    """4.3.2: agents are now told of every new fault by the acknowledgment
    job. The faults reported before are known to them already: on the update
    that adds *Agents told at*, they are marked told when they were reported,
    so that the job does not announce them all again."""
    if not version:
        return
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'helpdesk_ticket' AND column_name = 'agents_told_at'"""
    )
    if cr.fetchone():
        return
    cr.execute(
        """
        ALTER TABLE helpdesk_ticket ADD COLUMN agents_told_at timestamp;
        UPDATE helpdesk_ticket SET agents_told_at = create_date;
        """
    )
