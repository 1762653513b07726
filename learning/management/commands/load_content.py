from django.core.management.base import BaseCommand, CommandError

from learning.content.loader import content_load
from learning.content.rendering import ContentError


class Command(BaseCommand):
    help = "Load lessons, exercises and questions from learning/content/ (idempotent)."

    def handle(self, *args, **options) -> None:
        try:
            report = content_load()
        except ContentError as exc:
            raise CommandError(f"Content could not be loaded: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Content loaded. {report.summary()}"))
