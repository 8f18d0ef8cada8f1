"""The product's tables, read through unmanaged models (no migrations, nothing written)."""

from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=120)

    class Meta:
        managed = False
        db_table = "people_team"

    def __str__(self):
        return self.name


class Category(models.Model):
    name = models.CharField(max_length=120)

    class Meta:
        managed = False
        db_table = "policies_boundarycategory"

    def __str__(self):
        return self.name


class Staff(models.Model):
    staff_number = models.CharField(max_length=20)
    job_title = models.CharField(max_length=120)
    team = models.ForeignKey(Team, on_delete=models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "people_staffmember"

    def __str__(self):
        return self.staff_number


class Case(models.Model):
    reference = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    priority = models.CharField(max_length=10)
    opened_at = models.DateTimeField()
    next_review_date = models.DateField(null=True)
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING)
    team = models.ForeignKey(Team, on_delete=models.DO_NOTHING)
    reviewer = models.ForeignKey(Staff, null=True, on_delete=models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "cases_case"

    def __str__(self):
        return self.reference


class Action(models.Model):
    case = models.ForeignKey(Case, on_delete=models.DO_NOTHING, related_name="actions")
    details = models.TextField()
    due_date = models.DateField()
    status = models.CharField(max_length=20)
    owner = models.ForeignKey(Staff, on_delete=models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "cases_action"

    def __str__(self):
        return self.details
