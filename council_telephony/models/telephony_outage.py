from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

from ..tools import localtime


class TelephonyOutage(models.Model):
    """A time the telephony service was down, in whole or in part (3.2). The
    availability the council reports is computed from these records."""

    _name = "telephony.outage"
    _description = "Telephony outage"
    _inherit = ["mail.thread"]
    _order = "start desc, id desc"
    _rec_name = "cause"
    _check_company_auto = True

    cause = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    start = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    end = fields.Datetime(tracking=True, help="Empty while the outage goes on.")
    scope = fields.Selection(
        selection=[
            ("system", "Whole system"),
            ("site", "A site"),
            ("extensions", "Some extensions"),
        ],
        required=True,
        default="system",
        tracking=True,
    )
    site = fields.Char(help="The building or site that lost service.")
    extension_ids = fields.Many2many(
        comodel_name="telephony.extension", string="Extensions", check_company=True
    )
    affected_share = fields.Float(
        string="Affected (%)",
        compute="_compute_affected_share",
        store=True,
        readonly=False,
        help="The share of the service that was down: 100 for the whole system; "
        "for some extensions, their share of the register.",
    )
    planned = fields.Boolean(
        help="Planned maintenance, announced in advance: not counted against "
        "availability."
    )
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", check_company=True)
    vendor_call_id = fields.Many2one(
        comodel_name="telephony.vendor.call", string="Vendor call", check_company=True
    )
    vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        compute="_compute_vendor_id",
        check_company=True,
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Whose outage it is (4.2.4): the vendor of its vendor call, else "
        "the vendor its fault is routed to, or as chosen. A vendor's "
        "availability counts its own outages only. Empty: the IT division's.",
    )
    duration_hours = fields.Float(
        string="Duration (hours)", compute="_compute_duration_hours"
    )
    overlap_warning = fields.Text(
        string="Overlapping outages",
        compute="_compute_overlap_warning",
        help="Other outages of the same part of the service at the same time: "
        "the time they share counts once.",
    )

    @api.depends("scope", "extension_ids")
    def _compute_affected_share(self):
        total = self.env["telephony.extension"].search_count([])
        for outage in self:
            if outage.scope == "extensions" and total:
                outage.affected_share = 100.0 * len(outage.extension_ids) / total
            elif outage.scope == "system" or not outage.affected_share:
                outage.affected_share = 100.0

    @api.depends("vendor_call_id", "ticket_id")
    def _compute_vendor_id(self):
        for outage in self:
            outage.vendor_id = (
                outage.vendor_call_id.vendor_id
                or outage.ticket_id.telephony_vendor_id
                or outage.vendor_id
            )

    @api.depends("start", "end", "scope", "site", "extension_ids", "planned")
    def _compute_overlap_warning(self):
        """3.2: say so when an outage being recorded overlaps another of the
        same part of the service (or the whole system): recorded twice, or
        one inside the other. It is recorded all the same; the shared time
        counts once (see ``_downtime_sql``)."""
        for outage in self:
            outage.overlap_warning = False
            if not outage.start or outage.planned:
                continue
            domain = [
                ("id", "!=", outage._origin.id),
                ("company_id", "=", outage.company_id.id),
                ("planned", "=", False),
                "|",
                ("end", "=", False),
                ("end", ">", outage.start),
            ]
            if outage.end:
                domain.append(("start", "<", outage.end))
            overlapping = self.search(domain, order="start").filtered(
                lambda other, outage=outage: outage._shares_part_with(other)
            )
            if overlapping:
                outage.overlap_warning = self.env._(
                    "This outage overlaps %(outages)s: the time they share is "
                    "counted once in the availability.",
                    outages=", ".join(
                        # The date reads left to right in Hebrew too.
                        f"{other.cause} (\u2066"
                        f"{format_datetime(self.env, other.start, dt_format='short')}"
                        "\u2069)"
                        for other in overlapping
                    ),
                )

    @api.depends("start", "end")
    def _compute_duration_hours(self):
        for outage in self:
            end = outage.end or fields.Datetime.now()
            outage.duration_hours = (
                (end - outage.start).total_seconds() / 3600 if outage.start else 0.0
            )

    @api.constrains("start", "end", "affected_share")
    def _check_period_and_share(self):
        for outage in self:
            if outage.end and outage.end <= outage.start:
                raise ValidationError(self.env._("An outage must end after it starts."))
            if not 0 < outage.affected_share <= 100:
                raise ValidationError(
                    self.env._("The affected share is a percentage above 0, up to 100.")
                )

    def _shares_part_with(self, other):
        """Whether two outages took down some of the same service."""
        self.ensure_one()
        if "system" in (self.scope, other.scope):
            return True
        if self.scope != other.scope:
            return False
        if self.scope == "site":
            return (self.site or "").strip().lower() == (
                other.site or ""
            ).strip().lower()
        return bool(self.extension_ids & other.extension_ids)

    @api.model
    def _availability(self, date_from, date_to, company=None, vendor=None):
        """Availability in % between two local dates (inclusive) of the
        company's calendar time zone, of the whole service, or as far as
        ``vendor``'s outages go (see ``_downtime_sql``)."""
        company = company or self.env.company
        tz = company._telephony_tz()

        def utc(day):
            return localtime.to_utc(tz, datetime.combine(day, time.min))

        start = utc(date_from)
        end = utc(fields.Date.add(date_to, days=1))
        self.env.cr.execute(
            self._downtime_sql(
                SQL(
                    "SELECT 1 AS key, %s::int AS company_id, %s::int AS vendor_id, "
                    "%s::timestamp AS period_start, %s::timestamp AS period_end",
                    company.id,
                    vendor.id if vendor else None,
                    start,
                    end,
                )
            )
        )
        downtime = sum(seconds for _key, seconds in self.env.cr.fetchall())
        period = (end - start).total_seconds()
        return round(100.0 * (1 - downtime / period), 3)

    @api.model
    def _downtime_sql(self, periods):
        """3.2: SQL of the unplanned downtime of each of ``periods`` (SQL of
        rows ``key, company_id, vendor_id, period_start, period_end``, naive
        UTC; ``vendor_id`` NULL for the whole service), as rows ``key,
        seconds``. The one definition of downtime, which the availability of
        any period, the months and years of the dashboard and the compliance
        reviews read:

        - at each moment, the share of the service that is down is all of it
          while a whole-system outage runs; otherwise the sum, over the sites
          and extensions that are down, of each one's share (at most 100 %);
        - a site's share is its outage's affected share; an extension's is
          its outage's share divided among the outage's extensions;
        - so an outage recorded twice, or two outages of the same site or
          extension at once, count once, at the larger share;
        - an outage still going on runs until now; planned maintenance does
          not count; for a vendor, only the outages attributed to it count.

        The period is cut where any outage starts or ends; each piece is down
        by the share above for its whole length."""
        self.flush_model()
        extensions = self._fields["extension_ids"]
        return SQL(
            """
            WITH periods AS (%(periods)s
            ), pieces AS (
                SELECT o.company_id, o.vendor_id, o.start,
                       COALESCE(o."end", %(now)s) AS stop,
                       CASE WHEN o.scope = 'system' THEN 'system'
                            WHEN o.scope = 'site'
                                THEN 'site:' || lower(btrim(COALESCE(o.site, '')))
                            ELSE COALESCE('extension:' || r.%(extension)s,
                                          'outage:' || o.id) END AS part,
                       CASE WHEN o.scope = 'system' THEN 100.0
                            WHEN r.%(extension)s IS NOT NULL
                                THEN o.affected_share
                                     / COUNT(*) OVER (PARTITION BY o.id)
                            ELSE o.affected_share END AS share
                  FROM telephony_outage o
             LEFT JOIN %(relation)s r
                    ON o.scope = 'extensions' AND r.%(outage)s = o.id
                 WHERE NOT COALESCE(o.planned, FALSE)
            ), clipped AS (
                SELECT p.key, pc.part, pc.share,
                       GREATEST(pc.start, p.period_start) AS down_from,
                       LEAST(pc.stop, p.period_end) AS down_to
                  FROM periods p
                  JOIN pieces pc
                    ON pc.company_id = p.company_id
                   AND (p.vendor_id IS NULL OR pc.vendor_id = p.vendor_id)
                   AND pc.start < p.period_end AND pc.stop > p.period_start
            ), cuts AS (
                SELECT key, down_from AS at FROM clipped
                 UNION
                SELECT key, down_to FROM clipped
            ), segments AS (
                SELECT key, at AS seg_from,
                       lead(at) OVER (PARTITION BY key ORDER BY at) AS seg_to
                  FROM cuts
            ), parts AS (
                SELECT s.key, s.seg_from, s.seg_to, c.part, MAX(c.share) AS share
                  FROM segments s
                  JOIN clipped c
                    ON c.key = s.key
                   AND c.down_from <= s.seg_from AND c.down_to >= s.seg_to
                 WHERE s.seg_to IS NOT NULL
              GROUP BY s.key, s.seg_from, s.seg_to, c.part
            ), shares AS (
                SELECT key, seg_from, seg_to,
                       CASE WHEN bool_or(part = 'system') THEN 100.0
                            ELSE LEAST(100.0, SUM(share)) END AS share
                  FROM parts
              GROUP BY key, seg_from, seg_to
            )
            SELECT key,
                   SUM(EXTRACT(EPOCH FROM seg_to - seg_from) * share / 100.0)::float
                       AS seconds
              FROM shares
          GROUP BY key
            """,
            periods=periods,
            now=fields.Datetime.now(),
            relation=SQL.identifier(extensions.relation),
            outage=SQL.identifier(extensions.column1),
            extension=SQL.identifier(extensions.column2),
        )
