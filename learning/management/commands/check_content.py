from django.core.management.base import BaseCommand, CommandError

from learning.content.checks import content_check


class Command(BaseCommand):
    help = "Check every lesson, exercise and question, proving their policy claims with the engine."

    def handle(self, *args, **options) -> None:
        problems = content_check()
        for problem in problems:
            self.stderr.write(f"- {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problems in the content.")
        self.stdout.write(self.style.SUCCESS("Content is sound."))
