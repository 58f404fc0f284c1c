"""What an LMS administrator pastes on their side to register Fuente: the tool's URLs, the
scopes it asks for, a Canvas "Paste JSON" configuration and the values of Moodle's form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

TITLE = "Fuente"
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)


@dataclass(frozen=True)
class ToolUrls:
    login: str
    launch: str
    key_set: str
    deep_linking: str

    @classmethod
    def for_request(cls, request: HttpRequest) -> ToolUrls:
        def absolute(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        launch = absolute("lti_launch")
        # Deep linking arrives at the launch URL with its own message type.
        return cls(
            login=absolute("lti_login"),
            launch=launch,
            key_set=absolute("lti_jwks"),
            deep_linking=launch,
        )


def canvas_configuration(urls: ToolUrls) -> dict[str, Any]:
    """Canvas's JSON for Developer Keys → LTI Key → Method "Paste JSON"."""
    placement = {"message_type": "LtiResourceLinkRequest", "target_link_uri": urls.launch}
    deep_link = {"message_type": "LtiDeepLinkingRequest", "target_link_uri": urls.deep_linking}
    return {
        "title": TITLE,
        "description": _("Source-cited readings, quizzes and discussion."),
        "oidc_initiation_url": urls.login,
        "target_link_uri": urls.launch,
        "public_jwk_url": urls.key_set,
        "scopes": list(SCOPES),
        "extensions": [
            {
                "domain": urlsplit(urls.launch).hostname,
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "text": TITLE,
                    "placements": [
                        {"placement": "course_navigation", **placement},
                        {"placement": "link_selection", **deep_link},
                        {"placement": "assignment_selection", **deep_link},
                    ],
                },
            }
        ],
        "custom_fields": {},
    }


def moodle_form(urls: ToolUrls) -> list[tuple[str, str]]:
    """Moodle 4.5: Site administration → Plugins → External tool → Manage tools →
    "configure a tool manually", field by field (field labels as Moodle shows them)."""
    return [
        ("Tool name", TITLE),
        ("Tool URL", urls.launch),
        ("LTI version", "LTI 1.3"),
        ("Public key type", "Keyset URL"),
        ("Public keyset", urls.key_set),
        ("Initiate login URL", urls.login),
        ("Redirection URI(s)", urls.launch),
        ("Supports Deep Linking (Content-Item Message)", _("Yes")),
        ("Content Selection URL", urls.deep_linking),
        (
            "IMS LTI Assignment and Grade Services",
            "Use this service for grade sync and column management",
        ),
        (
            "IMS LTI Names and Role Provisioning",
            "Use this service to retrieve members' information as per privacy settings",
        ),
        ("Share launcher's name with tool", "Always"),
        ("Share launcher's email with tool", _("Always (Fuente does not match people by e-mail)")),
    ]
