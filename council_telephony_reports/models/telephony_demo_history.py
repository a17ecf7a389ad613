import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from odoo.addons.council_telephony.tools import localtime

DONE = "council_telephony_reports.demo_history_done"

# (name, department, device model) of the council's staff on the register.
STAFF = [
    ("מיכל אוחיון", "education", "t207"),
    ("אורי שטרן", "education", "t207"),
    ("נועה ברק", "education", "t208"),
    ("חיים דהן", "engineering", "t208"),
    ("רחל גולן", "engineering", "t207"),
    ("עמית רוזן", "engineering", "t208"),
    ("ליאת שמעוני", "treasury", "t207"),
    ("יעקב בן דוד", "treasury", "t207"),
    ("תמר אלון", "it", "t208"),
    ("גיל חזן", "it", "t208"),
    ("שירה נחום", "welfare", "t207"),
    ("אליהו סעדה", "welfare", "t207"),
    ("הדס יוסף", "welfare", "t208"),
    ("בני עזרא", "works", "t207"),
    ("סיגל טל", "works", "t207"),
    ("רון קפלן", "mayor", "t208"),
    ("אסתר מלכה", "mayor", "t208"),
]
DEPARTMENTS = {
    "education": "council_telephony.demo_department_education",
    "engineering": "council_telephony.demo_department_engineering",
    "treasury": "council_telephony.demo_department_treasury",
    "it": "council_telephony.demo_department_it",
}
NEW_DEPARTMENTS = {
    "welfare": "מחלקת רווחה",
    "works": "מחלקת שפ״ע",
    "mayor": "לשכת ראש המועצה",
}
# Fault kind, its share of the reports, and what reporters write.
FAULTS = [
    (
        "category_device_fault",
        34,
        ["אין צליל חיוג", "הצג של הטלפון כבה", "השפופרת לא עובדת", "הרמקול לא עובד"],
    ),
    (
        "category_pbx_fault",
        8,
        ["אי אפשר להעביר שיחות", "התא הקולי לא עונה", "שיחות נותקו במחלקה"],
    ),
    ("category_line_repair", 26, ["רעשים בקו", "הקו מת", "אין שיחות נכנסות מבחוץ"]),
    ("category_line_move", 10, ["העברת קו לחדר אחר", "העברת שלוחה לבניין ההנדסה"]),
    ("category_line_opening", 8, ["פתיחת קו חדש לפקס", "קו ישיר ללשכה"]),
    (
        "category_other",
        14,
        ["בקשה לשלוחה נוספת", "שינוי שם בתצוגה", "הדרכה על תא קולי"],
    ),
]
# How each vendor's faults were handled, and the prefix of its references.
HANDLED = {
    "vendor_tadiran": ("טכנאי תדיראן החליף את המכשיר; נבדק ועובד.", "TD", 1, 10),
    "vendor_bezeq": ("בזק תיקנו את הקו במרכזייה האזורית; נבדק ועובד.", "BZQ", 2, 26),
}
HANDLED_INTERNALLY = "אגף מערכות מידע טיפל ועדכן את ההגדרות."


class TelephonyDemoHistory(models.AbstractModel):
    """Issue 16: the demo council with history: from January of last year to
    today, generated once by ``setup/run.sh`` (never in the test database),
    through the same models and paths as real work: tickets across the fault
    kinds received in working hours, vendor calls mostly within the 3-hour
    rule, outages, bills approved through tier validation, posted and paid,
    monthly usage of every register entry (a few idle), training sessions, a
    closed compliance review and the weekly reports. A few hundred records,
    made in a minute, instead of thousands of XML records."""

    _name = "telephony.demo.history"
    _description = "Demo council history"

    @api.model
    def _council_demo_history(self, weekly_faults=3, seed=16):
        """Generate the history once (an ``ir.config_parameter`` marks it
        done); return whether it was generated now."""
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(DONE):
            return False
        self = self.sudo().with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            mail_notify_force_send=False,
        )
        company = self.env.ref("base.main_company")
        rng = random.Random(seed)
        now = fields.Datetime.now()
        start = localtime.to_utc(
            company._telephony_tz(), datetime(now.year - 1, 1, 1, 0, 0)
        )
        mails_before = self.env["mail.mail"].search([], order="id desc", limit=1).id
        self._demo_currency(company)
        company.telephony_head_id = self.env.ref("council_telephony.demo_user_head")
        for year in (now.year - 1, now.year):
            company.telephony_calendar_id._council_load_holidays(year)
        register = self._demo_register(company)
        self._demo_tickets(company, register, start, now, weekly_faults, rng)
        self._demo_outages(company, start, now, rng)
        self._demo_usage(company, register, start.date(), now.date(), rng)
        self._demo_bills(company, now.date())
        self._demo_training(company, register, now.date())
        self._demo_review(company, now.date())
        self._demo_weekly_reports(company, start, now)
        # The history's e-mails (acknowledgments, invitations) are not sent
        # to addresses that do not exist.
        self.env["mail.mail"].search(
            [("id", ">", mails_before), ("state", "=", "outgoing")]
        ).unlink()
        params.set_param(DONE, fields.Datetime.to_string(now))
        return True

    def _demo_currency(self, company):
        """Shekels. Odoo refuses to change a company's currency once journal
        items exist, and the accounting demo has them: the demo database is
        re-denominated in SQL (amounts stay, their currency becomes ILS)."""
        shekel = self.env.ref("base.ILS")
        dollar = company.currency_id
        shekel.active = True
        if dollar == shekel:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT tc.table_name, kcu.column_name
              FROM information_schema.table_constraints tc
              JOIN information_schema.key_column_usage kcu
                ON kcu.constraint_name = tc.constraint_name
              JOIN information_schema.constraint_column_usage ccu
                ON ccu.constraint_name = tc.constraint_name
             WHERE tc.constraint_type = 'FOREIGN KEY'
               AND ccu.table_name = 'res_currency'
               AND tc.table_name NOT IN ('res_currency_rate')
            """
        )
        for table, column in self.env.cr.fetchall():
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE %s = %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    shekel.id,
                    SQL.identifier(column),
                    dollar.id,
                )
            )
        self.env.invalidate_all()
        self.env.registry.clear_cache()

    def _demo_register(self, company):
        """The staff on the register: an extension each, on a device model."""
        departments = {key: self.env.ref(xmlid) for key, xmlid in DEPARTMENTS.items()}
        for key, name in NEW_DEPARTMENTS.items():
            departments[key] = self.env["hr.department"].create(
                {"name": name, "company_id": company.id}
            )
        models_ = {
            "t207": self.env.ref("council_telephony.demo_device_t207"),
            "t208": self.env.ref("council_telephony.demo_device_t208"),
        }
        extensions = self.env["telephony.extension"]
        for index, (name, department, model) in enumerate(STAFF):
            employee = self.env["hr.employee"].create(
                {
                    "name": name,
                    "department_id": departments[department].id,
                    "work_email": f"staff{index + 1}@council.example",
                    "company_id": company.id,
                }
            )
            extensions |= extensions.create(
                {
                    "number": str(2300 + index),
                    "employee_id": employee.id,
                    "device_model_id": models_[model].id,
                    "location": f"בניין העירייה, חדר {110 + index}",
                }
            )
        return self.env["telephony.extension"].search([("company_id", "=", company.id)])

    def _working_moment(self, company, day, rng):
        """A moment in the council's working hours on ``day``, or False."""
        tz = company._telephony_tz()
        begin = localtime.to_utc(tz, datetime.combine(day, time.min))
        intervals = company._telephony_work_intervals(begin, begin + timedelta(days=1))
        if not intervals:
            return False
        first, last = intervals[0][0], intervals[-1][1]
        return first + (last - first) * rng.random()

    def _demo_tickets(self, company, register, start, now, weekly, rng):
        tickets = self.env["helpdesk.ticket"]
        calls = self.env["telephony.vendor.call"]
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        agent = self.env.ref("council_telephony.demo_user_agent")
        kinds = [(self.env.ref(f"council_telephony.{x}"), w, s) for x, w, s in FAULTS]
        handled = {
            self.env.ref(f"council_telephony.{xmlid}"): values
            for xmlid, values in HANDLED.items()
        }
        day = start.date()
        while day < now.date() - timedelta(days=1):
            for _fault in range(rng.choices((0, 1, 2), (45, 40, 15))[0]):
                if rng.random() > weekly / 5.0:
                    continue
                received = self._working_moment(company, day, rng)
                if not received:
                    continue
                category, _weight, subjects = rng.choices(kinds, [k[1] for k in kinds])[
                    0
                ]
                extension = rng.choice(register)
                reporter = extension.employee_id.work_contact_id or agent.partner_id
                # Numbered in the year it was received (TEL/<year>/…).
                ticket = tickets.with_context(
                    ir_sequence_date=fields.Date.to_string(received.date())
                ).create(
                    {
                        "name": rng.choice(subjects),
                        "description": "<p>דווח בפורטל.</p>",
                        "category_id": category.id,
                        "telephony_number": extension.number,
                        "partner_id": reporter.id,
                        "received_at": received,
                        "user_id": agent.id,
                    }
                )
                vendor = category.telephony_vendor_id
                # The IT division settles most of its own within the 3 hours.
                resolved = company._telephony_plan_hours(
                    rng.uniform(0.3, 2.8)
                    if rng.random() < 0.85
                    else rng.uniform(4, 12),
                    received,
                )
                summary = HANDLED_INTERNALLY
                if vendor:
                    summary, prefix, fastest, slowest = handled[vendor]
                    # Most calls go out within the 3 working hours (4.3.3).
                    hours = (
                        rng.uniform(0.2, 2.6)
                        if rng.random() < 0.87
                        else rng.uniform(3.2, 9)
                    )
                    opened = company._telephony_plan_hours(hours, received)
                    resolved = company._telephony_plan_hours(
                        rng.uniform(fastest, slowest), opened
                    )
                    call = calls.create(
                        {
                            "ticket_id": ticket.id,
                            "vendor_id": vendor.id,
                            "channel_type": rng.choice(("phone", "email", "web")),
                            "opened_at": opened,
                            "opened_by_id": agent.id,
                            "vendor_reference": f"{prefix}-{rng.randrange(10**6)}",
                            "promised_at": resolved,
                        }
                    )
                    if resolved > now:
                        continue  # still with the vendor
                    call.write({"state": "resolved", "resolved_at": resolved})
                    call.responded_at = min(
                        resolved,
                        company._telephony_plan_hours(rng.uniform(0.2, 5), opened),
                    )
                if resolved > now:
                    continue
                ticket.write(
                    {
                        "stage_id": done.id,
                        "resolution_summary": summary,
                    }
                )
                ticket.write(
                    {
                        "telephony_resolved_at": resolved,
                        "closed_date": resolved,
                        "last_stage_update": resolved,
                    }
                )
            day += timedelta(days=1)
        # Created when they were received, as the portal shows them.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = received_at"
            " WHERE received_at < create_date AND company_id = %s",
            [company.id],
        )

    def _demo_outages(self, company, start, now, rng):
        vendors = [
            self.env.ref("council_telephony.vendor_tadiran"),
            self.env.ref("council_telephony.vendor_bezeq"),
        ]
        causes = ["תקלת כרטיס במרכזייה", "ניתוק סיב אופטי", "הפסקת חשמל", "עדכון תוכנה"]
        moment = start + timedelta(days=20)
        while moment < now - timedelta(days=7):
            begin = self._working_moment(company, moment.date(), rng)
            if begin:
                self.env["telephony.outage"].create(
                    {
                        "cause": rng.choice(causes),
                        "start": begin,
                        "end": begin + timedelta(hours=rng.uniform(0.5, 5)),
                        "scope": rng.choice(("system", "site", "site")),
                        "site": "בניין ההנדסה",
                        "vendor_id": rng.choice(vendors).id,
                        "company_id": company.id,
                    }
                )
            moment += timedelta(days=rng.randint(50, 90))

    def _demo_usage(self, company, register, first, today, rng):
        """A month's usage for every register entry; three are idle lately."""
        idle = register[:3]
        rows = []
        month = first.replace(day=1)
        last = today.replace(day=1) - relativedelta(months=1)
        while month <= last:
            for extension in register:
                quiet = extension in idle and month > last - relativedelta(months=4)
                calls = 0 if quiet else rng.randint(20, 420)
                minutes = round(calls * rng.uniform(1.5, 4.0), 1)
                rows.append(
                    {
                        "company_id": company.id,
                        "period": month,
                        "number": extension.number,
                        "extension_id": extension.id,
                        "department_id": extension.department_id.id,
                        "calls": calls,
                        "minutes": minutes,
                        "cost": round(25 + minutes * 0.11, 2),
                    }
                )
            month += relativedelta(months=1)
        self.env["telephony.usage"].create(rows)

    def _demo_bills(self, company, today):
        """Monthly bills of both vendors, last year's and this year's until
        last month, approved by the IT manager through tier validation,
        posted and paid by treasury (4.2.1-4.2.3)."""
        manager = self.env.ref("council_telephony.demo_user_manager")
        treasury = self.env.ref("council_telephony.demo_user_treasury")
        admin = self.env.ref("base.user_admin")
        tadiran = self.env.ref("council_telephony.vendor_tadiran")
        bezeq = self.env.ref("council_telephony.vendor_bezeq")
        contracts = self.env["telephony.contract"]
        last_year = date(today.year - 1, 1, 1)
        bezeq_old = contracts.create(
            {
                "name": f"הסכם קווים {today.year - 1}",
                "vendor_id": bezeq.id,
                "date_start": last_year,
                "date_end": date(today.year - 1, 12, 31),
                "response_hours": 3,
                "repair_hours": 24,
                "state": "active",
                "company_id": company.id,
            }
        )
        tadiran_contract = self.env.ref("council_telephony.demo_contract_tadiran")
        self.env["telephony.budget"].create(
            [
                {
                    "contract_id": tadiran_contract.id,
                    "year": today.year - 1,
                    "amount": 110000,
                },
                {"contract_id": bezeq_old.id, "year": today.year - 1, "amount": 45000},
            ]
        )
        month = last_year
        while month < today.replace(day=1):
            for vendor, prefix, label, amount in (
                (tadiran, "TD", "תחזוקת מרכזייה", 6200),
                (bezeq, "BZQ", "קווים ושיחות", 3100 + 40 * month.month),
            ):
                bill = (
                    self.env["account.move"]
                    .with_user(admin)
                    .create(
                        {
                            "move_type": "in_invoice",
                            "partner_id": vendor.partner_id.id,
                            "ref": f"{prefix}-{month:%Y%m}",
                            "invoice_date": month + relativedelta(days=4),
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "name": f"{label} {month:%m/%Y}",
                                        "quantity": 1,
                                        "price_unit": amount,
                                        "tax_ids": [Command.clear()],
                                    }
                                )
                            ],
                        }
                    )
                )
                bill = bill.with_user(manager)
                bill.request_validation()
                bill.invalidate_recordset()
                bill.validate_tier()
                bill.with_user(treasury).action_post()
                if month < today.replace(day=1) - relativedelta(months=1):
                    self.env["account.payment.register"].with_user(
                        treasury
                    ).with_context(
                        active_model="account.move", active_ids=bill.ids
                    ).create(
                        {"payment_date": month + relativedelta(days=25)}
                    )._create_payments()
            month += relativedelta(months=1)

    def _demo_training(self, company, register, today):
        agent = self.env.ref("council_telephony.demo_user_agent")
        sessions = self.env["telephony.training.session"].with_user(agent)
        for when, model, topic in (
            (date(today.year - 1, 3, 15), "t207", "הטלפון החדש שלכם: T207M"),
            (date(today.year - 1, 10, 20), "t208", "הכרת הטלפון T208M"),
            (date(today.year, 2, 10), "t207", "תא קולי והעברת שיחות"),
        ):
            if when >= today:
                continue
            session = sessions.create(
                {
                    "name": topic,
                    "device_model_id": self.env.ref(
                        f"council_telephony.demo_device_{model}"
                    ).id,
                    "date": when,
                    "trainer_id": agent.partner_id.id,
                    "company_id": company.id,
                }
            )
            session.action_invite_untrained()
            for index, attendance in enumerate(session.attendance_ids):
                attendance.state = "absent" if index % 4 == 3 else "attended"
            session.action_done()

    def _demo_review(self, company, today):
        """Last year's compliance review of Tadiran, closed (4.2.4)."""
        manager = self.env.ref("council_telephony.demo_user_manager")
        review = (
            self.env["telephony.compliance.review"]
            .with_user(manager)
            .create(
                {
                    "contract_id": self.env.ref(
                        "council_telephony.demo_contract_tadiran"
                    ).id,
                    "date_start": date(today.year - 1, 1, 1),
                    "date_end": date(today.year - 1, 12, 31),
                }
            )
        )
        review.action_done()

    def _demo_weekly_reports(self, company, start, now):
        """Every week's report, as sent on its Thursday (no PDF kept)."""
        reports = self.env["telephony.weekly.report"]
        for week in reports._closed_weeks(start, now, company):
            week.sent_at = week.period_end
