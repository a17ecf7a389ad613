import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    """A number's month is now stored once per company: a unique index, made
    by telephony.usage's ``init`` after this script. Files imported before
    18.0.1.1.0 could give a number twice in a month: those rows are merged
    into the first of them, their calls, minutes and cost summed, so that
    every total the reports show stays as it was."""
    cr.execute(
        """
        WITH twice AS (
            SELECT company_id, period, number, min(id) AS kept,
                   sum(calls) AS calls, sum(minutes) AS minutes, sum(cost) AS cost
              FROM telephony_usage
             GROUP BY company_id, period, number
            HAVING count(*) > 1
        ), summed AS (
            UPDATE telephony_usage u
               SET calls = t.calls, minutes = t.minutes, cost = t.cost
              FROM twice t
             WHERE u.id = t.kept
        )
        DELETE FROM telephony_usage u
         USING twice t
         WHERE u.company_id = t.company_id AND u.period = t.period
           AND u.number = t.number AND u.id <> t.kept
        """
    )
    if cr.rowcount:
        _logger.info("Merged %s usage rows that repeated a number's month", cr.rowcount)
