from django.core.management.base import BaseCommand, CommandError

from efile.audit import audit_chain_breaks
from efile.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exits non-zero at the first break."

    def handle(self, *args, **options):
        for chain_break in audit_chain_breaks():
            where = f"event {chain_break.event_id}" if chain_break.event_id else "end of chain"
            raise CommandError(f"Audit chain broken at {where}: {chain_break.reason}")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
