# Copyright 2026 Council Telephony
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Council Telephony Reports",
    "summary": "The Thursday weekly report and the annual report to the head of "
    "council (procedure 4.3.8, 4.2.5)",
    "version": "18.0.1.3.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Council Telephony",
    "website": "https://github.com/council-telephony/council-telephony",
    "depends": ["council_telephony", "report_xlsx"],
    "data": [
        "security/council_telephony_reports_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "data/telephony_usage_import_profile_data.xml",
        "report/telephony_letterhead_templates.xml",
        "report/telephony_weekly_report_templates.xml",
        "report/telephony_annual_report_templates.xml",
        "views/telephony_weekly_report_views.xml",
        "views/telephony_usage_views.xml",
        "views/telephony_usage_import_views.xml",
        "views/telephony_usage_import_profile_views.xml",
        "views/telephony_dashboard_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/telephony_annual_report_views.xml",
        "wizards/telephony_weekly_report_week_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "council_telephony_reports/static/src/usage_import_progress/*.js",
            "council_telephony_reports/static/src/views/*.scss",
        ],
        "web.assets_tests": ["council_telephony_reports/static/tests/tours/*.js"],
    },
    "development_status": "Alpha",
    "installable": True,
}
