"""What the lesson page knows of the learner, read in one hand-written statement.

The lesson page is the page learners open most, and DESIGN.md §7 holds it to at least
half the throughput of a bare view. Built with the ORM, the course (with the visibility
check), the learner's latest cycle with its place, module entries and the lesson's
progress, and the lessons completed took three queries whose *compilation* cost about
six times what the database spent answering them (docs/performance.md). This module
asks the same questions in one statement that is written out once, and on PostgreSQL
prepared once per connection, so a request pays little more than the round trip.

The statement selects the course by slug, and the rest by joins that find nothing
before the learner starts, so one row answers every case: no row means there is no
such course or the learner may not see it (an unpublished course they never started);
a row with no cycle means they have not started it. Values go through the same
converters the ORM applies (time zones on SQLite, JSON, decimals), and rows become
model instances with their relations attached, as `select_related` would leave them.

`tests/courses/test_reading_state.py` checks the answer against the ORM's for the
states a learner can be in.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models.expressions import Col

from accounts.models import User
from courses.models import (
    Course,
    Enrollment,
    EnrollmentCycle,
    LessonProgress,
    ModuleEntry,
    ReadingPlace,
)
from curriculum.models import Lesson


@dataclass(frozen=True)
class ReadingState:
    """The course as the learner sees it, and where they are on it.

    `course.reading_version` is the version their cycle is pinned to (None before they
    start), as `Course.objects.visible_with_reading_version` annotates it. `cycle` is
    their latest cycle, with its enrolment and the enrolment's reading place loaded.
    The lesson's progress is the one the statement was asked about."""

    course: Course
    cycle: EnrollmentCycle | None
    lesson_first_viewed_at: datetime | None
    lesson_completed_at: datetime | None
    completed_lessons: frozenset[int]
    entered_modules: frozenset[int]
    note_seen_modules: frozenset[int]


Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class _Columns:
    """Columns of one model (or the named fields of one) in the statement, and how their
    values become Python values and an instance."""

    def __init__(self, model: type[models.Model], alias: str, names: Sequence[str] = ()) -> None:
        self.model = model
        self.alias = alias
        self.fields: list[models.Field[Any, Any]] = (
            [model._meta.get_field(name) for name in names]  # type: ignore[misc]
            if names
            else list(model._meta.concrete_fields)
        )
        self._found: WeakKeyDictionary[BaseDatabaseWrapper, list[tuple[Col, list[Converter]]]] = (
            WeakKeyDictionary()
        )

    def table(self) -> str:
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def select(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(str(field.column))}" for field in self.fields)

    def values(self, row: Sequence[Any]) -> list[Any]:
        """The row's values converted as the ORM's compiler converts them (time zones,
        decimals and booleans on SQLite, JSON everywhere)."""
        database = connections[DEFAULT_DB_ALIAS]
        converted = []
        for value, (column, steps) in zip(row, self._converters(database), strict=True):
            for step in steps:
                value = step(value, column, database)
            converted.append(value)
        return converted

    def _converters(self, database: BaseDatabaseWrapper) -> list[tuple[Col, list[Converter]]]:
        # Found once per connection (each thread has its own, and the backend's
        # converters are its methods): finding them costs more than applying them.
        found = self._found.get(database)
        if found is None:
            found = []
            for field in self.fields:
                column = field.get_col(self.alias)
                steps = [
                    *database.ops.get_db_converters(column),
                    *field.get_db_converters(database),
                ]
                found.append((column, steps))
            self._found[database] = found
        return found

    def instance(self, row: Sequence[Any]) -> Any:
        """The model instance, or None where the LEFT JOIN found no row (no key)."""
        if row[0] is None:
            return None
        names = [field.attname for field in self.fields]
        return self.model.from_db(DEFAULT_DB_ALIAS, names, self.values(row))


_COURSE = _Columns(Course, "c")
_ENROLLMENT = _Columns(Enrollment, "e")
_CYCLE = _Columns(EnrollmentCycle, "cy")
_PLACE = _Columns(ReadingPlace, "rp")
_PROGRESS = _Columns(LessonProgress, "p", ("first_viewed_at", "completed_at"))
_ROWS = (_COURSE, _ENROLLMENT, _CYCLE, _PLACE)

# The ids of a set of rows as one comma-separated value. (Django's StringAgg compiles
# to these, but compiling through the ORM is the very cost this module avoids.)
_ID_LIST = {
    "postgresql": "string_agg(CAST({} AS varchar), ',')",
    "sqlite": "group_concat({}, ',')",
}


@cache
def _statement(vendor: str) -> str:
    """The statement for this kind of database, written out once per process."""

    def table(model: type[models.Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    ids = _ID_LIST[vendor].format
    # Only table and column names from the models go into the text; every value the
    # request brings is a parameter.
    return f"""
        SELECT {", ".join(each.select() for each in (*_ROWS, _PROGRESS))},
            (SELECT {ids("done.lesson_id")} FROM {table(LessonProgress)} done
                WHERE done.cycle_id = cy.id AND done.completed_at IS NOT NULL),
            (SELECT {ids("entry.module_id")} FROM {table(ModuleEntry)} entry
                WHERE entry.cycle_id = cy.id),
            (SELECT {ids("seen.module_id")} FROM {table(ModuleEntry)} seen
                WHERE seen.cycle_id = cy.id AND seen.content_note_seen_at IS NOT NULL)
        FROM {_COURSE.table()}
        LEFT JOIN {_ENROLLMENT.table()} ON e.course_id = c.id AND e.user_id = %s
        LEFT JOIN {_CYCLE.table()} ON cy.id = (
            SELECT latest.id FROM {table(EnrollmentCycle)} latest
            WHERE latest.enrollment_id = e.id ORDER BY latest.number DESC LIMIT 1
        )
        LEFT JOIN {_PLACE.table()} ON rp.enrollment_id = e.id
        LEFT JOIN {_PROGRESS.table()} ON p.cycle_id = cy.id AND p.lesson_id = (
            SELECT lesson.id FROM {table(Lesson)} lesson WHERE lesson.slug = %s
        )
        WHERE c.slug = %s AND (c.is_published OR cy.id IS NOT NULL)
    """  # noqa: S608


class _PreparedCursor(psycopg.Cursor[Any]):
    """A cursor that binds on the server and asks for the statement to be prepared:
    PostgreSQL then parses and plans it once per connection, which costs more than
    running it (docs/performance.md). psycopg prepares nothing on a connection whose
    `prepare_threshold` is None (DATABASES OPTIONS, config/settings.py), as behind a
    pooler that cannot keep prepared statements; the statement then runs unprepared."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> "_PreparedCursor":
        return super().execute(query, params, prepare=True)


def _cursor() -> CursorWrapper:
    # Django's own cursors bind on the client, and those psycopg cannot prepare. This is
    # one of server-binding kind, wrapped as `connection.cursor()` wraps its own, so the
    # statement is logged and counted like any other query.
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _PreparedCursor(connection.connection)
    # (django-stubs types these as taking Django's wrapper; they take the driver's cursor.)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)  # type: ignore[arg-type]
    return connection.make_cursor(cursor)  # type: ignore[arg-type]


def _ids(value: str | None) -> frozenset[int]:
    return frozenset(int(each) for each in value.split(",")) if value else frozenset()


def reading_state(*, user: User, course_slug: str, lesson_slug: str) -> ReadingState | None:
    """The course (None if there is none this person may see), their latest cycle on it
    with its place, the lesson's progress in that cycle, and the ids of the lessons
    they completed, the modules they entered and those whose content note they read."""
    with _cursor() as cursor:
        cursor.execute(_statement(connection.vendor), [user.pk, lesson_slug, course_slug])
        row = cursor.fetchone()
    if row is None:
        return None
    instances = []
    start = 0
    for columns in _ROWS:
        end = start + len(columns.fields)
        instances.append(columns.instance(row[start:end]))
        start = end
    course, enrollment, cycle, place = instances
    first_viewed_at, completed_at = _PROGRESS.values(row[start : start + 2])
    done, entered, seen = row[start + 2 :]
    course.reading_version = cycle.content_version if cycle is not None else None
    if cycle is not None:
        # As select_related("enrollment__reading_place") would leave them.
        enrollment.course = course
        cycle.enrollment = enrollment
        Enrollment.reading_place.related.set_cached_value(enrollment, place)
        if place is not None:
            place.enrollment = enrollment
    return ReadingState(
        course=course,
        cycle=cycle,
        lesson_first_viewed_at=first_viewed_at,
        lesson_completed_at=completed_at,
        completed_lessons=_ids(done),
        entered_modules=_ids(entered),
        note_seen_modules=_ids(seen),
    )
