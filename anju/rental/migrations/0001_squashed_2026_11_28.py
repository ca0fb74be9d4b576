"""Everything of `rental` up to the release of 2026-11-28, in one migration.

It replaces 0001_initial, 0002_draw_announce_and_hold, 0003_payment_unallocated, 0004_kpi_covering_indexes: a database made before must be at that release
(all of them applied) before it upgrades; a new database runs only this. Data fixes of those
migrations that only mattered for rows that existed then are not repeated here."""

import anju.core.fields
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('rental', '0001_initial'),
        ('rental', '0002_draw_announce_and_hold'),
        ('rental', '0003_payment_unallocated'),
        ('rental', '0004_kpi_covering_indexes'),
    ]

    dependencies = [
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='InspectionPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                ('inspection_percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='inspected, percent of homes')),
                ('reinspection_percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='re-inspected, percent of inspected')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'inspection plan',
                'verbose_name_plural': 'inspection plans',
                'ordering': ['-year'],
            },
        ),
        migrations.CreateModel(
            name='Draw',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='draw number')),
                ('status', models.CharField(choices=[('announced', 'Announced'), ('held', 'Held')], default='held', max_length=10, verbose_name='status')),
                ('announced_on', models.DateField(blank=True, null=True, verbose_name='announced on')),
                ('draw_on', models.DateField(blank=True, null=True, verbose_name='draw date')),
                ('seed_source', models.CharField(blank=True, max_length=200, verbose_name='seed source')),
                ('inputs_hash', models.CharField(blank=True, max_length=64, verbose_name='inputs hash')),
                ('external_value', models.CharField(blank=True, max_length=100, verbose_name='external value')),
                ('held_on', models.DateField(blank=True, null=True, verbose_name='held on')),
                ('seed', models.CharField(blank=True, max_length=100, verbose_name='published seed')),
                ('households', models.JSONField(verbose_name='household numbers')),
                ('units', models.JSONField(verbose_name='unit codes')),
                ('result', models.JSONField(default=list, verbose_name='result')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
            ],
            options={
                'verbose_name': 'lottery draw',
                'verbose_name_plural': 'lottery draws',
                'ordering': ['-draw_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Filing',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='filing number')),
                ('filed_on', models.DateField(verbose_name='filed on')),
                ('lessor', models.CharField(max_length=120, verbose_name='lessor')),
                ('lessor_id', models.CharField(max_length=40, verbose_name='lessor ID number')),
                ('lessee', models.CharField(max_length=120, verbose_name='lessee')),
                ('lessee_id', models.CharField(max_length=40, verbose_name='lessee ID number')),
                ('address', models.CharField(max_length=200, verbose_name='address')),
                ('area', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='area (m²)')),
                ('start', models.DateField(verbose_name='start')),
                ('end', models.DateField(verbose_name='end')),
                ('monthly_rent', anju.core.fields.MoneyField(verbose_name='monthly rent')),
            ],
            options={
                'verbose_name': 'rental filing',
                'verbose_name_plural': 'rental filings',
                'ordering': ['-filed_on', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='rental_filing_term')],
            },
        ),
        migrations.CreateModel(
            name='Household',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='household number')),
                ('category', models.CharField(choices=[('dibao', 'Urban minimum living allowance'), ('low_income', 'Low income'), ('migrant', 'Migrant worker'), ('new_graduate', 'Newly employed'), ('market', 'Market rent'), ('commercial', 'Commercial (shop)')], max_length=20, verbose_name='category')),
                ('members_count', models.PositiveSmallIntegerField(default=1, verbose_name='household size')),
                ('monthly_income', anju.core.fields.MoneyField(verbose_name='monthly income per person')),
                ('owns_home', models.BooleanField(default=False, verbose_name='owns a home in the city')),
                ('income_checked', models.BooleanField(default=False, verbose_name='income checked')),
                ('housing_checked', models.BooleanField(default=False, verbose_name='housing checked')),
                ('applied_on', models.DateField(verbose_name='applied on')),
                ('status', models.CharField(choices=[('applied', 'Applied'), ('waiting', 'Eligible, waiting'), ('rejected', 'Not eligible'), ('housed', 'Housed'), ('exited', 'Exited')], default='applied', max_length=10, verbose_name='status')),
                ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided on')),
                ('decision_note', models.CharField(blank=True, max_length=300, verbose_name='decision note')),
                ('waiting_since', models.DateField(blank=True, null=True, verbose_name='waiting since')),
                ('applicant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person', verbose_name='applicant')),
            ],
            options={
                'verbose_name': 'household',
                'verbose_name_plural': 'tenant households',
                'ordering': ['number'],
            },
        ),
        migrations.CreateModel(
            name='HouseholdMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relation', models.CharField(max_length=20, verbose_name='relation')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='rental.household', verbose_name='household')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person', verbose_name='person')),
            ],
            options={
                'verbose_name': 'household member',
                'verbose_name_plural': 'household members',
                'ordering': ['household', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Lease',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='lease number')),
                ('kind', models.CharField(choices=[('home', 'Dwelling'), ('shop', 'Shop')], max_length=10, verbose_name='kind')),
                ('tenant_name', models.CharField(max_length=120, verbose_name='tenant')),
                ('category', models.CharField(choices=[('dibao', 'Urban minimum living allowance'), ('low_income', 'Low income'), ('migrant', 'Migrant worker'), ('new_graduate', 'Newly employed'), ('market', 'Market rent'), ('commercial', 'Commercial (shop)')], max_length=20, verbose_name='category')),
                ('area', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='area (m²)')),
                ('monthly_rent', anju.core.fields.MoneyField(verbose_name='monthly rent')),
                ('deposit', anju.core.fields.MoneyField(verbose_name='deposit')),
                ('start', models.DateField(verbose_name='start')),
                ('end', models.DateField(verbose_name='end of term')),
                ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                ('status', models.CharField(choices=[('active', 'In effect'), ('ended', 'Ended')], default='active', max_length=10, verbose_name='status')),
                ('draw', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='leases', to='rental.draw', verbose_name='lottery draw')),
                ('household', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='leases', to='rental.household', verbose_name='household')),
                ('renewed_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='rental.lease', verbose_name='renewal of')),
            ],
            options={
                'verbose_name': 'lease',
                'verbose_name_plural': 'leases',
                'ordering': ['-start', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Inspection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('visit', models.CharField(choices=[('inspection', 'Inspection'), ('reinspection', 'Re-inspection')], max_length=15, verbose_name='visit')),
                ('visited_on', models.DateField(verbose_name='visited on')),
                ('finding', models.CharField(choices=[('lives', 'Lives there'), ('vacant', 'Vacant'), ('sublet', 'Sublet'), ('other_use', 'Other use')], max_length=10, verbose_name='finding')),
                ('inspector', models.CharField(max_length=60, verbose_name='inspector')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='rental.household', verbose_name='household')),
                ('lease', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='rental.lease', verbose_name='lease')),
            ],
            options={
                'verbose_name': 'inspection',
                'verbose_name_plural': 'inspections',
                'ordering': ['-visited_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Exit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='exit number')),
                ('reason', models.CharField(choices=[('over_income', 'Income over the limit'), ('owns_home', 'Owns a home'), ('sublet', 'Sublet'), ('vacant', 'Left vacant'), ('arrears', 'Rent arrears'), ('voluntary', 'Moved out voluntarily')], max_length=15, verbose_name='reason')),
                ('notice_on', models.DateField(verbose_name='notice served on')),
                ('deadline', models.DateField(verbose_name='move out by')),
                ('notices', models.PositiveSmallIntegerField(default=1, verbose_name='notices served')),
                ('forced', models.BooleanField(default=False, verbose_name='forced exit')),
                ('status', models.CharField(choices=[('notified', 'Notified'), ('completed', 'Completed')], default='notified', max_length=10, verbose_name='status')),
                ('completed_on', models.DateField(blank=True, null=True, verbose_name='completed on')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exits', to='rental.household', verbose_name='household')),
                ('lease', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exits', to='rental.lease', verbose_name='lease')),
            ],
            options={
                'verbose_name': 'exit',
                'verbose_name_plural': 'exits',
                'ordering': ['-notice_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Payment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('home', 'Dwelling'), ('shop', 'Shop')], max_length=10, verbose_name='kind')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('paid_on', models.DateField(verbose_name='paid on')),
                ('channel', models.CharField(choices=[('counter', 'At the counter'), ('bank', 'Bank transfer'), ('import', 'Bank file import')], max_length=10, verbose_name='channel')),
                ('bank_txn', models.CharField(blank=True, max_length=60, null=True, unique=True, verbose_name='bank transaction id')),
                ('payer', models.CharField(blank=True, max_length=120, verbose_name='payer')),
                ('unallocated', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='unallocated')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('lease', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='rental.lease', verbose_name='lease')),
            ],
            options={
                'verbose_name': 'rent payment',
                'verbose_name_plural': 'rent payments',
                'ordering': ['-paid_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('issued_on', models.DateField(verbose_name='issued on')),
                ('owed', anju.core.fields.MoneyField(verbose_name='amount owed')),
                ('deadline', models.DateField(verbose_name='pay by')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                ('lease', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='rental.lease', verbose_name='lease')),
            ],
            options={
                'verbose_name': 'rent reminder',
                'verbose_name_plural': 'rent reminders',
                'ordering': ['-issued_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='RentalUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('home', 'Dwelling'), ('shop', 'Shop')], max_length=10, verbose_name='kind')),
                ('state', models.CharField(choices=[('vacant', 'Vacant'), ('let', 'Let'), ('repair', 'Under repair'), ('reserved', 'Reserved')], default='vacant', max_length=10, verbose_name='state')),
                ('state_since', models.DateField(verbose_name='since')),
                ('unit', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='rental', to='registry.unit', verbose_name='unit')),
            ],
            options={
                'verbose_name': 'rental unit',
                'verbose_name_plural': 'rental units',
                'ordering': ['unit__code'],
            },
        ),
        migrations.AddField(
            model_name='lease',
            name='rental_unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='leases', to='rental.rentalunit', verbose_name='unit'),
        ),
        migrations.CreateModel(
            name='RentBill',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('home', 'Dwelling'), ('shop', 'Shop')], max_length=10, verbose_name='kind')),
                ('month', models.DateField(verbose_name='month')),
                ('due', models.DateField(verbose_name='due date')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('paid', anju.core.fields.MoneyField(default=0, verbose_name='paid')),
                ('lease', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bills', to='rental.lease', verbose_name='lease')),
            ],
            options={
                'verbose_name': 'rent bill',
                'verbose_name_plural': 'rent bills',
                'ordering': ['lease', 'month'],
            },
        ),
        migrations.CreateModel(
            name='PaymentAllocation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('payment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='rental.payment')),
                ('bill', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='rental.rentbill')),
            ],
        ),
        migrations.CreateModel(
            name='RentRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('home', 'Dwelling'), ('shop', 'Shop')], max_length=10, verbose_name='kind')),
                ('category', models.CharField(choices=[('dibao', 'Urban minimum living allowance'), ('low_income', 'Low income'), ('migrant', 'Migrant worker'), ('new_graduate', 'Newly employed'), ('market', 'Market rent'), ('commercial', 'Commercial (shop)')], max_length=20, verbose_name='category')),
                ('per_m2', anju.core.fields.MoneyField(verbose_name='rent per m² per month')),
                ('reduction_percent', models.DecimalField(decimal_places=2, default=0, max_digits=5, verbose_name='reduction (%)')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'rent standard',
                'verbose_name_plural': 'rent standards',
                'ordering': ['kind', 'category', '-valid_from'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'category', 'valid_from'), name='rental_rate_unique'), models.CheckConstraint(condition=models.Q(('reduction_percent__gte', 0), ('reduction_percent__lte', 100)), name='rental_rate_reduction')],
            },
        ),
        migrations.AddField(
            model_name='lease',
            name='rate',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='rental.rentrate', verbose_name='rent standard'),
        ),
        migrations.CreateModel(
            name='Repair',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='work order')),
                ('reported_on', models.DateField(verbose_name='reported on')),
                ('description', models.CharField(max_length=300, verbose_name='description')),
                ('vendor', models.CharField(blank=True, max_length=120, verbose_name='vendor')),
                ('cost', anju.core.fields.MoneyField(default=0, verbose_name='cost')),
                ('status', models.CharField(choices=[('reported', 'Awaiting assignment'), ('assigned', 'Assigned'), ('done', 'Done')], default='reported', max_length=10, verbose_name='status')),
                ('completed_on', models.DateField(blank=True, null=True, verbose_name='completed on')),
                ('rental_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='repairs', to='rental.rentalunit', verbose_name='unit')),
            ],
            options={
                'verbose_name': 'repair',
                'verbose_name_plural': 'repairs',
                'ordering': ['-reported_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('outcome', models.CharField(choices=[('due', 'Due'), ('pass', 'Eligible'), ('market', 'Pays market rent'), ('exit', 'Must exit')], default='due', max_length=10, verbose_name='outcome')),
                ('reviewed_on', models.DateField(blank=True, null=True, verbose_name='reviewed on')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='rental.household', verbose_name='household')),
            ],
            options={
                'verbose_name': 'annual review',
                'verbose_name_plural': 'annual reviews',
                'ordering': ['-year', 'household'],
            },
        ),
        migrations.CreateModel(
            name='UnitStateChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('vacant', 'Vacant'), ('let', 'Let'), ('repair', 'Under repair'), ('reserved', 'Reserved')], max_length=10, verbose_name='state')),
                ('on', models.DateField(verbose_name='date')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                ('rental_unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='rental.rentalunit', verbose_name='rental unit')),
            ],
            options={
                'verbose_name': 'unit state change',
                'verbose_name_plural': 'unit state changes',
                'ordering': ['rental_unit', 'on', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['status', 'waiting_since'], name='rental_hous_status_c0df0e_idx'),
        ),
        migrations.AddIndex(
            model_name='inspection',
            index=models.Index(fields=['visit', 'visited_on'], name='rental_insp_visit_9b6edf_idx'),
        ),
        migrations.AddIndex(
            model_name='exit',
            index=models.Index(fields=['status', 'completed_on'], name='rental_exit_status_1de45a_idx'),
        ),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(fields=['paid_on', 'kind', 'amount'], name='rental_paym_paid_on_dad790_idx'),
        ),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(condition=models.Q(('unallocated__gt', 0)), fields=['lease'], name='rental_payment_credit'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='rental_payment_positive'),
        ),
        migrations.AddIndex(
            model_name='rentalunit',
            index=models.Index(fields=['kind', 'state'], name='rental_rent_kind_6f5ab7_idx'),
        ),
        migrations.AddIndex(
            model_name='rentbill',
            index=models.Index(fields=['month', 'kind', 'amount', 'paid'], name='rental_rent_month_a69acd_idx'),
        ),
        migrations.AddIndex(
            model_name='rentbill',
            index=models.Index(condition=models.Q(('paid__lt', models.F('amount'))), fields=['due'], name='rental_bill_owed'),
        ),
        migrations.AddConstraint(
            model_name='rentbill',
            constraint=models.UniqueConstraint(fields=('lease', 'month'), name='rental_bill_one_per_month'),
        ),
        migrations.AddIndex(
            model_name='paymentallocation',
            index=models.Index(fields=['bill', 'amount'], name='rental_alloc_bill_amount'),
        ),
        migrations.AddIndex(
            model_name='lease',
            index=models.Index(fields=['kind', 'start', 'ended_on', 'household'], name='rental_lease_in_force'),
        ),
        migrations.AddIndex(
            model_name='lease',
            index=models.Index(fields=['status'], name='rental_leas_status_1d5b72_idx'),
        ),
        migrations.AddConstraint(
            model_name='lease',
            constraint=models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='rental_lease_term'),
        ),
        migrations.AddConstraint(
            model_name='lease',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('rental_unit',), name='rental_lease_one_active_per_unit'),
        ),
        migrations.AddIndex(
            model_name='repair',
            index=models.Index(fields=['status', 'completed_on'], name='rental_repa_status_98bf39_idx'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['year', 'outcome'], name='rental_revi_year_5ba89c_idx'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.UniqueConstraint(fields=('household', 'year'), name='rental_review_once_a_year'),
        ),
    ]
