"""Reading the content files and loading them into the database.

``content_load`` is what ``manage.py load_content`` runs: idempotent, keyed on
stable slugs and ids, so a learner's progress survives any edit. The checks
``manage.py check_content`` runs are in ``learning.content.checks``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from learning.content.rendering import ContentError, render_inline, render_markdown
from learning.courses.grading import ENGINE_KEYS
from learning.models import TRACKS, Exercise, Lesson, Question, QuestionTag

CONTENT_DIR = Path(__file__).resolve().parent
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)


@dataclass
class LessonFile:
    path: Path
    meta: dict[str, Any]
    body: str


@dataclass
class ContentSet:
    lessons: list[LessonFile] = field(default_factory=list)
    exercises: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    questions: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def content_path(path: Path, root: Path) -> str:
    """A file's path as a problem names it: relative to the content root when inside it."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def content_read(*, root: Path = CONTENT_DIR) -> ContentSet:
    """Parse every content file; unreadable files become problems, not exceptions."""
    content = ContentSet()
    for path in sorted((root / "lessons").rglob("*.md")):
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        if not match:
            content.problems.append(
                f"{content_path(path, root)}: no front matter between --- lines"
            )
            continue
        try:
            meta = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            content.problems.append(f"{content_path(path, root)}: front matter is not YAML: {exc}")
            continue
        if not isinstance(meta, dict):
            content.problems.append(f"{content_path(path, root)}: front matter must be a mapping")
            continue
        content.lessons.append(LessonFile(path, meta, match.group(2)))
    for kind, target in (("exercises", content.exercises), ("questions", content.questions)):
        for path in sorted((root / kind).glob("*.y*ml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                content.problems.append(f"{content_path(path, root)}: not YAML: {exc}")
                continue
            items = data if isinstance(data, list) else [data]
            for item in items:
                if not isinstance(item, dict):
                    content.problems.append(
                        f"{content_path(path, root)}: every entry must be a mapping"
                    )
                    continue
                target.append((path, item))
    return content


def _hash(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    retired: int = 0

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        parts = [
            f"{kind}: {self.created[kind]} new, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        ]
        if self.retired:
            parts.append(f"{self.retired} questions retired")
        return "; ".join(parts) or "no content found"


def _upsert(model, key: dict[str, Any], values: dict[str, Any], report: LoadReport, kind: str):
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model.objects.create(**key, **values)
        report.created[kind] += 1
    elif obj.content_hash != values["content_hash"]:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return obj


@transaction.atomic
def _lesson_values(lesson: LessonFile, track_positions: dict[str, int]) -> dict[str, Any]:
    meta = lesson.meta
    rendered = render_markdown(lesson.body)
    values = {
        "title": meta["title"],
        "track": meta["track"],
        "track_position": track_positions.get(meta["track"], len(TRACKS)),
        "order": meta["order"],
        "summary": meta.get("summary", ""),
        "minutes": meta.get("minutes", 10),
        "exams": meta.get("exams") or {},
        "sources": meta.get("sources") or [],
        "body_markdown": lesson.body,
        "body_html": rendered.html,
        "blocks": rendered.blocks,
        "toc": rendered.toc,
        "word_count": rendered.word_count,
    }
    values["content_hash"] = _hash(values)
    return values


def _exercise_values(item: dict[str, Any], lesson: Lesson | None, order: int) -> dict[str, Any]:
    values = {
        "lesson": lesson,
        "order": order,
        "title": item["title"],
        "kind": item["kind"],
        "difficulty": item.get("difficulty", 1),
        "role_arn": item["role_arn"],
        "goal_html": render_inline(item["goal"]),
        "starting_policy": item["starting_policy"],
        "solution": item["solution"],
        "explanation_html": render_inline(item.get("explanation") or ""),
        "hints": [render_inline(h) for h in item.get("hints") or []],
        "scenarios": item.get("scenarios") or [],
        "attack": item.get("attack"),
        "scope": item.get("scope"),
    }
    values["content_hash"] = _hash(values, item.get("lesson"))
    return values


def _question_values(item: dict[str, Any]) -> dict[str, Any]:
    options = [
        {
            "text_html": render_inline(str(o["text"])),
            "correct": bool(o.get("correct")),
            "why_html": render_inline(str(o.get("why", ""))),
        }
        for o in item.get("options") or []
    ]
    exercise_data = None
    if item["type"] == "fix":
        exercise_data = {
            key: item.get(key)
            for key in ("starting_policy", "solution", "role_arn", "scenarios", "hints")
        }
    values = {
        "type": item["type"],
        "topic": item["topic"],
        "difficulty": item.get("difficulty", 2),
        "stem_html": render_inline(item["stem"]),
        "policy": item.get("policy") or "",
        "request": item.get("request"),
        "decision": item.get("decision") or "",
        "caller_policies": {key: item[key] for key in ENGINE_KEYS if key in item},
        "options": options,
        "choose": max(1, sum(1 for o in options if o["correct"])),
        "exercise_data": exercise_data,
        "sources": item.get("sources") or [],
        "retired": False,
    }
    values["content_hash"] = _hash(values, item.get("exams"))
    return values


def _question_tags_sync(question: Question, exams: dict[str, Any]) -> None:
    wanted = {(exam, str(task)) for exam, tasks in exams.items() for task in tasks}
    have = set(question.tags.values_list("exam", "task"))
    if wanted != have:
        question.tags.all().delete()
        QuestionTag.objects.bulk_create(
            QuestionTag(question=question, exam=exam, task=task) for exam, task in wanted
        )


def content_load(*, root: Path = CONTENT_DIR) -> LoadReport:
    """Load every content file into the database. Running it twice changes nothing."""
    content = content_read(root=root)
    if content.problems:
        raise ContentError("; ".join(content.problems))
    report = LoadReport()
    track_positions = {track: i for i, track in enumerate(TRACKS)}
    lessons: dict[str, Lesson] = {}
    for lesson in content.lessons:
        slug = lesson.meta["slug"]
        values = _lesson_values(lesson, track_positions)
        lessons[slug] = _upsert(Lesson, {"slug": slug}, values, report, "lessons")
    exercise_order = {
        ex: i
        for lesson in content.lessons
        for i, ex in enumerate(lesson.meta.get("exercises") or [])
    }
    for _, item in content.exercises:
        lesson_row = lessons.get(item.get("lesson", ""))
        values = _exercise_values(item, lesson_row, exercise_order.get(item["slug"], 99))
        _upsert(Exercise, {"slug": item["slug"]}, values, report, "exercises")
    seen_questions = []
    for _, item in content.questions:
        values = _question_values(item)
        question = _upsert(Question, {"qid": item["id"]}, values, report, "questions")
        seen_questions.append(question.pk)
        _question_tags_sync(question, item["exams"])
    # Questions removed from the files are retired, not deleted: answers refer to them.
    report.retired = (
        Question.objects.exclude(pk__in=seen_questions).filter(retired=False).update(retired=True)
    )
    return report
