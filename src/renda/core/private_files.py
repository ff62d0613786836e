"""Moving files that were uploaded under the public ``/media/`` into the private storage.

Used by the data migrations that made a file field private: on an existing installation each
stored file moves once, by name, from ``MEDIA_ROOT`` to the private storage; a file already there or
missing in both is left as it is. Idempotent, so a migration re-run does nothing.
"""

from pathlib import Path

from django.conf import settings


def move_to_private(apps, app_label: str, model_name: str, field: str) -> int:
    from django.core.files import File

    from renda.registry.models_import import private_storage

    model = apps.get_model(app_label, model_name)
    storage = private_storage()
    media = Path(settings.MEDIA_ROOT)
    moved = 0
    for name in model.objects.exclude(**{field: ""}).values_list(field, flat=True).iterator():
        source = media / name
        if not name or storage.exists(name) or not source.is_file():
            continue
        with source.open("rb") as handle:
            stored = storage.save(name, File(handle))
        if stored != name:  # the storage chose another name: keep the row pointing at the file
            model.objects.filter(**{field: name}).update(**{field: stored})
        source.unlink()
        moved += 1
    return moved


def mover(app_label: str, model_name: str, field: str):
    """A ``RunPython`` forward function for one model's file field."""

    def forward(apps, schema_editor):
        move_to_private(apps, app_label, model_name, field)

    return forward
