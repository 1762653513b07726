"""What a validated launch does: the account, the class, the assignment, where to land."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from learning.lti import grades, integration
from learning.lti.launch import DEEP_LINKING_REQUEST, Launch, LaunchRefused
from learning.lti.models import GradeTarget, LtiContext, LtiUser, Platform, ResourceLink
from learning.lti.toolconf import http_session, registration_for

logger = logging.getLogger(__name__)

ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership"
TEACHER_ROLES = {f"{ROLE}#Instructor", f"{ROLE}#ContentDeveloper", f"{ROLE}#Administrator"}
LEARNER_ROLE = f"{ROLE}#Learner"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def _full(roles: list[str]) -> list[str]:
    """Role URIs; names and role services may give the short form (``Instructor``)."""
    return [r if ":" in r else f"{ROLE}#{r}" for r in roles]


def is_teacher(roles: list[str]) -> bool:
    """An instructor (or a sub-role of one), a content developer or an administrator."""
    roles = _full(roles)
    return any(r in TEACHER_ROLES or r.startswith(f"{ROLE}/Instructor#") for r in roles)


def is_learner(roles: list[str]) -> bool:
    roles = _full(roles)
    return any(r == LEARNER_ROLE or r.startswith(f"{ROLE}/Learner#") for r in roles)


def _username(platform: Platform, sub: str) -> str:
    digest = hashlib.sha256(f"{platform.pk}:{sub}".encode()).hexdigest()[:24]
    return f"lti-{digest}"


def _lti_user_new(*, platform: Platform, sub: str, email: str) -> LtiUser:
    user_model = get_user_model()
    taken = bool(email) and user_model.objects.filter(email__iexact=email).exists()
    user = user_model.objects.create(
        username=_username(platform, sub), email="" if taken else email.lower()
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return LtiUser.objects.create(platform=platform, sub=sub, user=user)


def lti_user_ensure(*, platform: Platform, sub: str, name: str, email: str) -> LtiUser:
    """The account linked to this platform and ``sub``, made on the first launch.

    The platform's email is kept on the account only when no other account
    has it: a platform cannot take over an account that already exists."""
    identity = LtiUser.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if identity is None:
        try:
            with transaction.atomic():
                identity = _lti_user_new(platform=platform, sub=sub, email=email)
        except IntegrityError:  # the same person launched twice at once
            identity = LtiUser.objects.select_related("user").get(platform=platform, sub=sub)
    if (identity.name, identity.email) != (name, email):
        identity.name, identity.email = name, email
        identity.save(update_fields=["name", "email"])
    integration.profile_name_set(user=identity.user, name=name)
    return identity


def context_ensure(*, platform: Platform, context_id: str, title: str) -> LtiContext:
    """One class per course: the first launch in the course makes it, whoever launches."""
    context = LtiContext.objects.select_related("classroom").filter(
        platform=platform, context_id=context_id
    )
    found = context.select_for_update().first()
    if found is not None:
        integration.classroom_rename(classroom=found.classroom, title=title)
        return found
    try:
        with transaction.atomic():
            owner = integration.service_owner(username=f"lti-platform-{platform.pk}")
            classroom = integration.classroom_new(owner=owner, title=title or context_id)
            return LtiContext.objects.create(
                platform=platform, context_id=context_id, title=title, classroom=classroom
            )
    except IntegrityError:  # two first launches in the course at once: one class
        return LtiContext.objects.select_related("classroom").get(
            platform=platform, context_id=context_id
        )


@dataclass(frozen=True)
class LaunchResult:
    user: User
    destination: str
    context: LtiContext | None


def _item_of(launch: Launch) -> integration.Item | None:
    ref = launch.custom.get("rolecall")
    if isinstance(ref, str) and ref:
        return integration.item_from_ref(ref)
    return integration.item_from_url(launch.target_link_uri)


def _resource_link(
    *, launch: Launch, context: LtiContext, by: User
) -> tuple[ResourceLink, integration.Item] | None:
    item = _item_of(launch)
    if item is None or not launch.resource_link_id:
        return None
    link = ResourceLink.objects.filter(context=context, resource_link_id=launch.resource_link_id)
    found = link.select_related("assignment").first()
    if found is not None and found.item == item.ref:
        return found, item
    assignment = integration.assignment_for_item(classroom=context.classroom, by=by, item=item)
    found, _ = ResourceLink.objects.update_or_create(
        context=context,
        resource_link_id=launch.resource_link_id,
        defaults={"item": item.ref, "assignment": assignment},
    )
    return found, item


def _grade_target(
    *, launch: Launch, link: ResourceLink, identity: LtiUser, item: integration.Item
) -> None:
    """Keep where this learner's score goes; an item already finished is graded now."""
    ags = launch.ags
    lineitem = ags.get("lineitem")
    if not lineitem or SCORE_SCOPE not in ags.get("scope", []):
        return
    target, _ = GradeTarget.objects.update_or_create(
        link=link,
        lti_user=identity,
        defaults={"lineitem_url": lineitem, "scopes": list(ags.get("scope", []))},
    )
    if target.posts.exists():
        return
    score = integration.finished_score(user=identity.user, item=item, assignment=link.assignment)
    if score is not None:
        grades.score_queue(targets=[target], given=score[0], maximum=score[1])


@transaction.atomic
def launch_apply(*, launch: Launch) -> LaunchResult:
    """Make what a valid launch stands for: the account, its class, the assignment."""
    claims = launch.claims
    identity = lti_user_ensure(
        platform=launch.platform,
        sub=launch.sub,
        name=str(claims.get("name") or claims.get("given_name") or "")[:200],
        email=str(claims.get("email") or "")[:254],
    )
    teacher = is_teacher(launch.roles)
    context = None
    if launch.context.get("id"):
        context = context_ensure(
            platform=launch.platform,
            context_id=str(launch.context["id"]),
            title=str(launch.context.get("title") or launch.context.get("label") or ""),
        )
        if teacher or is_learner(launch.roles):
            integration.member_ensure(
                classroom=context.classroom, user=identity.user, teacher=teacher
            )
        if launch.nrps.get("context_memberships_url"):
            context.memberships_url = launch.nrps["context_memberships_url"]
            context.save(update_fields=["memberships_url"])
    if launch.message_type == DEEP_LINKING_REQUEST:
        if not teacher:
            raise LaunchRefused("role", "Only a course's instructors can add RoleCall activities.")
        return LaunchResult(identity.user, reverse("lti:deep_link_picker"), context)
    return _resource_launch(launch=launch, identity=identity, context=context, teacher=teacher)


def _resource_launch(
    *, launch: Launch, identity: LtiUser, context: LtiContext | None, teacher: bool
) -> LaunchResult:
    if context is None:
        item = _item_of(launch)
        if item is None:
            return LaunchResult(identity.user, reverse("courses:course_map"), None)
        return LaunchResult(identity.user, integration.deep_link_page_url(item=item), None)
    found = _resource_link(launch=launch, context=context, by=identity.user)
    if found is None:
        return LaunchResult(identity.user, context.classroom.get_absolute_url(), context)
    link, item = found
    if not teacher:
        _grade_target(launch=launch, link=link, identity=identity, item=item)
    destination = integration.item_url(item=item, assignment=link.assignment, teacher=teacher)
    return LaunchResult(identity.user, destination, context)


def roster_sync(*, context: LtiContext) -> int:
    """Fill the class from the platform's Names and Role Provisioning service.

    Returns how many members were added or updated; a platform that fails is
    logged and the class keeps who it has."""
    if not context.memberships_url:
        return 0
    connector = ServiceConnector(registration_for(context.platform), http_session())
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": context.memberships_url}
    )
    try:
        members = service.get_members()
    except (LtiException, ValueError, OSError) as exc:
        logger.warning("Roster of %s could not be read: %s", context, exc)
        return 0
    count = 0
    for member in members:
        if member.get("status", "Active") != "Active" or not member.get("user_id"):
            continue
        roles = list(member.get("roles", []))
        if not (is_teacher(roles) or is_learner(roles)):
            continue
        with transaction.atomic():
            identity = lti_user_ensure(
                platform=context.platform,
                sub=str(member["user_id"]),
                name=str(member.get("name", ""))[:200],
                email=str(member.get("email", ""))[:254],
            )
            integration.member_ensure(
                classroom=context.classroom, user=identity.user, teacher=is_teacher(roles)
            )
        count += 1
    return count
