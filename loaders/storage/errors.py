"""The store's errors, and the translation of a driver's "no database here now" into one of them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from loaders.messages import BilingualError
from loaders.storage.schema import _utc


class StoreError(BilingualError):
    """A store operation that cannot be done; says why in both languages."""


class DuplicateUploadError(StoreError):
    """The same bytes are already stored in an active upload."""

    def __init__(self, upload_id: str, file_name: str, uploader: str, uploaded_at: datetime):
        self.upload_id = upload_id
        self.file_name = file_name
        self.uploader = uploader
        self.uploaded_at = uploaded_at
        when = _utc(uploaded_at).strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"同一文件已于 {when} 由“{uploader}”上传（上传编号 {upload_id}，文件名“{file_name}”），未重复保存",
            f"the same file was already uploaded by “{uploader}” at {when} "
            f"(upload {upload_id}, file “{file_name}”); not stored again",
        )


class UnknownUploadError(StoreError, KeyError):
    def __init__(self, upload_id: str):
        self.upload_id = upload_id
        StoreError.__init__(self, f"没有编号为 {upload_id} 的上传", f"no upload with id {upload_id}")

    def __str__(self) -> str:
        return self.message_en


class RefusedUploadError(StoreError):
    """A report that must not be stored (rejected, or holding no figures)."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached (server stopped, network down, connection lost)."""

    def __init__(self, url: str, detail: str):
        where = sa.make_url(url).render_as_string(hide_password=True) if url else "?"
        self.url = where
        # The driver's message can span lines (psycopg adds a hint); its first line says enough.
        detail = (detail.strip().splitlines() or [""])[0][:300]
        super().__init__(
            f"无法连接上传数据库 {where}：{detail}", f"the upload database {where} cannot be reached: {detail}"
        )


# SQLSTATE classes of a lost or refused connection: 08 connection exception, 57P operator intervention
# (server shutting down, restarting, not yet accepting connections).
_UNAVAILABLE_SQLSTATES = ("08", "57P")


def _on_error(context: sa.engine.ExceptionContext) -> StoreUnavailableError | None:
    """Driver errors that mean "no database here now" become one StoreUnavailableError: a failed
    connect (server down, unknown host, wrong password or database name), a dropped connection."""
    if context.is_pre_ping:  # the pool is testing a pooled connection; it reconnects by itself
        return None
    original = context.original_exception
    sqlstate = getattr(original, "sqlstate", None) or ""
    connecting = context.connection is None and context.execution_context is None
    if connecting or context.is_disconnect or sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
        engine = context.engine
        url = engine.url.render_as_string(hide_password=False) if engine is not None else ""
        return StoreUnavailableError(url, str(original))
    return None

