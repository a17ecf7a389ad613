"""C20, 4.1.1: the access matrix, generated from the models.

Every model of both addons (``ir.model`` records of the two modules) and
every field they add to any model, for every role × read / write / create /
delete, tried over JSON-RPC as that role, and compared with the tables below.
A model or field that is not in the tables fails the test, which names it: the
tables are the truth (summed up in SECURITY.md).

How a cell is tried, one call each, nothing changed: ``read`` (its name)
and ``write`` (no values) on the model's newest record (here another
employee's ticket and extension, the IT division's file on that ticket, a
bill not approved yet), ``create`` with a field no model has, ``unlink`` on
an id no record has. A call refused for access (``AccessError``) is refused;
otherwise the access check itself (``has_access`` on no record) decides, since a
call can fail for another reason first (no such field, no such record, an
override that stops earlier) and writing no values can pass without a check.
Which records a role reaches is tried further on real records in
``test_security``, ``test_isolation`` (another company's contract) and
``test_portal_routes``. A field is tried by ``fields_get``, which lists the
fields a role may read and write.
"""

import logging
from collections import Counter

from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from .common import RpcMixin, TelephonyCase

_logger = logging.getLogger(__name__)

ROLES = (
    "employee",
    "portal_user",
    "agent",
    "manager",
    "treasury",
    "head",
    "hr_officer",
    "billing",
)
OPERATIONS = ("read", "write", "create", "unlink")
NO_RECORD = 2_000_000_000
ABSTRACT = "abstract"  # no table, no records: only listed

# Who holds which group (groups imply others: the IT manager is an agent and
# the head of council; agents and the head are employees).
EMPLOYEES = ("employee", "agent", "manager", "head")
IT = ("agent", "manager")
STAFF = ("agent", "manager", "head")  # the IT division and the head
HEADS = ("manager", "head")
MANAGER = ("manager",)
NOBODY = ()
INTERNAL_USERS = tuple(role for role in ROLES if role != "portal_user")
EVERYONE = ROLES

# Who may read, write, create and delete each model's records (a role not
# named is refused). One line per model of both addons, and per model they
# extend; ABSTRACT for a model with no records.
MODELS = {
    "account.move": {
        # The newest bill: a telephony bill not approved yet, which treasury
        # does not see (4.2.2).
        "read": ("manager", "billing"),
        "write": ("manager", "treasury", "billing"),
        "create": ("manager", "treasury", "billing"),
        "unlink": ("manager", "treasury", "billing"),
    },
    "helpdesk.ticket": {
        # Another employee's ticket; the reporter's own: test_security.
        "read": STAFF,
        "write": IT,
        "create": IT,
        "unlink": MANAGER,
    },
    "helpdesk.ticket.stage": {
        "read": EVERYONE,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "helpdesk.ticket.team": {
        "read": EVERYONE,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "helpdesk.ticket.category": {
        "read": EVERYONE,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "hr.department": {
        "read": INTERNAL_USERS,
        "write": INTERNAL_USERS,
        "create": ("hr_officer",),
        "unlink": ("hr_officer",),
    },
    "hr.employee": {
        "read": ("hr_officer",),
        "write": ("hr_officer",),
        "create": ("hr_officer",),
        "unlink": ("hr_officer",),
    },
    "hr.employee.public": {
        "read": INTERNAL_USERS,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "ir.attachment": {
        # The IT division's file on another employee's ticket.
        "read": STAFF,
        "write": IT,
        "create": INTERNAL_USERS,
        "unlink": INTERNAL_USERS,
    },
    "report.council_telephony_reports.report_annual": ABSTRACT,
    "report.council_telephony_reports.report_annual_xlsx": ABSTRACT,
    "res.company": {
        "read": EVERYONE,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "res.config.settings": {
        "read": NOBODY,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "resource.calendar": {
        "read": INTERNAL_USERS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": NOBODY,
    },
    "resource.calendar.attendance": {
        "read": INTERNAL_USERS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "resource.calendar.leaves": {
        # The newest: a public holiday, which only administrators change.
        "read": INTERNAL_USERS,
        "write": NOBODY,
        "create": INTERNAL_USERS,
        "unlink": INTERNAL_USERS,
    },
    "telephony.annual.figures": ABSTRACT,
    "telephony.annual.report": {
        "read": HEADS,
        "write": HEADS,
        "create": HEADS,
        "unlink": HEADS,
    },
    "telephony.availability.month": {
        "read": STAFF,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.bill.payment": {
        "read": HEADS,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.budget": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.budget.override": {
        "read": MANAGER,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": NOBODY,
    },
    "telephony.compliance.review": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.compliance.review.line": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.contract": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.contract.penalty": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.contract.price": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.device.model": {
        "read": EMPLOYEES,
        "write": IT,
        "create": IT,
        "unlink": MANAGER,
    },
    "telephony.escalate": {"read": IT, "write": IT, "create": IT, "unlink": IT},
    "telephony.escalation": {
        "read": STAFF,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.extension": {
        # Another employee's; an employee reads their own only.
        "read": STAFF,
        "write": IT,
        "create": IT,
        "unlink": MANAGER,
    },
    "telephony.holiday.load": {
        "read": MANAGER,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.idle.extension": {
        "read": HEADS,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.measured.guard": ABSTRACT,
    "telephony.moment.correction": {
        "read": STAFF,
        "write": NOBODY,
        "create": MANAGER,
        "unlink": NOBODY,
    },
    "telephony.outage": {"read": STAFF, "write": IT, "create": IT, "unlink": MANAGER},
    "telephony.response.compliance": {
        "read": STAFF,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.spend": {
        "read": HEADS,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.training.attendance": {
        # Not the employee's; their own history they read.
        "read": STAFF,
        "write": IT,
        "create": IT,
        "unlink": IT,
    },
    "telephony.training.gap": {
        "read": STAFF,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.training.session": {
        # Not the employee's; the sessions they attend they read.
        "read": STAFF,
        "write": IT,
        "create": IT,
        "unlink": MANAGER,
    },
    "telephony.usage": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.usage.import": {
        "read": MANAGER,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.vendor": {
        "read": EMPLOYEES,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.vendor.call": {
        "read": STAFF,
        "write": IT,
        "create": IT,
        "unlink": MANAGER,
    },
    "telephony.vendor.call.open": {"read": IT, "write": IT, "create": IT, "unlink": IT},
    "telephony.vendor.contact.guard": ABSTRACT,
    "telephony.weekly.report": {
        "read": HEADS,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "tier.review": {
        # The newest review: of a bill not approved yet. Readable with the bill
        # only (4.2.2); changed only by the approval itself, which ``write``
        # with no values does not reach: the attacks are test_bill_approval_attacks.
        "read": ("manager", "billing"),
        "write": ("manager", "billing"),
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.bill.event": {
        "read": HEADS,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "telephony.usage.import.profile": {
        "read": IT,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.weekly.report.week": {
        "read": MANAGER,
        "write": MANAGER,
        "create": MANAGER,
        "unlink": MANAGER,
    },
    "telephony.demo.history": ABSTRACT,
    "tier.validation": ABSTRACT,
    "mail.thread": ABSTRACT,
    "account.move.line": {
        # A line of the newest bill, not approved yet (4.2.2): as its bill.
        "read": ("manager", "billing"),
        "write": ("manager", "billing"),
        "create": ("manager", "treasury", "billing"),
        "unlink": ("manager", "treasury", "billing"),
    },
    "account.partial.reconcile": {
        # Odoo's matching of a bill with a payment: accounting roles; four
        # eyes is tried on every door of paying in test_four_eyes_payment.
        "read": ("manager", "treasury", "billing"),
        "write": ("manager", "treasury", "billing"),
        "create": ("manager", "treasury", "billing"),
        "unlink": ("manager", "treasury", "billing"),
    },
    "comment.wizard": {
        # The reason window of Reject: it decides only open reviews of its own
        # bill, for one of their reviewers (test_bill_approval_attacks).
        "read": INTERNAL_USERS,
        "write": INTERNAL_USERS,
        "create": INTERNAL_USERS,
        "unlink": INTERNAL_USERS,
    },
    "ir.actions.report": {
        "read": INTERNAL_USERS,
        "write": NOBODY,
        "create": NOBODY,
        "unlink": NOBODY,
    },
    "mail.message": {
        # The newest message: on the employee record made above, which only
        # the HR officer reads; the bill's "Posted" step cannot be deleted or
        # rewritten (test_bill_approval_attacks).
        "read": ("hr_officer",),
        "write": ("hr_officer",),
        "create": EVERYONE,
        "unlink": EVERYONE,
    },
}

# Who sees each field of ours (in ``fields_get``, hence may read and write it
# as far as the model allows): "all", "internal" (users, not the portal),
# "employees" (the council's telephony employees), "staff" (the IT division
# and the head: a ticket's internal side). Space-separated names per model.
AUDIENCES = {
    "all": EVERYONE,
    "internal": INTERNAL_USERS,
    "employees": EMPLOYEES,
    "staff": STAFF,
    "heads": HEADS,
}

FIELDS = {
    "account.bank.statement.line": {
        "all": """
            is_telephony_bill telephony_amount telephony_amount_due telephony_budget_id
            telephony_budget_override_reason telephony_budget_remaining
            telephony_contract_id telephony_over_budget telephony_vendor_id
        """,
        "heads": """
            telephony_event_ids
        """,
    },
    "account.move": {
        "all": """
            is_telephony_bill telephony_amount telephony_amount_due telephony_budget_id
            telephony_budget_override_reason telephony_budget_remaining
            telephony_contract_id telephony_over_budget telephony_vendor_id
        """,
        "heads": """
            telephony_event_ids
        """,
    },
    "helpdesk.ticket": {
        "all": """
            is_telephony received_at resolution_summary telephony_location
            telephony_number telephony_resolved_at telephony_step telephony_vendor_id
            previous_ticket_id
        """,
        "staff": """
            acknowledged_at department_id device_model_id escalation_ids extension_id
            is_escalated moment_correction_ids notes reporter_informed
            reporter_informed_at response_breach_notified_at response_deadline
            response_in_time response_met_at response_status response_warned_at
            response_warning_at vendor_call_count vendor_call_ids
            agents_told_at telephony_mail_held
        """,
    },
    "helpdesk.ticket.category": {
        "all": """
            is_telephony telephony_number_required telephony_response_hours
            telephony_round_the_clock telephony_vendor_id
        """,
    },
    "helpdesk.ticket.stage": {
        "all": "telephony_step",
    },
    "helpdesk.ticket.team": {
        "all": "is_telephony",
    },
    "hr.employee": {
        "employees": "telephony_training_ids",
    },
    "hr.employee.public": {
        "employees": "telephony_training_ids",
    },
    "res.company": {
        "all": """
            telephony_at_risk_hours telephony_availability_target telephony_calendar_id
            telephony_eve_closing_hour telephony_extension_max_digits
            telephony_extension_min_digits telephony_idle_months telephony_manager_id
            telephony_weekly_report_hour
            telephony_mail_date_hours telephony_mail_outside
            telephony_mail_trusted_server telephony_one_person_approval
            telephony_reopen_days telephony_head_id
            telephony_annual_report_year
        """,
    },
    "res.config.settings": {
        "all": """
            telephony_at_risk_hours telephony_availability_target telephony_calendar_id
            telephony_eve_closing_hour telephony_extension_max_digits
            telephony_extension_min_digits telephony_idle_months telephony_manager_id
            telephony_weekly_report_hour
            telephony_mail_date_hours telephony_mail_outside
            telephony_mail_trusted_server telephony_one_person_approval
            telephony_reopen_days telephony_head_id
        """,
    },
    "resource.calendar.leaves": {
        "all": "council_closure_date council_closure_kind",
    },
    "telephony.annual.report": {
        "all": """
            company_id create_date create_uid display_name id write_date write_uid year
        """,
    },
    "telephony.availability.month": {
        "all": """
            availability below_target company_id display_name downtime_hours id month
            period_hours period_type scope_name target vendor_id
        """,
    },
    "telephony.bill.payment": {
        "all": """
            amount bill_id budget_id company_id contract_id currency_id date
            display_name id payment_move_id vendor_id year
            budget_state
        """,
    },
    "telephony.budget": {
        "all": """
            amount approved_amount bill_ids company_id contract_id create_date
            create_uid currency_id display_name has_message id last_approval_at
            message_has_error message_has_error_counter message_has_sms_error
            message_ids message_is_follower message_needaction
            message_needaction_counter outstanding_amount paid_amount payment_ids
            remaining_amount vendor_id website_message_ids write_date write_uid year
        """,
        "internal": "message_attachment_count message_follower_ids message_partner_ids",
    },
    "telephony.budget.override": {
        "all": """
            amount_total budget_remaining company_currency_id create_date create_uid
            currency_id display_name id move_id reason write_date write_uid
        """,
    },
    "telephony.compliance.review": {
        "all": """
            activity_exception_decoration activity_exception_icon activity_type_icon
            company_id conclusion contract_id create_date create_uid currency_id
            date_end date_start display_name has_message id line_ids message_has_error
            message_has_error_counter message_has_sms_error message_ids
            message_is_follower message_needaction message_needaction_counter
            next_review_date next_review_reminded penalty_total result state vendor_id
            website_message_ids write_date write_uid
        """,
        "internal": """
            activity_date_deadline activity_ids activity_state activity_summary
            activity_type_id activity_user_id message_attachment_count
            message_follower_ids message_partner_ids my_activity_date_deadline
        """,
    },
    "telephony.compliance.review.line": {
        "all": """
            availability beyond_count call_count create_date create_uid currency_id
            display_name id median_hours name note p90_hours passed penalty
            pending_count review_id sequence target term within_count within_share
            write_date write_uid
        """,
    },
    "telephony.contract": {
        "all": """
            activity_exception_decoration activity_exception_icon activity_type_icon
            availability_guarantee budget_count budget_ids budget_reminded_year
            company_id compliance_review_count compliance_review_ids create_date
            create_uid currency_id date_end date_start display_name document_ids
            end_reminded_on first_review_reminded has_message id message_has_error
            message_has_error_counter message_has_sms_error message_ids
            message_is_follower message_needaction message_needaction_counter name
            penalty_ids price_ids reminder_days repair_hours response_hours state
            terms_note vendor_id website_message_ids write_date write_uid
        """,
        "internal": """
            activity_date_deadline activity_ids activity_state activity_summary
            activity_type_id activity_user_id message_attachment_count
            message_follower_ids message_partner_ids my_activity_date_deadline
        """,
    },
    "telephony.contract.penalty": {
        "all": """
            amount cap contract_id create_date create_uid currency_id display_name id
            note term write_date write_uid
        """,
    },
    "telephony.contract.price": {
        "all": """
            contract_id create_date create_uid currency_id display_name id name price
            sequence unit write_date write_uid
        """,
    },
    "telephony.device.model": {
        "all": """
            active create_date create_uid display_name extension_ids id manufacturer
            name vendor_id write_date write_uid
        """,
    },
    "telephony.escalate": {
        "all": """
            create_date create_uid display_name id reason ticket_id write_date write_uid
        """,
    },
    "telephony.escalation": {
        "all": """
            activity_exception_decoration activity_exception_icon activity_type_icon
            company_id create_date create_uid decided_at decided_by_id decision
            display_name escalated_at escalated_by_id has_message id manager_id
            message_has_error message_has_error_counter message_has_sms_error
            message_ids message_is_follower message_needaction
            message_needaction_counter reason state ticket_id trigger vendor_call_id
            website_message_ids write_date write_uid
            handback handed_from_id
        """,
        "internal": """
            activity_date_deadline activity_ids activity_state activity_summary
            activity_type_id activity_user_id message_attachment_count
            message_follower_ids message_partner_ids my_activity_date_deadline
        """,
    },
    "telephony.extension": {
        "all": """
            active carrier_line_number company_id create_date create_uid department_id
            device_model_id device_serial display_name employee_id has_message id kind
            location message_has_error message_has_error_counter message_has_sms_error
            message_ids message_is_follower message_needaction
            message_needaction_counter note number number_digits ticket_count ticket_ids
            user_id website_message_ids write_date write_uid
        """,
        "internal": "message_attachment_count message_follower_ids message_partner_ids",
    },
    "telephony.holiday.load": {
        "all": """
            calendar_id create_date create_uid display_name id write_date write_uid year
        """,
    },
    "telephony.idle.extension": {
        "all": """
            company_id department_id display_name extension_id id last_call_period
            monthly_cost months reported
        """,
    },
    "telephony.moment.correction": {
        "all": """
            company_id corrected_at create_date create_uid current_value display_name id
            moment new_value old_value reason ticket_id user_id vendor_call_id
            write_date write_uid
        """,
    },
    "telephony.outage": {
        "all": """
            affected_share cause company_id create_date create_uid display_name
            duration_hours end extension_ids has_message id message_has_error
            message_has_error_counter message_has_sms_error message_ids
            message_is_follower message_needaction message_needaction_counter
            overlap_warning planned scope site start ticket_id vendor_call_id vendor_id
            website_message_ids write_date write_uid
        """,
        "internal": "message_attachment_count message_follower_ids message_partner_ids",
    },
    "telephony.response.compliance": {
        "all": """
            category_id company_id compliance display_name id in_time outcome
            received_at response_deadline response_met_at ticket_id vendor_id
        """,
    },
    "telephony.spend": {
        "all": """
            approved_amount budget_amount budget_id company_id contract_id currency_id
            display_name id outstanding_amount paid_amount remaining_amount vendor_id
            year
        """,
    },
    "telephony.training.attendance": {
        "all": """
            company_id create_date create_uid date department_id device_model_id
            display_name employee_id function id session_id session_state state topic
            user_id write_date write_uid
        """,
    },
    "telephony.training.gap": {
        "all": """
            company_id department_id device_model_id display_name employee_id id numbers
        """,
    },
    "telephony.training.session": {
        "all": """
            activity_exception_decoration activity_exception_icon activity_type_icon
            attendance_ids attended_count company_id create_date create_uid date
            description device_model_id display_name function has_message id
            invited_count material_ids message_has_error message_has_error_counter
            message_has_sms_error message_ids message_is_follower message_needaction
            message_needaction_counter name state trainer_id website_message_ids
            write_date write_uid
        """,
        "internal": """
            activity_date_deadline activity_ids activity_state activity_summary
            activity_type_id activity_user_id message_attachment_count
            message_follower_ids message_partner_ids my_activity_date_deadline
        """,
    },
    "telephony.usage": {
        "all": """
            calls company_id cost currency_id department_id display_name extension_id id
            minutes number period
        """,
    },
    "telephony.usage.import": {
        "all": """
            company_id create_date create_uid display_name error_count file finished_at
            has_message id message_has_error message_has_error_counter
            message_has_sms_error message_ids message_is_follower message_needaction
            message_needaction_counter name periods progress result row_count state
            user_id website_message_ids write_date write_uid
            profile_id
        """,
        "internal": "message_attachment_count message_follower_ids message_partner_ids",
    },
    "telephony.vendor": {
        "all": """
            active category_ids channel_type company_id create_date create_uid
            display_name followup_hours has_message id message_has_error
            message_has_error_counter message_has_sms_error message_ids
            message_is_follower message_needaction message_needaction_counter name
            open_call_count partner_id repair_hours sequence vendor_call_ids
            website_message_ids write_date write_uid
        """,
        "internal": "message_attachment_count message_follower_ids message_partner_ids",
        "staff": """
            conduct_rules management_contact_ids request_email request_instructions
            request_phone request_url
            reference_pattern
        """,
    },
    "telephony.vendor.call": {
        "all": """
            activity_exception_decoration activity_exception_icon activity_type_icon
            channel_type company_id create_date create_uid description display_name
            followup_due_at followup_reminded_at has_message id last_news_at
            message_has_error message_has_error_counter message_has_sms_error
            message_ids message_is_follower message_needaction
            message_needaction_counter name opened_at opened_by_id promised_at
            repair_due_at repair_overdue resolved_at responded_at state ticket_id
            vendor_id vendor_reference website_message_ids write_date write_uid
            promise_reminded_at
        """,
        "internal": """
            activity_date_deadline activity_ids activity_state activity_summary
            activity_type_id activity_user_id message_attachment_count
            message_follower_ids message_partner_ids my_activity_date_deadline
        """,
        "staff": "conduct_rules request_instructions",
    },
    "telephony.vendor.call.open": {
        "all": """
            channel_type create_date create_uid description display_name id promised_at
            ticket_id vendor_id vendor_reference write_date write_uid
        """,
        "staff": "request_email request_instructions request_phone request_url",
    },
    "telephony.weekly.report": {
        "all": """
            attachment_id company_id create_date create_uid display_name has_message id
            message_has_error message_has_error_counter message_has_sms_error
            message_ids message_is_follower message_needaction
            message_needaction_counter name period_end period_start sent_at ticket_count
            ticket_ids vendor_call_ids website_message_ids write_date write_uid
        """,
        "internal": "message_attachment_count message_follower_ids message_partner_ids",
    },
    "telephony.bill.event": {
        "all": """
            amount bill_id company_id currency_id date display_name has_amount id
            kind note user_id vendor_id
        """,
    },
    "telephony.usage.import.profile": {
        "all": """
            active call_id_column calls_column cost_column create_date
            create_uid datetime_format delimiter department_column
            display_name duration_column duration_unit encoding file_type
            filter_column filter_values header id kind minutes_column name
            number_column period_column preset price_id price_item quotechar sequence
            skip_after_header skip_lines start_column talk_only tz vendor_id
            write_date write_uid
        """,
    },
    "telephony.weekly.report.week": {
        "all": """
            company_id create_date create_uid date display_name id write_date write_uid
        """,
    },
    "tier.review": {
        "all": """
            active telephony_currency_id telephony_fingerprint
            telephony_signed_amount telephony_signed_content
            telephony_withdrawn_by telephony_withdrawn_date
            telephony_withdrawn_reason
        """,
    },
}
MODULES = ("council_telephony", "council_telephony_reports")


@tagged("post_install", "-at_install")
class TestAccessMatrix(RpcMixin, TelephonyCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for role, group in (
            ("hr_officer", "hr.group_hr_user"),
            ("billing", "account.group_account_invoice"),
        ):
            login = f"t_{role}"
            user = new_test_user(
                cls.env, login=login, groups=group, email=f"{login}@council.test"
            )
            setattr(cls, role, user)
        # The newest ticket, extension, file and bill: another employee's
        # ticket and extension, the IT division's file on that ticket, a
        # telephony bill not approved yet.
        ticket = cls._ticket(cls.cat_pbx, user=cls.employee2)
        cls.env["telephony.extension"].create(
            {
                "number": "4102",
                "employee_id": cls.env["hr.employee"]
                .create({"name": "Employee Two", "user_id": cls.employee2.id})
                .id,
            }
        )
        cls.env["ir.attachment"].create(
            {
                "name": "quote.txt",
                "raw": b"quote",
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            }
        )
        cls.env["account.move"].create(
            {"move_type": "in_invoice", "partner_id": cls.tadiran.partner_id.id}
        )

    def _ours(self):
        """The models and fields the two addons define or extend."""
        data = self.env["ir.model.data"].search(
            [
                ("module", "in", MODULES),
                ("model", "in", ("ir.model", "ir.model.fields")),
            ]
        )
        models = self.env["ir.model"].browse(
            data.filtered(lambda d: d.model == "ir.model").mapped("res_id")
        )
        fields = {}
        for field in self.env["ir.model.fields"].browse(
            data.filtered(lambda d: d.model == "ir.model.fields").mapped("res_id")
        ):
            fields.setdefault(field.model, set()).add(field.name)
        return set(models.mapped("model")), fields

    @staticmethod
    def _listed_fields():
        return {
            model: {name for names in audiences.values() for name in names.split()}
            for model, audiences in FIELDS.items()
        }

    def test_the_tables_name_every_model_and_field(self):
        models, fields = self._ours()
        listed = self._listed_fields()
        where = "council_telephony/tests/test_access_matrix.py"
        missing = sorted(models - set(MODELS))
        self.assertFalse(
            missing,
            f"Models not in MODELS ({where}): {', '.join(missing)}. Add a line "
            "per model: who may read, write, create and unlink.",
        )
        self.assertFalse(
            sorted(set(MODELS) - models), f"MODELS names models that are gone ({where})"
        )
        missing = sorted(
            f"{model}.{name}"
            for model, names in fields.items()
            for name in names - listed.get(model, set())
        )
        self.assertFalse(
            missing,
            f"Fields not in FIELDS ({where}): {', '.join(missing)}. Add each to "
            "its model's audience: all, internal, employees or staff.",
        )
        gone = sorted(
            f"{model}.{name}"
            for model, names in listed.items()
            for name in names - fields.get(model, set())
        )
        self.assertFalse(gone, f"FIELDS names fields that are gone ({where})")

    def _allowed(self, model, operation, sample):
        """False if refused for access, over JSON-RPC."""
        args = {
            "read": ([sample], ["display_name"]),
            "write": ([sample], {}),
            "create": ({"x_access_matrix_probe": 1},),
            "unlink": ([NO_RECORD],),
        }[operation]
        try:
            self._rpc(model, operation, *args)
        except JsonRpcException as error:
            if "AccessError" in str(error):
                return False
        # Passed, or stopped before the access check; and writing no values
        # may pass without one (account.move): the access check decides,
        # Odoo's own, public over RPC (on no records: the model's rights).
        return self._rpc(model, "has_access", [], operation)

    def test_every_role_on_every_model_and_field(self):
        samples = {
            model: self.env[model].search([], limit=1, order="id desc").id or NO_RECORD
            for model, rights in MODELS.items()
            if rights != ABSTRACT
        }
        counts = Counter()
        wrong = []
        for role in ROLES:
            self._login(role)
            for model, rights in MODELS.items():
                if rights == ABSTRACT:
                    continue
                for operation in OPERATIONS:
                    allowed = self._allowed(model, operation, samples[model])
                    counts["allowed" if allowed else "refused"] += 1
                    if allowed != (role in rights[operation]):
                        wrong.append(
                            f"{model} {operation} by {role}: "
                            f"{'allowed' if allowed else 'refused'}, the table "
                            f"says {'refused' if allowed else 'allowed'}"
                        )
            for model, audiences in FIELDS.items():
                seen = set(self._rpc(model, "fields_get", [], ["type"]))
                for audience, names in audiences.items():
                    for name in names.split():
                        visible = name in seen
                        counts["field seen" if visible else "field hidden"] += 1
                        if visible != (role in AUDIENCES[audience]):
                            wrong.append(
                                f"{model}.{name} for {role}: "
                                f"{'seen' if visible else 'hidden'}, the table "
                                f"says {audience}"
                            )
        _logger.info(
            "access matrix: %s model cells (%s allowed, %s refused), "
            "%s field cells (%s seen, %s hidden)",
            counts["allowed"] + counts["refused"],
            counts["allowed"],
            counts["refused"],
            counts["field seen"] + counts["field hidden"],
            counts["field seen"],
            counts["field hidden"],
        )
        self.assertFalse(wrong, "\n".join(wrong))
