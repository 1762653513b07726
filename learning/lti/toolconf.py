"""pylti1p3's view of RoleCall's registrations, read from the database.

Every issuer may hold several client ids, so lookups are always by issuer and
client id together. The issuer is only ever compared, never called."""

from __future__ import annotations

import requests
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from learning.lti.keys import signing_key
from learning.lti.models import Deployment, Platform

# Seconds to wait for a platform (key set, token and score endpoints).
HTTP_TIMEOUT = (3.05, 10)


class TimeoutSession(requests.Session):
    """A requests session that never waits forever on a platform."""

    def request(self, method, url, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)


def http_session() -> requests.Session:
    session = TimeoutSession()
    session.headers["User-Agent"] = "RoleCall-LTI"
    return session


class KeyedRegistration(Registration):
    """A registration that names RoleCall's signing key by its stored key id."""

    def __init__(self, kid: str) -> None:
        super().__init__()
        self._kid = kid

    def get_kid(self) -> str:
        return self._kid


def registration_for(platform: Platform) -> Registration:
    """The pylti1p3 registration of a platform, holding the tool's current signing key."""
    key = signing_key()
    registration = KeyedRegistration(key.kid)
    registration.set_issuer(platform.issuer)
    registration.set_client_id(platform.client_id)
    registration.set_auth_login_url(platform.auth_login_url)
    registration.set_auth_token_url(platform.auth_token_url)
    registration.set_key_set_url(platform.key_set_url)
    registration.set_tool_private_key(key.private_pem)
    return registration


class DatabaseToolConf(ToolConfAbstract):
    """Registrations and deployments from the ``lti`` tables."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration:
        raise NotImplementedError("RoleCall always looks a platform up by issuer and client id.")

    def find_registration_by_params(self, iss: str, client_id: str, *args, **kwargs):
        platform = Platform.objects.filter(issuer=iss, client_id=client_id).first()
        return registration_for(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str):
        raise NotImplementedError("RoleCall always looks a deployment up with its client id.")

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *a, **kw):
        found = Deployment.objects.filter(
            platform__issuer=iss, platform__client_id=client_id, deployment_id=deployment_id
        ).exists()
        return LibDeployment().set_deployment_id(deployment_id) if found else None
