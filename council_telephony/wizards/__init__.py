from . import telephony_escalate
from . import telephony_holiday_load
from . import telephony_vendor_call_open
from . import telephony_budget_override
from . import comment_wizard
