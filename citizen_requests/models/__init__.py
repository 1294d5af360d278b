"""The citizen requests app's models, one module per subject; `from citizen_requests.models
import X` keeps working for every model (and for the names the migrations refer to)."""

from citizen_requests.models.api_clients import ApiClient
from citizen_requests.models.categories import Category, CategoryGroup, RoutingRule, colour_validator
from citizen_requests.models.notifications import (
    Notification,
    NotificationPreference,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from citizen_requests.models.requests import (
    OPEN_Q,
    Attachment,
    Event,
    RegistrationCounter,
    Request,
    _attachment_path,
)
from citizen_requests.models.services import Service, ServiceArea, ServiceMembership
from citizen_requests.models.workflow import ApprovalStep, ApprovalTemplate, ApprovalTemplateStep, Response

__all__ = [
    "OPEN_Q",
    "ApiClient",
    "ApprovalStep",
    "ApprovalTemplate",
    "ApprovalTemplateStep",
    "Attachment",
    "Category",
    "CategoryGroup",
    "Event",
    "Notification",
    "NotificationPreference",
    "RegistrationCounter",
    "Request",
    "Response",
    "RoutingRule",
    "Service",
    "ServiceArea",
    "ServiceMembership",
    "Subscription",
    "WebhookDelivery",
    "WebhookEndpoint",
    "_attachment_path",  # the migrations name it as citizen_requests.models._attachment_path
    "colour_validator",
]
