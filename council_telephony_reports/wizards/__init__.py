from . import telephony_usage_import
