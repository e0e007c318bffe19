"""The errors the endpoint sends, as exception classes whose `code` is the AWS error shape's name.

The model and the request handling raise these; the server turns one into a REST-JSON error response:
the HTTP status from the model's exception shape, the header `x-amzn-ErrorType: <code>` and the body
`{"message": ...}` (moto's style). Errors real AWS sends from its front door (authentication), which
the TwinMaker model does not list, carry their status here and the Coral suffix AWS puts on the header.
"""

from __future__ import annotations

from typing import ClassVar

from twinmaker_local import spec


class TwinMakerError(Exception):
    """An error response: `code` names the shape, `message` is what the client reads."""

    code: str = "InternalServerException"  # a class attribute, set per instance by InjectedError
    #: Status for codes the model does not define (front-door errors); model errors use the model's.
    fallback_status: ClassVar[int] = 500
    #: What follows the code in `x-amzn-ErrorType` (AWS adds a Coral namespace to front-door errors).
    type_suffix: ClassVar[str] = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def status(self) -> int:
        """The HTTP status: the model's `httpStatusCode` for this shape, else `fallback_status`."""
        return spec.error_status(self.code) or self.fallback_status

    @property
    def error_type(self) -> str:
        """The `x-amzn-ErrorType` header value; botocore keeps what precedes the first `:`."""
        return self.code + self.type_suffix


class ValidationException(TwinMakerError):
    code = "ValidationException"


class ResourceNotFoundException(TwinMakerError):
    code = "ResourceNotFoundException"


class ConflictException(TwinMakerError):
    code = "ConflictException"


class AccessDeniedException(TwinMakerError):
    code = "AccessDeniedException"


class ThrottlingException(TwinMakerError):
    code = "ThrottlingException"


class InternalServerException(TwinMakerError):
    code = "InternalServerException"


class ServiceQuotaExceededException(TwinMakerError):
    code = "ServiceQuotaExceededException"


_CORAL = ":http://internal.amazon.com/coral/com.amazon.coral.service/"


class SerializationException(TwinMakerError):
    """The body is not the JSON object the operation takes (AWS's wording and status)."""

    code = "SerializationException"
    fallback_status = 400
    type_suffix = _CORAL


class UnrecognizedClientException(TwinMakerError):
    """The access key id is unknown to AWS ("The security token included in the request is invalid.")."""

    code = "UnrecognizedClientException"
    fallback_status = 403
    type_suffix = _CORAL


class ExpiredTokenException(TwinMakerError):
    """The session credentials have expired."""

    code = "ExpiredTokenException"
    fallback_status = 403
    type_suffix = _CORAL


class MissingAuthenticationTokenException(TwinMakerError):
    """The request is not signed at all (no SigV4 `Authorization` header)."""

    code = "MissingAuthenticationTokenException"
    fallback_status = 403
    type_suffix = _CORAL


class IncompleteSignatureException(TwinMakerError):
    """A SigV4 `Authorization` header without its parameters or date, or with a malformed scope.

    The code is what AWS's JSON services send on the wire; the TwinMaker API reference's Common Errors
    list it as `IncompleteSignature`, HTTP 403.
    """

    code = "IncompleteSignatureException"
    fallback_status = 403
    type_suffix = _CORAL


class InvalidSignatureException(TwinMakerError):
    """A credential scope for another service, another terminator, or a region that cannot exist."""

    code = "InvalidSignatureException"
    fallback_status = 403
    type_suffix = _CORAL


class ServiceUnavailable(TwinMakerError):
    """A 503 as JSON, as the API reference's Common Errors name it (not a model error shape)."""

    code = "ServiceUnavailable"
    fallback_status = 503
    type_suffix = _CORAL


class InjectedError(TwinMakerError):
    """An error a fault rule scripts with any code and status (model errors keep the model's status)."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self._status = status

    @property
    def status(self) -> int:
        return self._status

    @property
    def error_type(self) -> str:
        # Codes outside the model are front-door errors: AWS adds its Coral namespace to those.
        suffix = "" if spec.error_status(self.code) is not None else _CORAL
        return self.code + suffix


class UnknownOperationException(TwinMakerError):
    """No operation of the model has this method and path."""

    code = "UnknownOperationException"
    fallback_status = 404
    type_suffix = _CORAL


class NotImplementedByEndpoint(TwinMakerError):
    """A real TwinMaker operation that this local endpoint does not implement."""

    code = "NotImplemented"
    fallback_status = 501
