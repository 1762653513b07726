"""Copy each assignment's JSON id lists into its ordered item rows.

An id that no longer names an exercise or question (content removed since the
assignment was set) cannot become a foreign key: it is dropped, and a warning
names the assignment and the id. A repeated id keeps its first place.
Reversed, the lists are written back from the rows."""

import logging

from django.db import migrations

logger = logging.getLogger("learning.migrations")


def _copy_lists(apps, schema_editor):
    Assignment = apps.get_model("learning", "Assignment")
    lists = [
        ("exercise_ids", apps.get_model("learning", "Exercise"), "AssignmentExercise", "exercise"),
        ("question_ids", apps.get_model("learning", "Question"), "AssignmentQuestion", "question"),
    ]
    for field, target, item_model, fk in lists:
        Item = apps.get_model("learning", item_model)
        known = set(target.objects.values_list("pk", flat=True))
        items = []
        for assignment in Assignment.objects.order_by("pk"):
            kept: list[int] = []
            for pk in getattr(assignment, field) or []:
                if pk not in known:
                    logger.warning(
                        "assignment %s (%s): %s %r no longer exists; dropped from the list",
                        assignment.pk,
                        assignment.title,
                        fk,
                        pk,
                    )
                elif pk not in kept:
                    kept.append(pk)
            items += [
                Item(assignment=assignment, position=position, **{f"{fk}_id": pk})
                for position, pk in enumerate(kept, start=1)
            ]
        Item.objects.bulk_create(items)


def _restore_lists(apps, schema_editor):
    Assignment = apps.get_model("learning", "Assignment")
    for field, item_model, fk in [
        ("exercise_ids", "AssignmentExercise", "exercise"),
        ("question_ids", "AssignmentQuestion", "question"),
    ]:
        Item = apps.get_model("learning", item_model)
        lists: dict[int, list[int]] = {}
        for assignment_id, pk in Item.objects.order_by("assignment_id", "position").values_list(
            "assignment_id", f"{fk}_id"
        ):
            lists.setdefault(assignment_id, []).append(pk)
        for assignment_id, pks in lists.items():
            Assignment.objects.filter(pk=assignment_id).update(**{field: pks})
        Item.objects.all().delete()  # the lists hold them again


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0007_assignment_items"),
    ]

    operations = [
        migrations.RunPython(_copy_lists, _restore_lists),
    ]
