"""Append-only journals (who read or did what, when): the journal of reads of student records,
of recourse reads, of second-factor resets. A row is written once; the ORM refuses to change or
delete it (the retention command removes old rows by a bulk delete of its own)."""

from __future__ import annotations

from django.db import models

from pial.enums import Role
from pial.scope import Scope


class AppendOnlyQuerySet(models.QuerySet):
    changed_message = "Ce journal ne peut pas être modifié."

    def update(self, **kwargs):
        raise PermissionError(self.changed_message)


class PoleJournalQuerySet(AppendOnlyQuerySet):
    """A journal kept per pôle (a `pole` field): the superuser and the pôle's coordinators read it."""

    def visible_to(self, scope: Scope) -> PoleJournalQuerySet:
        if scope.is_national:
            return self
        if scope.role == Role.COORDINATOR:
            return self.filter(pole_id=scope.pole_id)
        return self.none()


class AppendOnlyModel(models.Model):
    changed_message = "Ce journal ne peut pas être modifié."
    deleted_message = "Une entrée du journal ne se supprime pas."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(self.changed_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(self.deleted_message)
