"""Background tasks of the registry (django-tasks; run by ``renda worker`` in production)."""

from django_tasks import task

from renda.registry.imports.runner import import_job_run


@task()
def run_import(job_id: int) -> None:
    import_job_run(job_id=job_id)
