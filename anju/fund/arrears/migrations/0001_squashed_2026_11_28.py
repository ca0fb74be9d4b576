"""Everything of `arrears` up to the release of 2026-11-28, in one migration.

It replaces 0001_initial, 0002_evidence_items: a database made before must be at that release
(all of them applied) before it upgrades; a new database runs only this. Data fixes of those
migrations that only mattered for rows that existed then are not repeated here."""

import anju.core.fields
import django.utils.timezone
from decimal import Decimal
from django.db import migrations, models
import django.db.models.deletion
from django.conf import settings


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('arrears', '0001_initial'),
        ('arrears', '0002_evidence_items'),
    ]

    dependencies = [
        ('fund', '0001_squashed_2026_11_28'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArrearsItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount owed')),
                ('recovered', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='amount recovered')),
                ('status', models.CharField(choices=[('owed', 'Owed'), ('partial', 'Partly recovered'), ('recovered', 'Recovered')], default='owed', max_length=10, verbose_name='status')),
            ],
            options={
                'verbose_name': 'arrears item',
                'verbose_name_plural': 'arrears items',
                'ordering': ['case', 'unit__code'],
            },
        ),
        migrations.CreateModel(
            name='CaseAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('notice', 'Written notice'), ('not_served', 'Notice not served'), ('interview', 'Interview'), ('joint', 'Joint interview with police and tax'), ('transfer', 'Transfer to urban management'), ('civil_suit', 'Civil suit via a law firm'), ('auction', 'Asset auction'), ('failed_auction', 'Failed auction')], db_index=True, max_length=16, verbose_name='kind')),
                ('date', models.DateField(db_index=True, verbose_name='date')),
                ('participants', models.CharField(blank=True, max_length=300, verbose_name='participants')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('amount', anju.core.fields.MoneyField(blank=True, null=True, verbose_name='amount involved')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'case action',
                'verbose_name_plural': 'case actions',
                'ordering': ['date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Evidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('collected_on', models.DateField(db_index=True, verbose_name='collected on')),
                ('description', models.CharField(max_length=300, verbose_name='description')),
                ('households', models.PositiveIntegerField(verbose_name='households covered')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount covered')),
            ],
            options={
                'verbose_name': 'evidence',
                'verbose_name_plural': 'evidence',
                'ordering': ['-collected_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Recovery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received_on', models.DateField(db_index=True, verbose_name='received on')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('payer', models.CharField(blank=True, max_length=120, verbose_name='payer')),
            ],
            options={
                'verbose_name': 'recovery',
                'verbose_name_plural': 'recoveries',
                'ordering': ['-received_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='RecoveryCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=30, unique=True, verbose_name='case number')),
                ('opened_on', models.DateField(verbose_name='opened on')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('owed', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='amount owed')),
                ('recovered', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='amount recovered')),
                ('households', models.PositiveIntegerField(default=0, verbose_name='households')),
                ('stage', models.CharField(choices=[('open', 'Opened'), ('notified', 'Notice served'), ('unserved', 'Notice not served'), ('interviewed', 'Interviewed'), ('enforcement', 'Transferred or sued'), ('auction', 'Asset auction'), ('recovered', 'Fully recovered')], db_index=True, default='open', max_length=12, verbose_name='stage')),
            ],
            options={
                'verbose_name': 'recovery case',
                'verbose_name_plural': 'recovery cases',
                'ordering': ['number'],
            },
        ),
        migrations.CreateModel(
            name='RecoveryTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                ('amount', anju.core.fields.MoneyField(verbose_name='target amount')),
                ('issued_by', models.CharField(blank=True, max_length=120, verbose_name='issuing authority')),
                ('document', models.CharField(blank=True, max_length=120, verbose_name='document number')),
            ],
            options={
                'verbose_name': 'recovery target',
                'verbose_name_plural': 'recovery targets',
                'ordering': ['-year'],
            },
        ),
        migrations.CreateModel(
            name='SchedulingMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(db_index=True, verbose_name='date')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('attendees', models.CharField(blank=True, max_length=300, verbose_name='attendees')),
                ('decisions', models.TextField(blank=True, verbose_name='decisions')),
            ],
            options={
                'verbose_name': 'scheduling meeting',
                'verbose_name_plural': 'scheduling meetings',
                'ordering': ['-date', '-id'],
            },
        ),
        migrations.AddField(
            model_name='arrearsitem',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.account', verbose_name='unit ledger'),
        ),
        migrations.AddField(
            model_name='arrearsitem',
            name='unit',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='arrears_item', to='registry.unit', verbose_name='unit'),
        ),
        migrations.AddField(
            model_name='caseaction',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='items',
            field=models.ManyToManyField(related_name='evidence', to='arrears.arrearsitem', verbose_name='units covered'),
        ),
        migrations.AddField(
            model_name='recovery',
            name='bank',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.account', verbose_name='bank special account'),
        ),
        migrations.AddField(
            model_name='recovery',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AddField(
            model_name='recovery',
            name='entry',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='arrears_recovery', to='fund.journalentry', verbose_name='journal entry'),
        ),
        migrations.AddField(
            model_name='recoverycase',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AddField(
            model_name='recoverycase',
            name='developer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recovery_cases', to='registry.enterprise', verbose_name='developer'),
        ),
        migrations.AddField(
            model_name='recoverycase',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.project', verbose_name='project'),
        ),
        migrations.AddField(
            model_name='recovery',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recoveries', to='arrears.recoverycase', verbose_name='case'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='arrears.recoverycase', verbose_name='case'),
        ),
        migrations.AddField(
            model_name='caseaction',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='arrears.recoverycase', verbose_name='case'),
        ),
        migrations.AddField(
            model_name='arrearsitem',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='arrears.recoverycase', verbose_name='case'),
        ),
        migrations.AddConstraint(
            model_name='recoverytarget',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='arrears_target_positive'),
        ),
        migrations.AddConstraint(
            model_name='recoverycase',
            constraint=models.UniqueConstraint(fields=('developer', 'project'), name='arrears_case_unique'),
        ),
        migrations.AddConstraint(
            model_name='recovery',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='arrears_recovery_positive'),
        ),
        migrations.AddConstraint(
            model_name='arrearsitem',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='arrears_item_positive'),
        ),
    ]
