def migrate(cr, version):
    """Usage imports were dialogs (a transient model) and are now records of
    their own: what the dialogs left is not an import."""
    cr.execute("DELETE FROM telephony_usage_import")
