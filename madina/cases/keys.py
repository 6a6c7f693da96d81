"""Key rotation for the cases app: every encrypted column and every attachment file."""

from __future__ import annotations

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from madina.cases.crypto import EncryptedJSONField, EncryptedTextField, Token, rotate_token


def encrypted_fields() -> dict[type, list[str]]:
    """Each model of the cases app with its encrypted columns."""
    result = {}
    for model in apps.get_app_config("cases").get_models():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField | EncryptedJSONField)
        ]
        if names:
            result[model] = names
    return result


def _rotate_rows(model, names: list[str], batch_size: int) -> int:
    """Rewrite the raw tokens (no decryption into Python objects) batch by batch."""
    count = 0
    last_pk = None
    while True:
        rows = model.objects.order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        # Cast to plain text: the tokens as stored, not decrypted by the fields.
        raw = {f"raw_{name}": Cast(name, output_field=TextField()) for name in names}
        batch = list(rows.annotate(**raw).values_list("pk", *raw)[:batch_size])
        if not batch:
            return count
        with transaction.atomic():
            for pk, *tokens in batch:
                updates = {
                    name: rotate_token(token.encode("ascii")).decode("ascii")
                    for name, token in zip(names, tokens, strict=True)
                    if token
                }
                if updates:
                    model.objects.filter(pk=pk).update(**{k: Token(v) for k, v in updates.items()})
                    count += 1
        last_pk = batch[-1][0]


def _rotate_files(batch_size: int) -> int:
    """Each attachment is written under a new name, pointed to, then the old file removed:
    a crash leaves at worst an orphan old file, never a row pointing at a missing one."""
    from madina.cases.models import Attachment

    count = 0
    for attachment in Attachment.objects.only("pk", "file").iterator(chunk_size=batch_size):
        storage = attachment.file.storage
        old_name = attachment.file.name
        with storage.open(old_name, "rb") as handle:
            token = handle.read()
        rotated = rotate_token(token)
        if rotated == token:
            continue
        attachment.file.save("attachment.bin", ContentFile(rotated), save=False)
        Attachment.objects.filter(pk=attachment.pk).update(file=attachment.file.name)
        storage.delete(old_name)
        count += 1
    return count


def rotate_all(*, batch_size: int = 500) -> dict[str, int]:
    counts = {}
    for model, names in encrypted_fields().items():
        counts[model._meta.label] = _rotate_rows(model, names, batch_size)
    counts["attachments (files)"] = _rotate_files(batch_size)
    return counts
