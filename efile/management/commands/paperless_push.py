"""`python manage.py paperless_push`: write Aktenzeichen back to Paperless-ngx."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from efile.connectors.paperless_sync import PaperlessNotConfigured, paperless_push


class Command(BaseCommand):
    help = (
        "Write the Aktenzeichen of filed documents taken over from Paperless-ngx back to "
        "Paperless-ngx once (custom field or tag); exits non-zero if anything failed."
    )

    def handle(self, *args, **options):
        try:
            result = paperless_push()
        except PaperlessNotConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Paperless-ngx: Aktenzeichen für %(written)s Dokument(e) zurückgeschrieben, "
                "%(waiting)s noch nicht abgelegt, %(failed)s fehlgeschlagen."
            )
            % {
                "written": result.written,
                "waiting": result.not_filed,
                "failed": len(result.failed),
            }
        )
        for message in [*result.failed, *result.errors]:
            self.stderr.write(message)
        if not result.ok:
            raise CommandError(
                _("Das Zurückschreiben nach Paperless-ngx ist unvollständig: %(count)s Fehler.")
                % {"count": len(result.failed) + len(result.errors)}
            )
