from django.db import migrations, models


def forwards(apps, schema_editor):
    apps.get_model("recourse", "Recourse").objects.filter(category="PUPIL").update(category="STUDENT")


def backwards(apps, schema_editor):
    apps.get_model("recourse", "Recourse").objects.filter(category="STUDENT").update(category="PUPIL")


class Migration(migrations.Migration):
    """The category « Un·e élève » is stored as STUDENT (was PUPIL), as the glossary names it."""

    dependencies = [
        ('recourse', '0002_student_label'),
    ]

    operations = [
        migrations.AlterField(
            model_name='recourse',
            name='category',
            field=models.CharField(choices=[('FAMILY', 'Une famille'), ('STUDENT', 'Un·e élève'), ('TEACHING_TEAM', "L'équipe pédagogique"), ('WORKING', 'Mes conditions de travail'), ('OTHER', 'Autre')], max_length=16, verbose_name='au sujet de'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
