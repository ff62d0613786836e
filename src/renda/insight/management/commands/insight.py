"""``renda insight evaluate FILE.csv`` (cross-validate the platform's classifier on labelled messages) and
``renda insight retrain [--congress ID]`` (train now, without the worker)."""

import csv
import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renda.insight.textclf import cross_validate, document

REQUIRED = ("title", "body", "category")


def read_labelled_csv(path: Path) -> tuple[list[str], list[str], int]:
    """(docs, labels, skipped) from a UTF-8 CSV (BOM allowed) with columns title, body, category."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError("文件不是 UTF-8 编码，请另存为 UTF-8 CSV 后重试。") from exc
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise CommandError(f"CSV 缺少列：{'、'.join(missing)}（需要 title、body、category 三列）。")
    docs, labels, skipped = [], [], 0
    for row in reader:
        title = (row.get(headers["title"]) or "").strip()
        body = (row.get(headers["body"]) or "").strip()
        label = (row.get(headers["category"]) or "").strip()
        if not label or not (title or body):
            skipped += 1
            continue
        docs.append(document(title, body))
        labels.append(label)
    return docs, labels, skipped


class Command(BaseCommand):
    help = "研判：评估分类模型（evaluate FILE.csv）或立即重新训练（retrain）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="分层 5 折交叉验证，最后一行输出 JSON 结果")
        ev.add_argument("file", type=Path)
        ev.add_argument("--folds", type=int, default=5)
        rt = sub.add_parser("retrain", help="立即为各级人大重新训练分类与承办单位模型")
        rt.add_argument("--congress", type=int, action="append", help="人大 ID（可重复；默认全部）")

    def handle(self, *args, **options):
        if options["action"] == "evaluate":
            self.evaluate(options["file"], options["folds"])
        else:
            self.retrain(options.get("congress"))

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def evaluate(self, path: Path, folds: int) -> None:
        started = time.perf_counter()
        docs, labels, skipped = read_labelled_csv(path)
        counts = Counter(labels)
        self.say(f"读取 {len(docs)} 条已标注留言（跳过 {skipped} 条空行或无类别），{len(counts)} 个类别：")
        for label, n in counts.most_common():
            self.say(f"  {label}：{n}")
        rare = [c for c, n in counts.items() if n < folds]
        if rare:
            self.say(f"样本少于 {folds} 条的类别：{'、'.join(rare)}（只有 1 条的并入“其他”，并相应减少折数）")
        try:
            result = cross_validate(docs, labels, folds=folds, progress=self.say)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = result.as_dict()
        out["skipped"] = skipped
        out["seconds"] = round(time.perf_counter() - started, 2)
        self.say(
            f"完成：准确率 {out['accuracy']:.4f}，宏平均 F1 {out['macro_f1']:.4f}（{out['folds']} 折，{out['seconds']} 秒）"
        )
        self.say(json.dumps(out, ensure_ascii=False))

    def retrain(self, ids: list[int] | None) -> None:
        from django.utils import timezone

        from renda.insight.services import congresses_to_retrain, models_retrain
        from renda.registry.models import Congress

        qs = (
            Congress.objects.filter(pk__in=ids)
            if ids
            else Congress.objects.filter(pk__in=congresses_to_retrain(timezone.now() + timezone.timedelta(days=3650)))
        )
        for congress in qs:
            result = models_retrain(actor=None, congress=congress)
            self.say(f"{congress.name}：{json.dumps(result, ensure_ascii=False)}")
