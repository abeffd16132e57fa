"""Time item analysis read from the database (quizzes.item_analysis.analyse_quiz, the
path the admin's item analysis page and `manage.py item_analysis --quiz` take).

    DATABASE_URL=... .venv/bin/python -m bench.item_analysis_db [--quiz bench-item-analysis --runs 3]

Fill the database first with `manage.py seed_quiz_bench --attempts 50000` (50,000 first
attempts x 20 scored answers, plus retakes and renewals the analysis must skip). One
warm-up run, then the median of the runs: the whole report built, from the first query
to the last figure, per-option and per-path counts included. Also printed: the peak
resident memory before and after, which stays flat as answers stream. No assertion:
compare the figures across machines and changes.
"""

import argparse
import os
import resource
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiz", default="bench-item-analysis")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from quizzes.item_analysis import ItemAnalysis, analyse_quiz
    from quizzes.models import Quiz

    quiz = Quiz.objects.get(slug=args.quiz)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report: ItemAnalysis = analyse_quiz(quiz=quiz)  # warm-up: caches, connection, plans
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        report = analyse_quiz(quiz=quiz)
        times.append(time.perf_counter() - started)
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = statistics.median(times)

    print(
        f"{connection.vendor} {connection.get_database_version()}: quiz {quiz.slug}, "
        f"{report.attempts} first attempts, {report.answers} scored answers analysed"
    )
    print(
        f"report built: {seconds:.2f} s (median of {args.runs}; runs "
        f"{', '.join(f'{t:.2f}' for t in times)}), {report.answers / seconds:,.0f} answers/s"
    )
    print(f"peak RSS: {peak_before / 1024:.0f} MiB before, {peak_after / 1024:.0f} MiB after")
    for version in report.versions:
        figures = (
            version.facility,
            version.sd,
            version.discrimination_index,
            version.discriminative_efficiency,
        )
        shown = ("-" if value is None else f"{value:.3f}" for value in figures)
        print(f"  {version.label:40} S={version.attempts:6} F, sd, D, DE = {', '.join(shown)}")


if __name__ == "__main__":
    main()
