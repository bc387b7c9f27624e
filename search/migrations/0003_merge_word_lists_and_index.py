from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_word_lists"),
        ("search", "0002_full_text"),
    ]

    operations = []
