"""Files uploaded before private media existed (issue 19, finding 11) move out of the public
media folder: avatars, and the attachments of submissions not yet published. Their new names
mark them private (core/media.py); renditions of such images are removed and made again, with
private names, when next needed. Old files are deleted only once the new names are committed."""

import posixpath

from django.core.files.storage import default_storage
from django.db import migrations, transaction

SUBMISSIONS_COLLECTION = "Einreichungen (unveröffentlicht)"
PRIVATE_PREFIX = "private-"


def _privatise(name):
    if not name or posixpath.basename(name).startswith(PRIVATE_PREFIX):
        return name
    if not default_storage.exists(name):
        return name
    directory, base = posixpath.split(name)
    with default_storage.open(name) as file:
        new_name = default_storage.save(posixpath.join(directory, PRIVATE_PREFIX + base), file)
    transaction.on_commit(lambda: default_storage.delete(name))
    return new_name


def privatise_uploads(apps, schema_editor):
    Profile = apps.get_model("members", "Profile")
    Collection = apps.get_model("wagtailcore", "Collection")
    Document = apps.get_model("wagtaildocs", "Document")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")

    for pk, name in Profile.objects.exclude(avatar="").values_list("pk", "avatar"):
        Profile.objects.filter(pk=pk).update(avatar=_privatise(name))
    closed = Collection.objects.filter(name=SUBMISSIONS_COLLECTION)
    for pk, name in Document.objects.filter(collection__in=closed).values_list("pk", "file"):
        Document.objects.filter(pk=pk).update(file=_privatise(name))
    for pk, name in Image.objects.filter(collection__in=closed).values_list("pk", "file"):
        Image.objects.filter(pk=pk).update(file=_privatise(name))
        for rendition_pk, rendition_name in Rendition.objects.filter(image_id=pk).values_list(
            "pk", "file"
        ):
            Rendition.objects.filter(pk=rendition_pk).delete()
            transaction.on_commit(lambda name=rendition_name: default_storage.delete(name))


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0005_knowledge_index_and_review"),
        ("members", "0011_profile_contact_links"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(privatise_uploads, migrations.RunPython.noop)]
