from . import israeli_calendar
from . import localtime
from . import numbering
