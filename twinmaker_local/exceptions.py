"""The errors the endpoint sends: one exception class, `TwinMakerError(code, message)`, whose `code` is
the AWS error shape's name, and a constructor per code the endpoint raises (`ValidationException(msg)`).

The model and the request handling raise these; the server turns one into a REST-JSON error response:
the HTTP status from the model's exception shape, the header `x-amzn-ErrorType: <code>` and the body
`{"message": ...}` (moto's style). Errors real AWS sends from its front door (authentication, a body
that is not JSON), which the TwinMaker model does not list, take their status from `FRONT_DOOR` and
carry the Coral namespace AWS puts after the code in the header.
"""

from __future__ import annotations

from collections.abc import Callable

from twinmaker_local import spec

_CORAL = ":http://internal.amazon.com/coral/com.amazon.coral.service/"

#: Codes the TwinMaker model does not define, with the HTTP status AWS (or, for `NotImplemented`, this
#: endpoint) answers them with.
FRONT_DOOR: dict[str, int] = {
    "SerializationException": 400,  # the body is not the JSON object the operation takes
    "UnrecognizedClientException": 403,  # the access key id is unknown to AWS
    "ExpiredTokenException": 403,  # the session credentials have expired
    "MissingAuthenticationTokenException": 403,  # no SigV4 `Authorization` header at all
    # A SigV4 header without its parameters or date, or with a malformed scope: what AWS's JSON services
    # send on the wire (the TwinMaker API reference's Common Errors call it `IncompleteSignature`).
    "IncompleteSignatureException": 403,
    "InvalidSignatureException": 403,  # a scope for another service, terminator, or an impossible region
    "ServiceUnavailable": 503,  # a 503 as JSON, as the API reference's Common Errors name it
    "UnknownOperationException": 404,  # no operation of the model has this method and path
    "NotImplemented": 501,  # a real TwinMaker operation that this local endpoint does not implement
}
#: Of those, the one that is this endpoint's own, not AWS's: no Coral namespace.
_OWN = frozenset({"NotImplemented"})


class TwinMakerError(Exception):
    """An error response: `code` names the shape, `message` is what the client reads. `status` is the
    model's `httpStatusCode` for the shape, else `FRONT_DOOR`'s, else 500; a fault rule scripts its own."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or spec.error_status(code) or FRONT_DOOR.get(code, 500)

    @property
    def error_type(self) -> str:
        """The `x-amzn-ErrorType` header value; botocore keeps what precedes the first `:`. Codes
        outside the model are front-door errors: AWS adds its Coral namespace to those."""
        in_model = spec.error_status(self.code) is not None
        return self.code + ("" if in_model or self.code in _OWN else _CORAL)


def _error(code: str) -> Callable[[str], TwinMakerError]:
    """`ValidationException("...")`: the `TwinMakerError` of that code."""

    def make(message: str) -> TwinMakerError:
        return TwinMakerError(code, message)

    make.__name__ = make.__qualname__ = code
    return make


ValidationException = _error("ValidationException")
ResourceNotFoundException = _error("ResourceNotFoundException")
ConflictException = _error("ConflictException")
AccessDeniedException = _error("AccessDeniedException")
ThrottlingException = _error("ThrottlingException")
InternalServerException = _error("InternalServerException")
SerializationException = _error("SerializationException")
UnrecognizedClientException = _error("UnrecognizedClientException")
ExpiredTokenException = _error("ExpiredTokenException")
MissingAuthenticationTokenException = _error("MissingAuthenticationTokenException")
IncompleteSignatureException = _error("IncompleteSignatureException")
InvalidSignatureException = _error("InvalidSignatureException")
UnknownOperationException = _error("UnknownOperationException")
NotImplementedByEndpoint = _error("NotImplemented")
