"""The import services: ``import_job_create`` (upload) and ``import_job_run`` (the background work).

A run has two phases:

1. **Validating** (outside any long transaction): the file is parsed and every
   row is checked against the spec and the database; *all* problems are
   collected with their spreadsheet row numbers. ``processed_rows`` is saved
   every ``PROGRESS_EVERY`` rows by a short UPDATE, so the console shows progress.
2. **Importing**: only if no row has a problem, every row is written in ONE
   ``transaction.atomic()`` through the registry services (so each change is
   audited). A row that still fails (e.g. a concurrent change) rolls the whole
   import back and is reported as a row error.

Progress during phase 2 is kept in memory and saved when the transaction ends:
another connection's UPDATE of the job row would wait for our own write lock on
SQLite (and would be invisible until commit on PostgreSQL anyway), so the
console shows an indeterminate bar while importing.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from renda.core.access import has_perm
from renda.core.audit import audit_record
from renda.core.models import User
from renda.registry.imports.parsing import FileProblem, read_table, sniff
from renda.registry.imports.specs import SPECS, ImportContext, Row, cell_text, normalize_header
from renda.registry.models_import import IMPORT_TRANSITIONS, ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 100


def format_error(error: dict[str, Any]) -> str:
    """“第 5 行「性别」：应为“男”或“女”” — the sentence shown to users."""
    where = f"第 {error['row']} 行" if error.get("row") else "文件"
    column = f"「{error['column']}」" if error.get("column") else ""
    return f"{where}{column}：{error['message']}"


def _size_message(limit: int) -> str:
    size = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"
    return f"文件不能超过 {size}；请拆分后分批导入。"


def import_job_create(*, actor: User, kind: str, uploaded_file) -> ImportJob:
    """Check the upload, store it privately and queue the import (after commit)."""
    if not has_perm(actor, "registry.import"):
        raise PermissionDenied("您没有批量导入的权限。")
    if kind not in ImportKind.values:
        raise ValidationError("未知的导入类型。")
    limit = settings.RENDA_MAX_IMPORT_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_size_message(limit))
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_size_message(limit))
    try:
        fmt = sniff(data)
    except FileProblem as exc:
        raise ValidationError(exc.message) from exc

    from renda.registry.tasks import run_import

    original_name = str(getattr(uploaded_file, "name", "") or "")[:200]
    with transaction.atomic():
        job = ImportJob(kind=kind, created_by=actor, congress_id=actor.congress_id, original_name=original_name)
        job.file.save(f"upload.{fmt}", ContentFile(data), save=False)
        job.save()
        audit_record(actor=actor, action="registry.importjob.create", target=job, note=original_name)
        job_id = job.pk
        transaction.on_commit(lambda: run_import.enqueue(job_id))
    return job


def _move(job: ImportJob, status: str, **fields: Any) -> bool:
    """Move ``job`` to ``status`` if the transitions table allows it (conditional UPDATE)."""
    if status not in IMPORT_TRANSITIONS[job.status]:
        raise ValueError(f"import job {job.pk}: {job.status} → {status} is not allowed")
    if status not in (ImportStatus.VALIDATING, ImportStatus.IMPORTING):
        fields["finished_at"] = timezone.now()
    moved = ImportJob.objects.filter(pk=job.pk, status=job.status).update(status=status, **fields)
    if moved:
        job.status = status
        for name, value in fields.items():
            setattr(job, name, value)
    return bool(moved)


def _fail(job: ImportJob, errors: list[dict[str, Any]], notes: list[str] | None = None) -> None:
    notes = list(notes or [])
    if len(errors) > MAX_STORED_ERRORS:
        notes.append(f"共发现 {len(errors)} 处错误，以下仅列出前 {MAX_STORED_ERRORS} 处。")
    _move(
        job,
        ImportStatus.FAILED,
        errors=errors[:MAX_STORED_ERRORS],
        error_count=len(errors),
        notes=notes,
        created_count=0,
        updated_count=0,
    )


class _RollBack(Exception):
    pass


def import_job_run(*, job_id: int) -> None:
    """Run a pending job. Safe to call twice: only the caller that claims the job works on it."""
    job = ImportJob.objects.select_related("created_by__congress__division").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.PENDING or not _move(job, ImportStatus.VALIDATING):
        return
    try:
        _run(job)
    except Exception:
        logger.exception("import job %s crashed", job_id)
        job.refresh_from_db(fields=["status"])
        if job.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING):
            _move(
                job,
                ImportStatus.ERROR,
                created_count=0,
                updated_count=0,
                errors=[
                    {
                        "row": None,
                        "column": "",
                        "message": "系统错误，导入未完成，没有写入任何数据；请稍后重试或联系管理员。",
                    }
                ],
                error_count=1,
            )


def _run(job: ImportJob) -> None:
    actor = job.created_by
    spec = SPECS[job.kind]
    if not has_perm(actor, "registry.import"):
        _fail(job, [{"row": None, "column": "", "message": "导入人已没有批量导入的权限。"}])
        return

    # --- read the file
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        table = read_table(data, max_rows=MAX_ROWS)
    except FileProblem as exc:
        _fail(job, [{"row": None, "column": "", "message": exc.message}])
        return
    if table.truncated:
        _fail(
            job, [{"row": None, "column": "", "message": f"数据超过 {MAX_ROWS} 行的上限，请拆分为多个文件分批导入。"}]
        )
        return

    # --- the header row
    notes: list[str] = []
    known = {normalize_header(h): h for h in spec.headers}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    header_errors: list[dict[str, Any]] = []
    for index, cell in enumerate(table.headers):
        name = normalize_header(cell)
        if not name:
            continue
        header = known.get(name)
        if header is None:
            unknown.append(str(cell).strip())
        elif header in positions:
            header_errors.append({"row": 1, "column": header, "message": "表头中该列出现了两次"})
        else:
            positions[header] = index
    missing = [h for h in spec.required_headers if h not in positions]
    if missing:
        header_errors.append(
            {"row": 1, "column": "", "message": "缺少必需的列：" + "、".join(missing) + "。请使用下载的模板填写。"}
        )
    for group in spec.one_of:
        if not any(h in positions for h in group):
            header_errors.append({"row": 1, "column": "", "message": "至少需要以下一列：" + "、".join(group)})
    if unknown:
        notes.append("以下列无法识别，已忽略：" + "、".join(unknown))
    if header_errors:
        _fail(job, header_errors, notes)
        return
    if not table.rows:
        _fail(job, [{"row": None, "column": "", "message": "文件中只有表头，没有数据行。"}], notes)
        return

    rows = [
        Row(number, {h: (values[i] if i < len(values) else None) for h, i in positions.items()})
        for number, values in table.rows
    ]
    example = {c.header: cell_text(c.example) for c in spec.columns}
    skipped = [r.number for r in rows if all(cell_text(v) == example[h] for h, v in r.values.items())]
    if skipped:
        notes.append("已跳过与模板示例完全相同的行（第 " + "、".join(map(str, skipped)) + " 行）。")
        skip = set(skipped)
        rows = [r for r in rows if r.number not in skip]
    if not rows:
        _fail(job, [{"row": None, "column": "", "message": "文件中没有需要导入的数据行。"}], notes)
        return
    total = len(rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total, notes=notes)
    job.total_rows = total

    # --- phase 1: check every row (no writes to the registry)
    ctx = ImportContext(actor)
    spec.prepare(ctx, rows)
    items: list[tuple[Row, dict[str, Any]]] = []
    first_seen: dict[tuple[str, str], int] = {}
    for done, row in enumerate(rows, start=1):
        data_row = spec.clean(ctx, row)
        for header, key in spec.unique:
            value = data_row.get(key)
            if not value:
                continue
            earlier = first_seen.setdefault((header, value), row.number)
            if earlier != row.number:
                row.error(header, f"与第 {earlier} 行重复：同一{header}在文件中只能出现一次")
        items.append((row, data_row))
        if done % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)
    items = spec.order(items)
    column_order = {h: i for i, h in enumerate(spec.headers)}
    errors = sorted(
        (e for row in rows for e in row.errors), key=lambda e: (e["row"], column_order.get(e["column"], -1))
    )
    if errors:
        _fail(job, errors, notes)
        return

    # --- phase 2: write everything in one transaction
    _move(job, ImportStatus.IMPORTING, processed_rows=total)
    created = updated = 0
    write_errors: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            for row, data_row in items:
                try:
                    with transaction.atomic():
                        if spec.write(ctx, data_row):
                            created += 1
                        else:
                            updated += 1
                except ValidationError as exc:
                    write_errors.extend(_row_errors(spec, row, exc))
                except DatabaseError:
                    logger.exception("import job %s: row %s failed", job.pk, row.number)
                    write_errors.append(
                        {
                            "row": row.number,
                            "column": "",
                            "message": "写入数据库失败（可能有人同时修改了同一记录），请稍后重试",
                        }
                    )
                    break
            if write_errors:
                raise _RollBack
    except _RollBack:
        write_errors.sort(key=lambda e: e["row"])
        _fail(job, write_errors, notes)
        return
    _move(
        job,
        ImportStatus.DONE,
        processed_rows=total,
        created_count=created,
        updated_count=updated,
        errors=[],
        error_count=0,
    )
    audit_record(
        actor=actor,
        action="registry.importjob.done",
        target=job,
        note=f"{spec.label}导入完成：新增 {created} 条，更新 {updated} 条。",
    )


def _row_errors(spec, row: Row, exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        out = []
        for field_name, messages in exc.message_dict.items():
            column = spec.header_for_field(field_name)
            out += [{"row": row.number, "column": column, "message": m} for m in messages]
        return out
    return [{"row": row.number, "column": "", "message": m} for m in exc.messages]
