"""Everything of `performance` up to the release of 2026-11-28, in one migration.

It replaces 0001_initial, 0002_facility_control_run_updated: a database made before must be at that release
(all of them applied) before it upgrades; a new database runs only this. Data fixes of those
migrations that only mattered for rows that existed then are not repeated here."""

import anju.core.fields
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('performance', '0001_initial'),
        ('performance', '0002_facility_control_run_updated'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Asset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=40, unique=True, verbose_name='asset code')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('kind', models.CharField(choices=[('current', 'Current asset'), ('fixed', 'Fixed asset')], max_length=10, verbose_name='kind')),
                ('category', models.CharField(blank=True, max_length=60, verbose_name='asset category')),
                ('value', anju.core.fields.MoneyField(verbose_name='value')),
                ('department', models.CharField(blank=True, max_length=60, verbose_name='department')),
                ('custodian', models.CharField(blank=True, max_length=60, verbose_name='custodian')),
                ('acquired_on', models.DateField(verbose_name='acquired on')),
                ('status', models.CharField(choices=[('in_use', 'In use'), ('disposal_requested', 'Disposal requested'), ('disposed', 'Disposed')], default='in_use', max_length=20, verbose_name='status')),
                ('disposed_on', models.DateField(blank=True, null=True, verbose_name='disposed on')),
                ('disposal_reason', models.CharField(blank=True, max_length=300, verbose_name='disposal reason')),
            ],
            options={
                'verbose_name': 'asset',
                'verbose_name_plural': 'assets',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='FacilityControl',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                ('approved_area', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='approved area (m²)')),
                ('actual_area', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='actual area (m²)')),
                ('budget_investment', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='budgeted investment')),
                ('actual_investment', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='actual investment')),
            ],
            options={
                'verbose_name': 'building control',
                'verbose_name_plural': 'building control',
                'ordering': ['-year'],
            },
        ),
        migrations.CreateModel(
            name='Indicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='year')),
                ('level1', models.CharField(max_length=60, verbose_name='level 1')),
                ('level1_weight', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=5, verbose_name='level 1 weight')),
                ('level2', models.CharField(max_length=60, verbose_name='level 2')),
                ('name', models.CharField(blank=True, max_length=120, verbose_name='level 3')),
                ('weight', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=5, verbose_name='weight')),
                ('operator', models.CharField(choices=[('ge', '≥'), ('le', '≤'), ('eq', '='), ('qual', 'qualitative'), ('budget', 'budget execution'), ('na', 'not applicable')], max_length=10, verbose_name='operator')),
                ('target', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='target')),
                ('target_text', models.CharField(blank=True, max_length=60, verbose_name='target as written')),
                ('unit', models.CharField(blank=True, max_length=20, verbose_name='unit of measure')),
                ('kpi_code', models.CharField(blank=True, max_length=60, verbose_name='bound KPI')),
                ('kpi_scale', models.DecimalField(decimal_places=0, default=Decimal('1'), max_digits=12, verbose_name='KPI divisor')),
                ('actual', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='actual (manual)')),
                ('actual_text', models.CharField(blank=True, max_length=60, verbose_name='actual as written')),
                ('band', models.CharField(blank=True, choices=[('achieved', 'Achieved'), ('partly', 'Partly achieved'), ('not_achieved', 'Not achieved')], max_length=15, verbose_name='qualitative band')),
                ('band_score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='share of weight in band (%)')),
                ('override_score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name="evaluator's score")),
                ('override_reason', models.TextField(blank=True, verbose_name="reason for the evaluator's score")),
                ('deviation_note', models.TextField(blank=True, verbose_name='deviation and improvement')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'indicator',
                'verbose_name_plural': 'indicators',
                'ordering': ['year', 'order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Staffing',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                ('posts', models.PositiveIntegerField(verbose_name='posts')),
                ('staff', models.PositiveIntegerField(verbose_name='staff in post')),
                ('reported_control_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='control rate as filed (%)')),
            ],
            options={
                'verbose_name': 'staffing',
                'verbose_name_plural': 'staffing',
                'ordering': ['-year'],
            },
        ),
        migrations.CreateModel(
            name='AssetChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('acquired', 'Acquired'), ('transferred', 'Custodian changed'), ('disposal_requested', 'Disposal requested'), ('disposal_approved', 'Disposal approved'), ('disposal_refused', 'Disposal refused'), ('disposed', 'Disposed')], max_length=20, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('asset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='changes', to='performance.asset', verbose_name='asset')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL, verbose_name='by')),
            ],
            options={
                'verbose_name': 'asset change',
                'verbose_name_plural': 'asset changes',
                'ordering': ['asset', 'at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='BudgetLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='year')),
                ('section', models.CharField(choices=[('income', 'Income by source'), ('personnel', 'Basic spending: personnel'), ('public', 'Basic spending: public'), ('project', 'Project spending'), ('economic', 'Spending by economic class'), ('three_public', 'Three public expenses'), ('public_detail', 'Public expenses detail'), ('procurement', 'Government procurement'), ('adjustment', 'Basic budget adjustment')], max_length=20, verbose_name='section')),
                ('name', models.CharField(max_length=100, verbose_name='budget item')),
                ('initial', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='initial budget')),
                ('final', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='full-year budget')),
                ('executed', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='executed')),
                ('prior_year', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='prior-year actual')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'budget line',
                'verbose_name_plural': 'budget lines',
                'ordering': ['year', 'section', 'order', 'id'],
                'constraints': [models.UniqueConstraint(fields=('year', 'section', 'name'), name='performance_budgetline_unique')],
            },
        ),
        migrations.CreateModel(
            name='Narrative',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('section', models.CharField(max_length=40, verbose_name='section')),
                ('text', models.TextField(blank=True, verbose_name='text')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'report narrative',
                'verbose_name_plural': 'report narratives',
                'ordering': ['year', 'section'],
                'constraints': [models.UniqueConstraint(fields=('year', 'section'), name='performance_narrative_unique')],
            },
        ),
        migrations.CreateModel(
            name='ReportRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Building the files'), ('done', 'Built'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                ('step', models.CharField(blank=True, max_length=100, verbose_name='step')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('directory', models.CharField(blank=True, max_length=300, verbose_name='directory')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('finished', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'report run',
                'verbose_name_plural': 'report runs',
                'ordering': ['-created', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SpecialFund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='year')),
                ('name', models.CharField(max_length=100, verbose_name='special fund')),
                ('key', models.SlugField(blank=True, max_length=30, verbose_name='KPI key')),
                ('budget', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='budget')),
                ('used', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='used')),
                ('balance', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='balance')),
                ('in_department_budget', models.BooleanField(default=True, verbose_name="in the department's budget")),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'special fund',
                'verbose_name_plural': 'special funds',
                'ordering': ['year', 'order', 'id'],
                'constraints': [models.UniqueConstraint(fields=('year', 'name'), name='performance_specialfund_unique'), models.UniqueConstraint(condition=models.Q(('key', ''), _negated=True), fields=('year', 'key'), name='performance_specialfund_key_unique')],
            },
        ),
    ]
