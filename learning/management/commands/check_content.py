from django.core.management.base import BaseCommand, CommandError

from learning.content.checks import content_check
from learning.content.quality import bank_figures, quality_problems, stats_lines


class Command(BaseCommand):
    help = "Check every lesson, exercise and question, proving their policy claims with the engine."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--stats", action="store_true", help="Print the bank's figures.")

    def handle(self, *args, **options) -> None:
        if options["stats"]:
            self.stdout.write("\n".join(stats_lines(bank_figures())))
        problems = content_check() + quality_problems()
        for problem in problems:
            self.stderr.write(f"- {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problems in the content.")
        self.stdout.write(self.style.SUCCESS("Content is sound."))
