"""Odoo's command line as a script, for the load benchmark's server: Odoo's
prefork server starts its gevent process by running ``sys.argv[0]`` again,
which must therefore be a file (``python -c`` has none)."""

import odoo

if __name__ == "__main__":
    odoo.cli.main()
