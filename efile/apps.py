from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EfileConfig(AppConfig):
    name = "efile"
    verbose_name = _("E-Akte")
