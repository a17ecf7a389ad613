from . import telephony_annual_report
from . import telephony_usage_import
