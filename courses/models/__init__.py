"""Delivery of the curriculum, split by topic as it grows (DESIGN.md §2):

- `catalogue`: `Course`, what a learner can take;
- `enrolment`: `Enrollment` and its `EnrollmentCycle`s;
- `progress`: what the learner has read (`LessonProgress`), which modules they have
  entered (`ModuleEntry`), and their private `ReadingPlace`.
"""

from courses.models.catalogue import Course, CourseQuerySet
from courses.models.enrolment import Enrollment, EnrollmentCycle, EnrollmentQuerySet
from courses.models.progress import LessonProgress, ModuleEntry, ReadingPlace

__all__ = [
    "Course",
    "CourseQuerySet",
    "Enrollment",
    "EnrollmentCycle",
    "EnrollmentQuerySet",
    "LessonProgress",
    "ModuleEntry",
    "ReadingPlace",
]
