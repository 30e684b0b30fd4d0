from django.db import migrations


class Migration(migrations.Migration):
    """« élève » is `Student` everywhere (glossary): the weekly figure's count follows."""

    dependencies = [("reports", "0002_weekly_figures_every_count")]

    operations = [migrations.RenameField("weeklyfigure", "pupils", "students")]
