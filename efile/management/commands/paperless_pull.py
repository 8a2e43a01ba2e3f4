"""`python manage.py paperless_pull`: take tagged Paperless-ngx documents into intake."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from efile.connectors.paperless_sync import PaperlessNotConfigured, paperless_pull


class Command(BaseCommand):
    help = (
        "Take Paperless-ngx documents carrying the pull tag into the intake inbox and tag "
        "them as transferred; exits non-zero if anything failed."
    )

    def handle(self, *args, **options):
        try:
            result = paperless_pull()
        except PaperlessNotConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Paperless-ngx: %(found)s Dokument(e) gefunden, %(imported)s übernommen "
                "(davon %(same)s inhaltsgleich mit einem früheren Eingang), %(marked)s "
                "nachträglich als übertragen markiert, %(failed)s fehlgeschlagen."
            )
            % {
                "found": result.found,
                "imported": result.imported,
                "same": result.same_content,
                "marked": result.marked_later,
                "failed": len(result.failed),
            }
        )
        for message in [*result.failed, *result.errors]:
            self.stderr.write(message)
        if not result.ok:
            raise CommandError(
                _("Die Übernahme aus Paperless-ngx ist unvollständig: %(count)s Fehler.")
                % {"count": len(result.failed) + len(result.errors)}
            )
