def migrate(cr, version):
    # Usage imports were dialogs (a transient model) and are now records of
    # their own: what the dialogs left is not an import. Imports already
    # records (the model no longer transient) are kept.
    cr.execute(
        """DELETE FROM telephony_usage_import
            WHERE (SELECT transient FROM ir_model
                    WHERE model = 'telephony.usage.import')"""
    )
    # Usage rows keep no foreign keys (see models/telephony_usage.py).
    cr.execute(
        """
        ALTER TABLE telephony_usage
            DROP CONSTRAINT IF EXISTS telephony_usage_company_id_fkey,
            DROP CONSTRAINT IF EXISTS telephony_usage_extension_id_fkey,
            DROP CONSTRAINT IF EXISTS telephony_usage_department_id_fkey;
        DELETE FROM ir_model_constraint
         WHERE type = 'f' AND model = (SELECT id FROM ir_model
                                        WHERE model = 'telephony.usage');
        """
    )
