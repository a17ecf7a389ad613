from . import weeks
