"""Protocol parsers and serializers driven by botocore service models.

Contract (the rest of the gateway relies on exactly this):

``create_parser(service_model) -> RequestParser``
    ``parser.parse(request: HttpRequest) -> tuple[OperationModel, dict]``
    Finds the operation (json: ``X-Amz-Target``; query: ``Action``; rest-*: method and
    ``requestUri`` template, most specific match first, S3 quirks included) and returns
    its input as a dict keyed by the input shape's member names (PascalCase), typed as
    botocore's client would have given them (int, float, bool, datetime, bytes, str,
    list, dict). A streaming blob payload (S3 ``PutObject.Body``) is passed through as
    the request's body stream, unread. Raises ``ProtocolError`` subclasses on bad input
    and ``UnknownOperation`` when nothing matches.

``create_serializer(service_model) -> ResponseSerializer``
    ``serializer.serialize_response(operation, output: dict, request_id) -> HttpResponse``
    ``serializer.serialize_error(operation | None, error: ErrorDetails, request_id)
    -> HttpResponse``
    Writes only members of the output shape. A streaming payload member may hold
    ``bytes``, a ``FileRange`` or a ``StreamPayload`` and becomes the response body.
"""

from __future__ import annotations
