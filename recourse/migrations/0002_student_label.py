from django.db import migrations


class Migration(migrations.Migration):
    """« élève » is `Student` everywhere (glossary): the recourse's pupil label follows."""

    dependencies = [("recourse", "0001_initial")]

    operations = [migrations.RenameField("recourse", "pupil_label", "student_label")]
