import datetime
import random

from django.utils import timezone

from renda.circle.models import Post, PostImage, PostStatus
from renda.demo import circle


def test_demo_posts(world):
    counts = circle.build(random.Random(1), now=timezone.now(), scale=0.05, say=lambda m: None)
    assert counts["posts"] == Post.objects.count() >= 12
    assert counts["images"] == PostImage.objects.count()
    # the deputy with an account has two posts waiting for review, and published ones
    own = Post.objects.filter(deputy=world.deputy_a)
    assert own.filter(status=PostStatus.PENDING).count() >= 2 and own.exclude(status=PostStatus.PENDING).exists()
    for post in Post.objects.all()[:50]:
        post.full_clean()
        assert post.created_at <= timezone.now() + datetime.timedelta(seconds=1)
