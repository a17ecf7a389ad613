from . import telephony_vendor_call_open
