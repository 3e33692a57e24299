"""The `luoshi` command. Plan commands use planparse alone (no Django import, fast start);
everything else sets Django up first."""

from __future__ import annotations

import argparse
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()


def _cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi manage", *args.rest])
    return 0


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # stop as on Ctrl+C, so that the worker is stopped too


def _cmd_serve(args: argparse.Namespace) -> int:
    """The web server and, unless --no-worker, `luoshi worker` as its child: one command
    runs the whole application, and stopping it (Ctrl+C, SIGTERM) stops both."""
    _django()
    import signal

    from django.core.management import call_command

    call_command("check", "--fail-level", "ERROR")
    call_command("collectstatic", "--noinput", verbosity=0)
    from luoshi.audit.anchor import anchor_head

    anchor_head(force=False)
    from luoshi.work.capacity import outgrown_embedded_database

    if notice := outgrown_embedded_database():
        print(notice, file=sys.stderr)
    from luoshi.wsgi import application  # after collectstatic: whitenoise indexes the files at start

    try:
        from waitress.server import create_server

        server = create_server(application, host=args.host, port=args.port, threads=8, ident="luoshi")
    except OSError as error:
        print(
            f"无法在 {args.host}:{args.port} 启动服务：{error.strerror}（端口可能已被占用，可用 --port 另选）",
            file=sys.stderr,
        )
        return 1
    # Only once the port is ours: a second `make run` that cannot serve starts no worker.
    from luoshi.jobs import worker

    child = None if args.no_worker else worker.spawn()
    stopping = worker.report_exit(child) if child is not None else None
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Ctrl+C stops the server even where the shell started it with SIGINT ignored (a
    # background job of a script), so the worker is never left behind.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(f"落实已启动：http://{args.host}:{args.port}/  （Ctrl+C 停止）", flush=True)
    if child is None:
        print("未启动后台任务（--no-worker）：导出和逾期标记需另行运行 luoshi worker。", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if child is not None and stopping is not None:
            stopping.set()
            worker.stop(child)
    print("已停止。", flush=True)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    _django()
    from luoshi.demo import build_demo, demo_exists, print_logins, save_logins

    if args.if_empty and demo_exists():
        print_logins(None)
        return 0
    password = build_demo(password=args.password)
    save_logins(password)
    print_logins(password)
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    """The job queue's consumer: large exports, and the periodic work (overdue marking at
    start, hourly and at 00:05). Safe beside `serve` and on several machines sharing Redis:
    each job and each overdue row is claimed once. --once runs the periodic work and exits."""
    _django()
    from luoshi.jobs import worker

    if args.once:
        return worker.run_once()
    return worker.run_consumer(workers=args.workers, parent=args.parent)


def _cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    _django()
    from luoshi.backup import BackupError, backup

    try:
        folder = backup(Path(args.dir))
    except (BackupError, OSError) as error:
        print(f"luoshi: 备份失败：{error}", file=sys.stderr)
        return 1
    print(f"已备份到 {folder}")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    _django()
    from luoshi.backup import BackupError, restore

    try:
        rows = restore(Path(args.dir))
    except (BackupError, OSError, ValueError) as error:
        print(f"luoshi: 恢复失败：{error}", file=sys.stderr)
        return 1
    print(f"已恢复 {sum(rows.values())} 条记录，审计日志校验通过。")
    return 0


def _cmd_audit_verify(args: argparse.Namespace) -> int:
    """Checks both halves and says which broke: the keyed chain in the database, and the
    signed heads anchored outside it."""
    _django()
    from luoshi.audit.actions import verify_chain
    from luoshi.audit.anchor import anchor_path, verify_anchors

    result = verify_chain()
    if not result.ok:
        print(
            f"审计日志校验失败（数据库中的哈希链）：第 {result.bad_seq} 条记录 — {result.reason}",
            file=sys.stderr,
        )
        return 1
    anchors = verify_anchors(result.checked)
    if not anchors.ok:
        print(
            f"审计日志校验失败（外部锚点 {anchor_path()} 第 {anchors.line} 行）：{anchors.reason}",
            file=sys.stderr,
        )
        return 1
    print(f"审计日志完整：共校验 {result.checked} 条记录。")
    if anchors.missing and result.checked:
        print(
            f"注意：未找到外部锚点文件（{anchor_path() or '未配置 LUOSHI_AUDIT_ANCHOR'}），只校验了数据库中的哈希链。"
        )
    elif anchors.checked:
        print(f"外部锚点一致：共 {anchors.checked} 个，最近锚定到第 {anchors.last_seq} 条。")
    return 0


def _cmd_audit_anchor(args: argparse.Namespace) -> int:
    _django()
    from luoshi.audit.anchor import anchor_head, anchor_path

    if anchor_path() is None:
        print("luoshi: 未配置 LUOSHI_AUDIT_ANCHOR，未写入锚点。", file=sys.stderr)
        return 1
    seq = anchor_head()
    print(f"已锚定审计日志第 {seq} 条。" if seq else "审计日志为空，无需锚定。")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from luoshi.planparse.cli import run

    return run(args.plan_command, args.file, as_json=getattr(args, "json", False))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luoshi", description="落实：机关党建工作要点落实平台")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="启动网页服务")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--no-worker", action="store_true", help="不启动后台任务（另行运行 luoshi worker）")
    serve.set_defaults(func=_cmd_serve)

    demo = sub.add_parser("demo", help="生成演示数据并打印演示账户")
    demo.add_argument("--password", help="所有演示账户使用此密码（默认随机生成）")
    demo.add_argument("--if-empty", action="store_true", help="数据库已有数据时只打印账户")
    demo.set_defaults(func=_cmd_demo)

    worker = sub.add_parser("worker", help="后台任务：导出、标记逾期事项")
    worker.add_argument("--once", action="store_true", help="只运行一次定时任务后退出")
    worker.add_argument("--workers", type=int, default=None, help="工作线程数（默认 2）")
    worker.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)
    worker.set_defaults(func=_cmd_worker)

    manage = sub.add_parser("manage", help="Django 管理命令", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_cmd_manage)

    backup = sub.add_parser("backup", help="备份数据库和佐证材料到目录")
    backup.add_argument("dir")
    backup.set_defaults(func=_cmd_backup)
    restore = sub.add_parser("restore", help="从备份目录恢复到空数据库")
    restore.add_argument("dir")
    restore.set_defaults(func=_cmd_restore)

    audit = sub.add_parser("audit", help="审计日志")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="校验审计日志哈希链和外部锚点")
    verify.set_defaults(func=_cmd_audit_verify)
    anchor = audit_sub.add_parser("anchor", help="把当前链头签名写入外部锚点文件")
    anchor.set_defaults(func=_cmd_audit_anchor)

    plan = sub.add_parser("plan", help="解析工作要点文档")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    for name, helptext in (
        ("parse", "解析为提纲、措施和要素"),
        ("text", "打印提取的文本"),
        ("check", "检查草稿问题"),
    ):
        p = plan_sub.add_parser(name, help=helptext)
        p.add_argument("file")
        if name == "parse":
            p.add_argument("--json", action="store_true", help="输出 JSON")
        p.set_defaults(func=_cmd_plan)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
