from django.core.management.base import BaseCommand

from learning.lti.grades import retry_due
from learning.lti.models import ScorePost


class Command(BaseCommand):
    help = "Send the LTI scores whose retry time has come (the web processes also do this)."

    def handle(self, *args, **options) -> None:
        sent = retry_due()
        pending = ScorePost.objects.filter(status=ScorePost.Status.PENDING).count()
        self.stdout.write(f"{sent} scores sent, {pending} still pending.")
