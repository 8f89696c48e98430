"""
The sandbox LMS's own tables: what edx-platform keeps about courses, enrollments, course staff,
persisted course grades and user profiles, reduced to what the plugin asks of it.

They live in the sandbox's database, as the platform's live in its own, so every process that
runs the sandbox (the served demo, ``manage.py lms ...``, a Celery worker, an event bus consumer)
sees the same courses and grades. :class:`sandbox.fake_platform.FakePlatform` reads and seeds them.
"""

from django.conf import settings
from django.db import models


class UserProfile(models.Model):
    """The learner's full name, as edx-platform's ``student.UserProfile``: one row per user,
    reached as ``user.profile`` (so the adapter's own user lookups work unchanged)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    name = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.name


class FakeCourse(models.Model):
    """A course run, or a CCX of one (``master`` set): its grading policy in brief."""

    key = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    assignment_types = models.JSONField(default=list)
    passing_grade = models.FloatField(default=0.5)
    # Sections, subsections and units in course order: [{"usage_key", "block_type",
    # "display_name", "graded", "assignment_type", "parent"}] (platform.OutlineBlock).
    outline = models.JSONField(default=list)
    master = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="ccxs"
    )

    def __str__(self) -> str:
        return self.key


class FakeEnrollment(models.Model):
    """``student.CourseEnrollment``: unenrolling keeps the row, inactive."""

    # No database constraint: a test can enroll the id of a user who is gone, as a learner
    # deleted while a backfill walks the enrollments would be.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    course = models.ForeignKey(FakeCourse, on_delete=models.CASCADE, related_name="enrollments")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="sandbox_one_enrollment")
        ]
        indexes = [models.Index(fields=["course", "is_active", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class FakeCourseStaff(models.Model):
    """Studio write access to one course (``CourseStaffRole``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(FakeCourse, on_delete=models.CASCADE, related_name="staff")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="sandbox_one_staff_role")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} staff of {self.course_id}"


class FakeCourseGrade(models.Model):
    """A learner's persisted grade in one course run (``grades.PersistentCourseGrade``), with
    the subsection scores (``blocks``: usage key -> [earned, possible]) and the grader's
    average per assignment type that the platform computes from them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(FakeCourse, on_delete=models.CASCADE, related_name="grades")
    percent = models.FloatField()
    passed = models.BooleanField()
    letter_grade = models.CharField(max_length=255, blank=True)
    blocks = models.JSONField(default=dict)
    assignment_averages = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="sandbox_one_course_grade")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}: {self.percent}"
