# Fidelity to the article (issue 9, point 5): kinds may be unstated, an initiative's name may be
# a description, and partial dates may give part of a decade ("2000s-1", the early 2000s).

import programs.partial_dates
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0004_constraint_messages'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='affiliation',
            name='affiliation_dates_well_formed',
        ),
        migrations.RemoveConstraint(
            model_name='initiative',
            name='initiative_kind_valid',
        ),
        migrations.RemoveConstraint(
            model_name='initiative',
            name='initiative_dates_well_formed',
        ),
        migrations.RemoveConstraint(
            model_name='institution',
            name='institution_kind_valid',
        ),
        migrations.RemoveConstraint(
            model_name='source',
            name='source_date_well_formed',
        ),
        migrations.RemoveConstraint(
            model_name='statistic',
            name='statistic_period_well_formed',
        ),
        migrations.RemoveConstraint(
            model_name='track',
            name='track_origin_date_well_formed',
        ),
        migrations.AddField(
            model_name='historicalinitiative',
            name='name_is_descriptive',
            field=models.BooleanField(default=False, help_text="Tick when the source describes the initiative without naming it: the name is then a description the Atlas gives it (in the source's words where it can), and its page says so.", verbose_name='the name is a description'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='name_is_descriptive',
            field=models.BooleanField(default=False, help_text="Tick when the source describes the initiative without naming it: the name is then a description the Atlas gives it (in the source's words where it can), and its page says so.", verbose_name='the name is a description'),
        ),
        migrations.AlterField(
            model_name='historicalinitiative',
            name='kind',
            field=models.CharField(blank=True, choices=[('dialogue', 'Dialogue'), ('conference_series', 'Conference series'), ('exchange', 'Exchange'), ('partnership', 'Partnership'), ('forum', 'Forum'), ('accelerator', 'Accelerator'), ('consortium', 'Consortium'), ('government_program', 'Government program'), ('program', 'Program')], help_text='What sort of initiative, only if the source says; empty when it does not, and pages then show no kind.', max_length=30),
        ),
        migrations.AlterField(
            model_name='historicalinstitution',
            name='kind',
            field=models.CharField(blank=True, choices=[('university', 'University'), ('college', 'College or school'), ('foundation', 'Foundation'), ('think_tank', 'Think tank or research institute'), ('government_body', 'Government body'), ('embassy', 'Embassy'), ('ngo', 'Non-governmental organization'), ('space_agency', 'Space agency'), ('publisher', 'Publisher or news organization'), ('company', 'Company'), ('other', 'Other')], help_text='What sort of body it is, only if the source says; empty when it does not, and pages then show no kind.', max_length=20),
        ),
        migrations.AlterField(
            model_name='historicaltrack',
            name='origin_date',
            field=programs.partial_dates.PartialDateField(help_text='When the term or practice appeared: 1960s, 1981, 2000s-1 (the early 2000s).'),
        ),
        migrations.AlterField(
            model_name='initiative',
            name='kind',
            field=models.CharField(blank=True, choices=[('dialogue', 'Dialogue'), ('conference_series', 'Conference series'), ('exchange', 'Exchange'), ('partnership', 'Partnership'), ('forum', 'Forum'), ('accelerator', 'Accelerator'), ('consortium', 'Consortium'), ('government_program', 'Government program'), ('program', 'Program')], help_text='What sort of initiative, only if the source says; empty when it does not, and pages then show no kind.', max_length=30),
        ),
        migrations.AlterField(
            model_name='institution',
            name='kind',
            field=models.CharField(blank=True, choices=[('university', 'University'), ('college', 'College or school'), ('foundation', 'Foundation'), ('think_tank', 'Think tank or research institute'), ('government_body', 'Government body'), ('embassy', 'Embassy'), ('ngo', 'Non-governmental organization'), ('space_agency', 'Space agency'), ('publisher', 'Publisher or news organization'), ('company', 'Company'), ('other', 'Other')], help_text='What sort of body it is, only if the source says; empty when it does not, and pages then show no kind.', max_length=20),
        ),
        migrations.AlterField(
            model_name='track',
            name='origin_date',
            field=programs.partial_dates.PartialDateField(help_text='When the term or practice appeared: 1960s, 1981, 2000s-1 (the early 2000s).'),
        ),
        migrations.AddConstraint(
            model_name='affiliation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('start', ''), ('start__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR'), models.Q(('end', ''), ('end__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR')), name='affiliation_dates_well_formed'),
        ),
        migrations.AddConstraint(
            model_name='initiative',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['dialogue', 'conference_series', 'exchange', 'partnership', 'forum', 'accelerator', 'consortium', 'government_program', 'program', ''])), name='initiative_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='initiative',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('start', ''), ('start__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR'), models.Q(('end', ''), ('end__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR')), name='initiative_dates_well_formed'),
        ),
        migrations.AddConstraint(
            model_name='institution',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['university', 'college', 'foundation', 'think_tank', 'government_body', 'embassy', 'ngo', 'space_agency', 'publisher', 'company', 'other', ''])), name='institution_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('date', ''), ('date__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR'), name='source_date_well_formed'),
        ),
        migrations.AddConstraint(
            model_name='statistic',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('period_start', ''), _negated=True), models.Q(('period_start', ''), ('period_start__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR'), models.Q(('period_end', ''), ('period_end__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR')), name='statistic_period_well_formed', violation_error_code='statistic_period_well_formed', violation_error_message='Give the first (or only) year of the period: 2013, 2016-11-05.'),
        ),
        migrations.AddConstraint(
            model_name='track',
            constraint=models.CheckConstraint(condition=models.Q(('origin_date', ''), ('origin_date__regex', '^(\\d{3}0s(-[1-3])?|\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?)$'), _connector='OR'), name='track_origin_date_well_formed'),
        ),
    ]
