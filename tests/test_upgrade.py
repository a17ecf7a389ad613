"""Upgrade safety (issue 6, item 3): ``odoo -u`` on a council's database full of
data keeps every record and every setting, and runs this version's migration.

A copy of the test database (``pg_dump``, which works while the test session
holds its connections) gets a year's worth of everything, the IT manager's
edits of the shipped settings and records, and a file of the kind that the
18.0.1.0.1 migration deals with; it is then marked as being at 18.0.1.0.0, so
that ``-u`` runs the migrations (council_telephony's 18.0.1.0.1, the reports'
18.0.1.1.0) as it will on the council's server. Everything
is compared before and after, table by table and record by record.
"""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = os.environ.get("COUNCIL_TEST_DB", "council_test")
COPY = f"{SOURCE}_upgrade"
ADDONS = ("council_telephony", "council_telephony_reports")
PREVIOUS = "18.0.1.0.0"
STATE = ROOT / ".local"

# The council's data that lives in tables of other modules.
DATA_TABLES = (
    "helpdesk_ticket",
    "helpdesk_ticket_category",
    "helpdesk_ticket_team",
    "helpdesk_ticket_stage",
    "resource_calendar",
    "resource_calendar_attendance",
    "resource_calendar_leaves",
    "res_groups_users_rel",
    "hr_employee",
    "hr_department",
)
# Tables not named after their model.
TABLES = {
    "ir.actions.server": "ir_act_server",
    "ir.actions.report": "ir_act_report_xml",
}
# A row's values; -u rewrites the records of its data files, stamping them.
ROW = "(to_jsonb(t) - 'write_date' - 'write_uid')"
# Counted only: the migration revokes download tokens, mail moves on.
COUNTED_TABLES = ("ir_attachment", "mail_message", "mail_followers", "mail_activity")

POPULATE = r"""
import base64
from datetime import timedelta

from odoo import fields

env = env(context=dict(env.context, mail_notify_force_send=False))
ref = env.ref
company = env.company
now = fields.Datetime.now()

# The council's settings, away from the shipped defaults.
company.write({
    "telephony_extension_min_digits": 4,
    "telephony_extension_max_digits": 5,
    "telephony_at_risk_hours": 1.5,
    "telephony_eve_closing_hour": 12.5,
    "telephony_availability_target": 99.9,
    "telephony_weekly_report_hour": 10.0,
    "telephony_idle_months": 4,
})
# What the IT manager changes on the records the addons ship.
ref("council_telephony.category_line_repair").write(
    {"telephony_response_hours": 5, "telephony_round_the_clock": True}
)
ref("council_telephony.category_other").telephony_vendor_id = ref(
    "council_telephony.vendor_bezeq"
)
ref("council_telephony.vendor_tadiran").write({
    "channel_type": "web",
    "request_url": "https://tadiran.example/calls",
    "followup_hours": 6,
    "repair_hours": 24,
    "conduct_rules": "<p>Only through the service desk.</p>",
})
ref("council_telephony.mail_template_telephony_acknowledgment").subject = (
    "Report {{ object.number }} received"
)
ref("council_telephony.ir_cron_telephony_response_deadlines").interval_number = 10
ref("council_telephony_reports.ir_cron_weekly_report").active = False
ref("council_telephony.helpdesk_team_telephony").alias_name = "phones"
calendar = company.telephony_calendar_id
calendar.attendance_ids.filtered(lambda a: a.hour_to == 16).hour_to = 15.5
calendar._council_load_holidays(2027)

# A year of the telephony procedure.
employee = ref("council_telephony.demo_user_employee")
reporter = ref("council_telephony.demo_user_portal")
agent = ref("council_telephony.demo_user_agent")
holder = ref("council_telephony.demo_employee_dana")
extensions = env["telephony.extension"].create([
    {"number": f"5{n:03d}", "employee_id": holder.id, "location": f"Room {n}"}
    for n in range(6)
] + [{"number": "04-812-3456", "location": "Town hall"}])
categories = env["helpdesk.ticket.category"].search([("is_telephony", "=", True)])
done = ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
tickets = env["helpdesk.ticket"]
for n in range(12):
    category = categories[n % len(categories)]
    tickets |= env["helpdesk.ticket"].create({
        "name": f"Fault {n}",
        "description": f"<p>Fault {n}</p>",
        "category_id": category.id,
        "partner_id": (employee if n % 2 else reporter).partner_id.id,
        "telephony_number": extensions[n % len(extensions)].number,
        "received_at": now - timedelta(days=n, hours=n),
    })
# Rules changed after these faults were received: their deadlines stand (4.3.3),
# through the update too.
ref("council_telephony.category_device_fault").telephony_response_hours = 6
company.telephony_at_risk_hours = 2
calendar.attendance_ids.filtered(lambda a: a.hour_from == 8).hour_from = 9
for n, ticket in enumerate(tickets.filtered("telephony_vendor_id")):
    call = env["telephony.vendor.call"].with_user(agent).create({
        "ticket_id": ticket.id,
        "vendor_id": ticket.telephony_vendor_id.id,
        "channel_type": "phone",
        "vendor_reference": f"REF-{n}",
    })
    if n % 3 == 0:
        call.action_resolve()
        ticket.write({"resolution_summary": "Replaced", "stage_id": done.id})
escalations = tickets[:3]._telephony_escalate("No vendor call in time", "deadline")
escalations[0].write({"decision": "Call the vendor's manager"})
escalations[0].action_decide()
env["telephony.outage"].create([
    {"cause": "PBX down", "start": now - timedelta(days=40, hours=3),
     "end": now - timedelta(days=40)},
    {"cause": "Line cut", "scope": "extensions", "extension_ids": extensions[:2].ids,
     "start": now - timedelta(days=9, hours=5), "end": now - timedelta(days=9)},
])
csv = "period,number,department,calls,minutes,cost\n" + "".join(
    f"2026-0{m},5{n:03d},,{m * n},{m * 2}.5,{n}.10\n"
    for m in (1, 2, 3)
    for n in range(6)
)
usage_import = env["telephony.usage.import"].create(
    {"file": base64.b64encode(csv.encode()), "name": "usage.csv"}
)
usage_import.action_import()
env.cr.commit()
env["telephony.usage.import"]._cron_run_imports()
weeks = env["telephony.weekly.report"]
weeks._get_or_create_week(now - timedelta(days=14), now - timedelta(days=7), company)
weeks._get_or_create_week(now - timedelta(days=7), now, company)
# Files on a ticket, with the download links helpdesk_mgmt's portal page gave.
ticket = tickets[0]
for name, subtype in (("quote.pdf", "mt_note"), ("manual.pdf", "mt_comment")):
    attachment = env["ir.attachment"].create({
        "name": name,
        "raw": name.encode(),
        "res_model": "helpdesk.ticket",
        "res_id": ticket.id,
    })
    attachment.generate_access_token()
    ticket.with_user(agent).message_post(
        body=name,
        message_type="comment",
        subtype_xmlid=f"mail.{subtype}",
        attachment_ids=attachment.ids,
    )
ticket.message_subscribe(partner_ids=agent.partner_id.ids)
env.cr.commit()
"""


def _shell(command, timeout=300):
    """Run ``command`` with the project's helpers, on its own Odoo
    configuration (the test session's stays untouched)."""
    return subprocess.run(
        [
            "bash",
            "-c",
            "source setup/lib.sh; set +e; find_odoo; use_odoo_conf upgrade 0; "
            + command,
        ],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _check(result):
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output[-3000:]
    return result


def _connect():
    return psycopg2.connect(
        dbname=COPY,
        host=str(STATE / "pgsock"),
        port=os.environ.get("COUNCIL_PG_PORT", "54329"),
    )


def _snapshot(cr):
    """Counts and contents of the council's data, each shipped record the
    council may edit, the settings, and the installed versions."""
    cr.execute(
        """SELECT replace(m.model, '.', '_')
             FROM ir_model m
             JOIN ir_model_data d ON d.model = 'ir.model' AND d.res_id = m.id
             JOIN pg_class c ON c.relname = replace(m.model, '.', '_')
                            AND c.relkind = 'r'
            WHERE d.module = ANY(%s) AND NOT m.transient""",
        [list(ADDONS)],
    )
    ours = sorted(row[0] for row in cr.fetchall())
    snapshot = {"our tables": ours}
    for table in [*ours, *DATA_TABLES]:
        cr.execute(
            f"SELECT count(*), md5(string_agg({ROW}::text, '|' ORDER BY {ROW}::text))"
            f' FROM "{table}" t'
        )
        snapshot[table] = cr.fetchone()
    for table in COUNTED_TABLES:
        cr.execute(f'SELECT count(*) FROM "{table}"')
        snapshot[table] = cr.fetchone()
    # Records the addons ship and the council edits (noupdate), one by one.
    cr.execute(
        """SELECT module || '.' || name, model, res_id FROM ir_model_data
            WHERE (module = ANY(%s) AND noupdate)
               OR (module = 'helpdesk_mgmt' AND name = 'helpdesk_ticket_rule_portal')
            ORDER BY 1""",
        [list(ADDONS)],
    )
    for xmlid, model, res_id in cr.fetchall():
        table = TABLES.get(model, model.replace(".", "_"))
        cr.execute(f'SELECT md5({ROW}::text) FROM "{table}" t WHERE id = %s', [res_id])
        snapshot[xmlid] = cr.fetchone()
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'res_company' AND column_name LIKE 'telephony%%'
            ORDER BY 1"""
    )
    columns = ", ".join(row[0] for row in cr.fetchall())
    cr.execute(f"SELECT {columns} FROM res_company ORDER BY id")
    snapshot["settings"] = cr.fetchall()
    return snapshot


def _deadlines(cr):
    """Each telephony ticket's fault kind, reception and stored deadlines."""
    cr.execute(
        """SELECT id, category_id, received_at, response_deadline,
                  response_warning_at
             FROM helpdesk_ticket
            WHERE is_telephony"""
    )
    return {row[0]: row[1:] for row in cr.fetchall()}


def _drop_copy():
    _shell(f'psql_db postgres -qc "DROP DATABASE IF EXISTS {COPY} WITH (FORCE)"')
    shutil.rmtree(STATE / "filestore" / "filestore" / COPY, ignore_errors=True)


@pytest.fixture
def populated_copy():
    if not (STATE / "pgdata" / "PG_VERSION").is_file():
        pytest.skip("no test cluster: run setup/test.sh")
    _drop_copy()
    _check(
        _shell(
            f"psql_db postgres -qc 'CREATE DATABASE {COPY}' && "
            f'pg_dump -h "$PGSOCK_DIR" -p "$PG_PORT" -Fc {SOURCE} '
            f'| pg_restore -h "$PGSOCK_DIR" -p "$PG_PORT" --no-owner -d {COPY}'
        )
    )
    filestore = STATE / "filestore" / "filestore"
    if (filestore / SOURCE).is_dir():
        shutil.copytree(filestore / SOURCE, filestore / COPY)
    _check(_shell(f"odoo shell -d {COPY} --log-level=warn <<'EOF'\n{POPULATE}\nEOF"))
    try:
        yield
    finally:
        _drop_copy()


def test_update_keeps_every_record_and_setting_and_migrates(populated_copy):
    with _connect() as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT name, latest_version FROM ir_module_module WHERE name = ANY(%s)",
            [list(ADDONS)],
        )
        current = dict(cr.fetchall())
        # The council's server runs the previous version.
        cr.execute(
            "UPDATE ir_module_module SET latest_version = %s WHERE name = ANY(%s)",
            [PREVIOUS, list(ADDONS)],
        )
        cr.execute(
            """SELECT name, access_token FROM ir_attachment
                WHERE name IN ('quote.pdf', 'manual.pdf')"""
        )
        tokens = dict(cr.fetchall())
        # Before 18.0.1.2.0 a number's month was indexed, not unique; before
        # 18.0.1.1.0 usage imports opened in a dialog.
        cr.execute(
            """DROP INDEX telephony_usage_month_uniq;
               CREATE INDEX telephony_usage_company_period_idx
                   ON telephony_usage (company_id, period);
               UPDATE ir_act_window SET target = 'new' WHERE id = (
                   SELECT res_id FROM ir_model_data
                    WHERE module = 'council_telephony_reports'
                      AND name = 'telephony_usage_import_action')"""
        )
        before = _snapshot(cr)
        deadlines = _deadlines(cr)
        # A file imported by 18.0.1.0 could give a number twice in a month.
        cr.execute(
            """INSERT INTO telephony_usage (company_id, period, number, calls,
                                            minutes, cost)
               SELECT id, date '2019-01-01', '4999', 3, 10.5, 7.25 FROM res_company
                UNION ALL
               SELECT id, date '2019-01-01', '4999', 2, 4.5, 1.75 FROM res_company"""
        )
    assert all(tokens.values())
    assert before["helpdesk_ticket"][0] >= 12
    assert before["telephony_vendor_call"][0] >= 6

    result = _check(
        _shell(
            f"odoo -d {COPY} -u {','.join(ADDONS)} --stop-after-init --log-level=info",
            timeout=600,
        )
    )
    log = result.stdout + result.stderr
    assert " ERROR " not in log and " CRITICAL " not in log, log[-3000:]
    assert (
        "module council_telephony: Running migration [18.0.1.0.1>] post-migrate" in log
    )
    assert (
        "module council_telephony_reports: Running migration [>18.0.1.1.0] "
        "pre-migration" in log
    )
    assert (
        "module council_telephony_reports: Running migration [>18.0.1.2.0] "
        "pre-migration" in log
    )

    with _connect() as conn, conn.cursor() as cr:
        # Merged into one row, the totals kept.
        cr.execute(
            """DELETE FROM telephony_usage WHERE number = '4999'
               RETURNING calls, minutes, cost"""
        )
        merged = cr.fetchall()
        after = _snapshot(cr)
        deadlines_after = _deadlines(cr)
        cr.execute(
            "SELECT name, latest_version FROM ir_module_module WHERE name = ANY(%s)",
            [list(ADDONS)],
        )
        assert dict(cr.fetchall()) == current
        cr.execute(
            """SELECT name, access_token FROM ir_attachment
                WHERE name IN ('quote.pdf', 'manual.pdf')"""
        )
        tokens_after = dict(cr.fetchall())
        cr.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'telephony_usage'"
        )
        indexes = {row[0] for row in cr.fetchall()}
        cr.execute(
            """SELECT a.target FROM ir_act_window a
                 JOIN ir_model_data d ON d.res_id = a.id
                WHERE d.module = 'council_telephony_reports'
                  AND d.name = 'telephony_usage_import_action'"""
        )
        target = cr.fetchone()[0]
    assert target == "current"
    assert {(calls, minutes, float(cost)) for calls, minutes, cost in merged} == {
        (5, 15.0, 9.0)
    }
    assert "telephony_usage_month_uniq" in indexes
    assert "telephony_usage_company_period_idx" not in indexes
    # Existing faults keep their stored deadlines: nothing plans them again by
    # the rules changed since they were received.
    assert deadlines and all(d[2] for d in deadlines.values())
    assert deadlines == deadlines_after
    changed = sorted(key for key in before if before[key] != after.get(key))
    assert not changed, {key: (before[key], after.get(key)) for key in changed}
    # The migration revoked the internal file's link and kept the public one.
    assert tokens_after == {"quote.pdf": None, "manual.pdf": tokens["manual.pdf"]}
