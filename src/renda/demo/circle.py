"""The demo's 履职圈: a few hundred posts by deputies in stations, most published, some waiting for review.

Pictures are a dozen small generated JPEGs (Pillow, drawn once) shared by many posts, so the
build stays fast and the media folder small. The ``deputy`` demo account gets its own posts,
with two waiting for the ``station_staff`` account to review.
"""

import datetime
import random
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from renda.circle.models import Post, PostImage, PostStatus
from renda.core.models import Role, User
from renda.registry.models import StationDeputy
from renda.registry.models_import import private_storage

LABEL = "履职圈动态"
COUNT_LABELS = {"posts": "动态", "images": "图片", "posts_draft": "草稿动态", "posts_pending": "待审核动态", "posts_published": "已发布动态", "posts_hidden": "已隐藏动态", "posts_rejected": "未通过动态"}  # the demo summary's words
FULL_COUNT = 400
PICTURES = 12

ACTIVITIES = [
    "到{place}走访群众，听取大家对{topic}的意见建议",
    "在{place}参加“代表接待日”活动，接待群众{n}人次，现场记录问题{m}件",
    "参加{place}组织的{topic}专题调研",
    "和{place}的居民代表一起召开议事协商会，围绕{topic}商量解决办法",
    "到{place}回访上次反映的{topic}问题，整改已基本完成",
    "在{place}向选民报告履职情况，收集意见{m}条",
    "参加{place}的法律进社区宣传活动，讲解{topic}相关政策",
]
TOPICS = [
    "老旧小区改造", "加装电梯", "垃圾分类", "停车难", "农村道路养护", "养老服务", "学校周边交通安全",
    "菜市场环境整治", "供暖保障", "医保报销", "高标准农田建设", "河道清淤", "夜市管理", "物业服务",
]  # fmt: skip
PLACES = ["社区党群服务中心", "代表联络站", "村委会", "农贸市场", "小区", "敬老院", "中学", "卫生院"]
ENDINGS = [
    "群众反映的问题已整理，将通过联络站转交有关部门办理。",
    "下一步将持续跟踪，及时向群众反馈。",
    "感谢大家的信任和支持！",
    "大家提的意见很实在，我会认真梳理，形成建议。",
]
COLORS = [(183, 28, 28), (11, 79, 156), (27, 127, 59), (230, 126, 34), (120, 80, 160), (0, 128, 128)]


def _pictures(rng: random.Random) -> list[str]:
    names = []
    for n in range(PICTURES):
        img = Image.new("RGB", (480, 360), COLORS[n % len(COLORS)])
        draw = ImageDraw.Draw(img)
        for _ in range(6):
            x, y = rng.randrange(0, 440), rng.randrange(0, 320)
            w = rng.randrange(40, 200)
            shade = tuple(min(255, c + rng.randrange(40, 110)) for c in COLORS[n % len(COLORS)])
            draw.rectangle([x, y, x + w, y + w // 2], fill=shade)
        out = BytesIO()
        img.save(out, format="JPEG", quality=70)
        names.append(private_storage().save(f"circle/demo/demo-{n:02d}.jpg", ContentFile(out.getvalue())))
    return names


def _text(rng: random.Random, station_name: str) -> str:
    template = rng.choice(ACTIVITIES)
    body = template.format(
        place=rng.choice([station_name, *PLACES]), topic=rng.choice(TOPICS), n=rng.randrange(5, 40), m=rng.randrange(2, 15)
    )
    return f"{body}。{rng.choice(ENDINGS)}"


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    members = list(
        StationDeputy.objects.filter(left_on=None, deputy__is_active=True)
        .select_related("station")
        .order_by("id")
        .values_list("deputy_id", "station__name", "station_id")
    )
    if not members:
        return {"posts": 0}
    accounts = {u.deputy_id: u for u in User.objects.filter(role=Role.DEPUTY, deputy__isnull=False)}
    staff = {u.station_id: u for u in User.objects.filter(role=Role.STATION_STAFF, station__isnull=False)}
    demo_deputy_ids = set(accounts)
    count = max(12, round(FULL_COUNT * scale))
    pictures = _pictures(rng)
    # the demo deputy's own posts first, then a random spread
    own = [m for m in members if m[0] in demo_deputy_ids]
    chosen = own * 6 + [rng.choice(members) for _ in range(max(0, count - len(own) * 6))]
    posts, picked = [], []
    for i, (deputy_id, station_name, station_id) in enumerate(chosen):
        created = now - datetime.timedelta(minutes=rng.randrange(30, 180 * 24 * 60))
        roll = rng.random()
        if deputy_id in demo_deputy_ids and i < 2:
            status = PostStatus.PENDING
        elif roll < 0.86:
            status = PostStatus.PUBLISHED
        elif roll < 0.93:
            status = PostStatus.PENDING
        elif roll < 0.97:
            status = PostStatus.HIDDEN
        else:
            status = PostStatus.REJECTED
        moderated = status != PostStatus.PENDING
        moderator = staff.get(station_id)
        posts.append(
            Post(
                deputy_id=deputy_id,
                author=accounts.get(deputy_id),
                text=_text(rng, station_name),
                status=status,
                created_at=created,
                submitted_at=created,
                published_at=created + datetime.timedelta(hours=2) if status in ("published", "hidden") else None,
                moderated_by=moderator if moderated else None,
                moderated_at=created + datetime.timedelta(hours=2) if moderated else None,
                hidden_reason="内容与履职无关" if status == PostStatus.HIDDEN else "",
                rejected_reason="照片中含有群众个人信息，请处理后重新发布" if status == PostStatus.REJECTED else "",
            )
        )
        picked.append(rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9]))
    Post.objects.bulk_create(posts, batch_size=500)
    images = [
        PostImage(post=post, image=pictures[(post.pk * 7 + k) % len(pictures)], position=k)
        for post, n in zip(posts, picked, strict=True)
        for k in range(n)
    ]
    PostImage.objects.bulk_create(images, batch_size=1000)
    counts = {s: 0 for s in PostStatus.values}
    for post in posts:
        counts[post.status] += 1
    say(f"履职圈动态 {len(posts)} 条（已发布 {counts['published']} 条），图片 {len(images)} 张。")
    return {"posts": len(posts), "images": len(images), **{f"posts_{k}": v for k, v in counts.items()}}
