from . import israeli_calendar
from . import numbering
