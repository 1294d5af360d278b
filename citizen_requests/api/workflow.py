"""The document workflow system's side of the workflow: an authenticated endpoint that reports a
status update and the outgoing registration number of an answer, and the signed webhooks the
portal sends on every transition (documented in the OpenAPI schema as `request-transition`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from citizen_requests.exceptions import TransitionRefused
from citizen_requests.models import Event, Request
from citizen_requests.services.api_clients import api_client_authenticate
from citizen_requests.services.approvals import response_register
from citizen_requests.services.transitions import event_record


class DocumentSystem:
    """The authenticated caller: an ApiClient marked as the document workflow system."""

    is_authenticated = True
    is_active = True
    pk = None

    def __init__(self, client):
        self.client = client


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: ApiKey <key>` with the key of an app marked as the document system."""

    keyword = "ApiKey"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(self.keyword + " "):
            return None
        client = api_client_authenticate(header[len(self.keyword) + 1 :].strip())
        if client is None or not client.is_document_system:
            raise exceptions.AuthenticationFailed(
                _("The key is unknown, revoked or not a document system's.")
            )
        return DocumentSystem(client), client

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "citizen_requests.api.workflow.ApiKeyAuthentication"
    name = "documentSystemKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`ApiKey <key>`: the key the front office issued to the document workflow system.",
        }


class IsDocumentSystem(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, DocumentSystem)


class ExternalUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("resolved", "resolved"), ("note", "note")],
        help_text="`resolved`: the approved answer is registered and sent (needs `outgoing_number`); "
        "`note`: a status note of the document system, kept in the request's internal history.",
    )
    outgoing_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    outgoing_date = serializers.DateField(required=False, allow_null=True)
    external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, data):
        if data["status"] == "resolved" and not data.get("outgoing_number"):
            raise serializers.ValidationError(
                {"outgoing_number": _("Give the outgoing number of the answer.")}
            )
        return data


class ExternalUpdateResultSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    outgoing_number = serializers.CharField(allow_blank=True)
    event = serializers.IntegerField()


class WebhookRequestSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    service = serializers.CharField(allow_null=True)
    owner = serializers.CharField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    outgoing_number = serializers.CharField(allow_null=True)
    outgoing_date = serializers.DateField(allow_null=True)


class WebhookEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The event's id: the same event is never delivered as two ids.")
    event = serializers.ChoiceField(choices=Event.Kind.choices)
    at = serializers.DateTimeField()
    request = WebhookRequestSerializer()
    from_status = serializers.ChoiceField(choices=Request.Status.choices)
    to_status = serializers.ChoiceField(choices=Request.Status.choices)
    actor = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)


request_transition_webhook = OpenApiWebhook(
    name="request-transition",
    decorator=extend_schema(
        summary="A request moved along its route",
        description=(
            "POSTed to every active webhook endpoint after each transition, retried with a growing pause "
            "until the endpoint answers 2xx. Headers: `X-Misto-Timestamp` (Unix seconds) and "
            "`X-Misto-Signature: sha256=<hex>`, the HMAC-SHA256 with the endpoint's secret of "
            "`<timestamp>.<raw body>`. Reject a signature that does not match or an old timestamp."
        ),
        request=WebhookEventSerializer,
        responses={200: OpenApiResponse(description="Received (any 2xx)")},
    ),
)


class ExternalStatusUpdate(APIView):
    """The document workflow system reports on a request: the outgoing registration of its
    answer (the request becomes answered and the applicant gets the answer) or a status note."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsDocumentSystem]

    @extend_schema(
        request=ExternalUpdateSerializer,
        responses={
            200: ExternalUpdateResultSerializer,
            400: OpenApiResponse(description="Invalid data"),
            401: OpenApiResponse(description="No key, or not a document system's key"),
            404: OpenApiResponse(description="No such request"),
            409: OpenApiResponse(description="The request's route does not allow this now"),
        },
    )
    def post(self, request, number: str):
        serializer = ExternalUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        found = Request.objects.exclude(status=Request.Status.UNCONFIRMED).filter(number=number).first()
        if found is None:
            raise exceptions.NotFound(_("No such request."))
        label = _("document system: %(name)s") % {"name": request.auth.name}
        try:
            with transaction.atomic():
                if data["status"] == "resolved":
                    event = response_register(
                        request=found,
                        actor=None,
                        actor_label=label,
                        outgoing_number=data["outgoing_number"],
                        outgoing_date=data.get("outgoing_date"),
                    )
                else:
                    event = event_record(
                        request=found,
                        kind=Event.Kind.EXTERNAL_UPDATE,
                        actor_label=label,
                        comment=data.get("comment", ""),
                        data={"external_id": data.get("external_id", "")},
                        public=False,
                    )
        except TransitionRefused as exc:
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        found.refresh_from_db()
        return Response(
            {
                "number": found.number,
                "status": found.status,
                "outgoing_number": found.outgoing_number,
                "event": event.pk,
            }
        )
