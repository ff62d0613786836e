"""``renda demo``: build the demo city, print the demo accounts, then serve."""

import argparse
import os

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

from renda.demo import COUNT_LABELS, DemoError, build_demo, database_state, reset_demo_database


class Command(BaseCommand):
    help = "生成演示城市（佳河市）的数据库，列出演示账号，然后启动平台（--no-serve 只生成不启动）。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只生成演示数据，不启动平台")
        parser.add_argument("--bind", default=os.environ.get("RENDA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--seed", type=int, default=2026, help="随机种子：同一种子生成相同的数据")
        parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)  # tests and benchmarks

    def handle(self, *args, no_serve, bind, seed, scale, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale 应在 0 到 1 之间。")
        self.stdout.write(f"数据库：{_database_label()}")
        self.stdout.write("正在准备数据库结构…")
        call_command("migrate", interactive=False, verbosity=0)
        state = database_state()
        if state == "foreign":
            raise CommandError(
                "这个数据库里已经有不是演示数据的内容（行政区划、代表、家站点或账号），为防止误删，已停止。\n"
                "请把 RENDA_DATA_DIR 指向一个新的空目录再运行，例如：\n"
                "  RENDA_DATA_DIR=/tmp/renda-demo renda demo"
            )
        if state == "demo":
            self.stdout.write("发现以前生成的演示数据，正在清除后重新生成…")
            reset_demo_database()
        try:
            summary = build_demo(seed=seed, scale=scale, stdout=self.stdout)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write("")
        self.stdout.write("生成的数据：" + "，".join(f"{COUNT_LABELS.get(k, k)} {v}" for k, v in summary.counts.items()))
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成（用时 {summary.elapsed} 秒）。演示账号："))
        self.stdout.write(f"  {'用户名':<12}  {'密码':<16}  角色 / 范围")
        for account in summary.accounts:
            self.stdout.write(
                f"  {account.username:<15}  {account.password:<18}  {account.role_label} / {account.scope}"
            )
        url = f"http://{bind}/"
        self.stdout.write(f"公众网站：{url}    工作台：{url}console/")
        if no_serve:
            self.stdout.write(f"已按 --no-serve 只生成数据。启动平台：{_serve_hint()}")
            return
        call_command("serve", bind=bind, no_migrate=True)


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')}"


def _serve_hint() -> str:
    data_dir = os.environ.get("RENDA_DATA_DIR")
    prefix = f"RENDA_DATA_DIR={data_dir} " if data_dir else ""
    return f"{prefix}renda serve"
