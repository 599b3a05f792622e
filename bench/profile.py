"""Profile pages rendered in this process: ``python -m bench.profile /training/ /search/?q=neglect …``.

Uses the benchmark's large board (``make bench`` prepares it; ``--database`` names another) with
production settings and the page cache off, so every request renders the page, through the whole
middleware stack as gunicorn would serve it. Each path is requested ``--warm`` times first (templates
compiled, connections open), then ``--requests`` times under pyinstrument, whose call tree is printed;
``--cprofile`` prints cProfile's table by own time instead. ``--timing`` prints only the time per request, with
the CPU this process spent (what rendering costs, without the database's time or other processes' load).
"""

import argparse
import cProfile
import os
import pstats
import sys
import time

from .servers import production_env


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--database", help="database URL (default: the benchmark's large board)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--timing", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from lscb_portal.dbserver import database_url

    from .run import bench_database_url

    url = args.database or bench_database_url(database_url(), "large")
    os.environ.update(production_env(database_url=url, PAGE_CACHE_SECONDS="0"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lscb_portal.settings"
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")

    def get(path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    for path in args.paths:
        for _ in range(args.warm):
            get(path)
        started, cpu_started = time.perf_counter(), time.process_time()
        if args.timing:
            for _ in range(args.requests):
                get(path)
        elif args.cprofile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                get(path)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(40)
        else:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.requests):
                    get(path)
            sys.stdout.write(profiler.output_text(unicode=True, color=False, show_all=False))
        elapsed_ms = (time.perf_counter() - started) * 1000 / args.requests
        cpu_ms = (time.process_time() - cpu_started) * 1000 / args.requests
        sys.stdout.write(
            f"{path}: {elapsed_ms:.2f} ms a request ({cpu_ms:.2f} ms of this process's CPU) "
            f"over {args.requests} requests\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
