"""Deep Linking 2.0: the instructor's choice goes back to the platform as a signed
``LtiDeepLinkingResponse``, posted by the browser to the return URL exactly as given."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from learning.lti import integration
from learning.lti.models import Platform
from learning.lti.registry import ToolEndpoints, origin_of
from learning.lti.session import DEEP_LINK_KEY
from learning.lti.toolconf import registration_for

DL_DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


class DeepLinkError(ValueError):
    """A choice RoleCall cannot send back; shown on the picker with a 400."""


def request_in_session(request: HttpRequest) -> dict[str, Any] | None:
    """The deep-linking request this browser launched with, if any (instructors only)."""
    if not request.user.is_authenticated:
        return None
    return request.session.get(DEEP_LINK_KEY)


def items(query: str) -> list[integration.Item]:
    return integration.items_search(query)


def score_maximum(item: integration.Item) -> float:
    return float(integration.LTI_EXAM_LENGTH) if item.kind == "exam" else 1.0


def content_item(
    *, item: integration.Item, endpoints: ToolEndpoints, with_lineitem: bool
) -> DeepLinkResource:
    base = endpoints.launch_url.split("/lti/", 1)[0]
    resource = (
        DeepLinkResource()
        .set_title(item.title)
        .set_url(base + integration.deep_link_page_url(item=item))
        .set_custom_params({"rolecall": item.ref})
    )
    if with_lineitem:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(score_maximum(item))
            .set_label(item.title)
            .set_resource_id(item.ref)
        )
    return resource


def response_jwt(*, dl: dict[str, Any], item: integration.Item, endpoints: ToolEndpoints) -> str:
    """The signed response: ``iss`` the client id, ``aud`` the issuer, ``data`` echoed."""
    platform = Platform.objects.get(pk=dl["platform"])
    link = DeepLink(
        registration_for(platform),
        dl["deployment_id"],
        {"deep_link_return_url": dl["return_url"], "data": dl.get("data")},
    )
    resource = content_item(
        item=item, endpoints=endpoints, with_lineitem=dl.get("accept_lineitem") is not False
    )
    message = link.get_message_jwt([resource])
    if dl.get("data") is None:
        message.pop(DL_DATA_CLAIM, None)
    return link.encode_jwt(message)


def respond(*, request: HttpRequest, ref: str, base_url: ToolEndpoints) -> HttpResponse:
    """The page that posts the response to the platform (a button, pressed by script)."""
    dl = request.session.get(DEEP_LINK_KEY)
    item = integration.item_from_ref(ref)
    if item is None:
        raise DeepLinkError("Pick one of the lessons, exercises or exam practice sets.")
    if "ltiResourceLink" not in dl.get("accept_types", []):  # type: ignore[union-attr]
        raise DeepLinkError("This platform does not take LTI resource links here.")
    token = response_jwt(dl=dl, item=item, endpoints=base_url)  # type: ignore[arg-type]
    del request.session[DEEP_LINK_KEY]
    platform = Platform.objects.get(pk=dl["platform"])  # type: ignore[index]
    response = render(
        request,
        "lti/deep_link_return.html",
        {"return_url": dl["return_url"], "jwt": token, "item": item},  # type: ignore[index]
    )
    allowed = {origin_of(dl["return_url"]), *platform.origins}  # type: ignore[index]
    response.lti_form_action = sorted(allowed)  # type: ignore[attr-defined]
    return response
