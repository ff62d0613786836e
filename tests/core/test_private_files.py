"""Files uploaded under /media/ before a field became private move once into the private storage."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from renda.core.private_files import move_to_private
from renda.opinions.models import OpinionPhoto
from renda.registry.models_import import private_storage
from tests.handling.conftest import submit

pytestmark = pytest.mark.django_db


def test_old_public_files_move_to_private_storage_once(world):
    opinion = submit(world)
    old = Path(settings.MEDIA_ROOT) / "opinions/2025/01/old.jpg"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"\xff\xd8\xff old photo")
    OpinionPhoto.objects.create(opinion=opinion, image="opinions/2025/01/old.jpg", position=0)
    OpinionPhoto.objects.create(opinion=opinion, image="opinions/2025/01/gone.jpg", position=1)  # lost file
    assert move_to_private(apps, "opinions", "OpinionPhoto", "image") == 1
    assert not old.exists()
    with private_storage().open("opinions/2025/01/old.jpg", "rb") as fh:
        assert fh.read() == b"\xff\xd8\xff old photo"
    assert move_to_private(apps, "opinions", "OpinionPhoto", "image") == 0  # idempotent
    assert set(OpinionPhoto.objects.values_list("image", flat=True)) == {
        "opinions/2025/01/old.jpg", "opinions/2025/01/gone.jpg"
    }


def test_the_private_root_setting_is_where_private_files_go(settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.RENDA_PRIVATE_ROOT = str(tmp_path / "elsewhere")
    name = private_storage().save("x/secret.txt", ContentFile(b"s"))
    assert (tmp_path / "elsewhere" / name).read_bytes() == b"s"
