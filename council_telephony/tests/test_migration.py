import importlib.util
from pathlib import Path

from .common import TelephonyCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _migration(version, name):
    path = MIGRATIONS / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


class TestMigration(TelephonyCase):
    """18.0.1.0.1: the download links that the portal page of 18.0.1.0.0
    handed out for the agents' internal files stop working; the reporter's
    own files and the files of public replies keep theirs."""

    def _file(self, ticket, name, user=None):
        # A file is the reporter's when the reporter sent it (create_uid).
        files = self.env["ir.attachment"].with_user(user or self.env.user).sudo()
        attachment = files.create(
            {
                "name": name,
                "raw": name.encode(),
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            }
        )
        attachment.generate_access_token()  # as the old portal page did
        return attachment

    def test_tokens_of_internal_files_are_revoked(self):
        ticket = self._ticket(self.cat_pbx, user=self.portal_user)
        reported = self._file(ticket, "photo.jpg", user=self.portal_user)
        internal = self._file(ticket, "quote.pdf")
        public = self._file(ticket, "instructions.pdf")
        both = self._file(ticket, "manual.pdf")
        ticket.message_post(
            body="Quote", subtype_xmlid="mail.mt_note", attachment_ids=internal.ids
        )
        ticket.message_post(
            body="Try this",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=(public | both).ids,
        )
        ticket.message_post(
            body="Also here", subtype_xmlid="mail.mt_note", attachment_ids=both.ids
        )
        tokens = {a: a.access_token for a in (reported, public, both)}
        self.env.flush_all()

        _migration("18.0.1.0.1", "post-migrate")(self.env.cr, "18.0.1.0.0")

        self.env.invalidate_all()
        self.assertFalse(internal.access_token)
        for attachment, token in tokens.items():
            self.assertEqual(attachment.access_token, token, attachment.name)
        # Run again (or on a fresh install): nothing more to do.
        _migration("18.0.1.0.1", "post-migrate")(self.env.cr, "18.0.1.0.1")
        _migration("18.0.1.0.1", "post-migrate")(self.env.cr, None)
        self.env.invalidate_all()
        self.assertEqual(public.access_token, tokens[public])
