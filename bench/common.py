"""What every benchmark does first: read its options and the Odoo
configuration, and open an environment on the benchmark database."""

import argparse
from contextlib import contextmanager

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def parse_args(description, **options):
    """``options``: name=(type, default) for the benchmark's own arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", default="council_test")
    for name, (kind, default) in options.items():
        parser.add_argument(f"--{name}", type=kind, default=default)
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    return args


@contextmanager
def environment(db, context=None):
    """A superuser environment in one transaction; the caller rolls back."""
    with Registry(db).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, context or {})
