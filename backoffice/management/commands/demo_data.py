from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from backoffice.demo.data import demo_data_load

DEFAULT_PASSWORD = "Aktenfluss-Demo-2026"


class Command(BaseCommand):
    help = "Load demo departments, filing plan, e-files and one user per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="password of new demo users"
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load even though DEBUG is off (creates users with a known password)",
        )

    def handle(self, *args, password: str, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo data creates users with a known password; refusing without DEBUG. "
                "Pass --allow-production if you really mean it."
            )
        with transaction.atomic():
            users = demo_data_load(password=password)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        self.stdout.write("")
        self.stdout.write(f"{'Benutzer':<26} {'Rolle':<24} Passwort")
        for spec, created in users:
            shown = password if created else "(unverändert)"
            self.stdout.write(f"{spec.username:<26} {spec.role.value:<24} {shown}")
