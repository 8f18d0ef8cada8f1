"""The current request's id, so that an audit event written anywhere can name its request."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
