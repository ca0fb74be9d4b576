"""Everything of `fund` up to the release of 2026-11-28, in one migration.

It replaces 0001_initial, 0002_journal_enforcement, 0003_deposits_bank_refunds, 0004_use_applications, 0005_review_permission: a database made before must be at that release
(all of them applied) before it upgrades; a new database runs only this. Data fixes of those
migrations that only mattered for rows that existed then are not repeated here."""

import anju.core.fields
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

# The journal is append-only in the database itself (was 0002_journal_enforcement).
PG_FORWARD = """
CREATE OR REPLACE FUNCTION fund_journal_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'fund journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER fund_journalentry_append_only BEFORE UPDATE OR DELETE ON fund_journalentry
  FOR EACH ROW EXECUTE FUNCTION fund_journal_append_only();
CREATE TRIGGER fund_journalline_append_only BEFORE UPDATE OR DELETE ON fund_journalline
  FOR EACH ROW EXECUTE FUNCTION fund_journal_append_only();

CREATE OR REPLACE FUNCTION fund_entry_balanced() RETURNS trigger AS $$
DECLARE
  total bigint;
  n integer;
BEGIN
  SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, n FROM fund_journalline WHERE entry_id = NEW.id;
  IF total <> 0 OR n < 2 THEN
    RAISE EXCEPTION 'fund journal entry #% is not balanced (sum % fen over % lines)', NEW.seq, total, n
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER fund_journalentry_balanced AFTER INSERT ON fund_journalentry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fund_entry_balanced();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS fund_journalentry_balanced ON fund_journalentry;
DROP TRIGGER IF EXISTS fund_journalentry_append_only ON fund_journalentry;
DROP TRIGGER IF EXISTS fund_journalline_append_only ON fund_journalline;
DROP FUNCTION IF EXISTS fund_entry_balanced();
DROP FUNCTION IF EXISTS fund_journal_append_only();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER fund_journalentry_no_update BEFORE UPDATE ON fund_journalentry
       BEGIN SELECT RAISE(ABORT, 'fund journal is append-only: UPDATE on fund_journalentry refused'); END""",
    """CREATE TRIGGER fund_journalline_no_update BEFORE UPDATE ON fund_journalline
       BEGIN SELECT RAISE(ABORT, 'fund journal is append-only: UPDATE on fund_journalline refused'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS fund_journalentry_no_update",
    "DROP TRIGGER IF EXISTS fund_journalline_no_update",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('fund', '0001_initial'),
        ('fund', '0002_journal_enforcement'),
        ('fund', '0003_deposits_bank_refunds'),
        ('fund', '0004_use_applications'),
        ('fund', '0005_review_permission'),
    ]

    dependencies = [
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_seq', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='OwnerQueryAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ip', models.GenericIPAddressField(db_index=True, verbose_name='IP address')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('success', models.BooleanField(default=False, verbose_name='success')),
            ],
            options={
                'verbose_name': 'owner query attempt',
                'verbose_name_plural': 'owner query attempts',
            },
        ),
        migrations.CreateModel(
            name='Account',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('unit', 'Unit ledger'), ('bank', 'Bank special account'), ('pooled', 'Pooled account'), ('suspense', 'Suspense (unmatched receipts)'), ('receivable', 'Receivable (arrears)')], db_index=True, max_length=12, verbose_name='kind')),
                ('name', models.CharField(blank=True, max_length=120, verbose_name='name')),
                ('bank_name', models.CharField(blank=True, max_length=80, verbose_name='bank')),
                ('bank_account_number', models.CharField(blank=True, max_length=40, verbose_name='bank account number')),
                ('balance', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='balance')),
                ('first_deposit', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='first deposit')),
                ('opened', models.DateField(default=django.utils.timezone.localdate, verbose_name='opened')),
                ('closed', models.DateField(blank=True, null=True, verbose_name='closed')),
                ('building', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.building', verbose_name='building')),
                ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.project', verbose_name='project')),
                ('unit', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='fund_account', to='registry.unit', verbose_name='unit')),
            ],
            options={
                'verbose_name': 'fund account',
                'verbose_name_plural': 'fund accounts',
            },
        ),
        migrations.CreateModel(
            name='BankImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('receipts', 'Receipts'), ('statement', 'Statement')], max_length=12, verbose_name='kind')),
                ('filename', models.CharField(max_length=200, verbose_name='file')),
                ('imported_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='imported at')),
                ('summary', models.JSONField(default=dict, verbose_name='summary')),
                ('imported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='imported by')),
            ],
            options={
                'verbose_name': 'bank import',
                'verbose_name_plural': 'bank imports',
                'ordering': ['-imported_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='BankStatementLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('txn_id', models.CharField(max_length=64, verbose_name='bank transaction id')),
                ('txn_date', models.DateField(db_index=True, verbose_name='transaction date')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('balance', anju.core.fields.MoneyField(verbose_name='balance after')),
                ('memo', models.CharField(blank=True, max_length=200, verbose_name='memo')),
                ('bank_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statement_lines', to='fund.account', verbose_name='bank account')),
                ('bank_import', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.bankimport', verbose_name='import')),
            ],
            options={
                'verbose_name': 'bank statement line',
                'verbose_name_plural': 'bank statement lines',
                'ordering': ['bank_account', 'txn_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='DepositBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('issued_on', models.DateField(verbose_name='issued on')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'deposit batch',
                'verbose_name_plural': 'deposit batches',
                'ordering': ['-issued_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DepositStandard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('building_type', models.CharField(choices=[('multi_storey', 'Multi-storey without lift'), ('high_rise', 'High-rise or with lift')], max_length=20, verbose_name='building type')),
                ('use_class', models.CharField(choices=[('residential', 'Residential'), ('non_residential', 'Non-residential')], max_length=20, verbose_name='use')),
                ('effective_from', models.DateField(verbose_name='effective from')),
                ('rate', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='rate (yuan/m²)')),
                ('basis', models.CharField(blank=True, max_length=120, verbose_name='basis (document number)')),
            ],
            options={
                'verbose_name': 'deposit standard',
                'verbose_name_plural': 'deposit standards',
                'ordering': ['building_type', 'use_class', '-effective_from'],
                'constraints': [models.UniqueConstraint(fields=('building_type', 'use_class', 'effective_from'), name='standard_unique'), models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='standard_rate_positive')],
            },
        ),
        migrations.CreateModel(
            name='JournalEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(unique=True, verbose_name='number')),
                ('kind', models.CharField(choices=[('deposit', 'Deposit'), ('developer_deposit', 'Developer deposit for unsold units'), ('suspense', 'Unmatched receipt to suspense'), ('match', 'Suspense matched to a unit'), ('interest', 'Interest allocation'), ('use', 'Use for repairs'), ('refund', 'Refund'), ('recovery', 'Arrears recovered'), ('premium', 'Lift insurance premium'), ('reversal', 'Reversal'), ('opening', 'Opening balance')], db_index=True, max_length=20, verbose_name='kind')),
                ('value_date', models.DateField(db_index=True, verbose_name='value date')),
                ('posted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='posted at')),
                ('posted_by_name', models.CharField(max_length=150, verbose_name='posted by (name)')),
                ('memo', models.CharField(blank=True, max_length=300, verbose_name='memo')),
                ('document', models.CharField(blank=True, db_index=True, max_length=80, verbose_name='document')),
                ('bank_txn_id', models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='bank transaction id')),
                ('digest', models.CharField(max_length=64, verbose_name='digest')),
                ('posted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='posted by')),
                ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='fund.journalentry', verbose_name='reverses')),
            ],
            options={
                'verbose_name': 'journal entry',
                'verbose_name_plural': 'journal entries',
                'ordering': ['seq'],
            },
        ),
        migrations.CreateModel(
            name='DepositNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=30, unique=True, verbose_name='notice number')),
                ('kind', models.CharField(choices=[('first', 'First deposit'), ('developer', 'Developer deposit for an unsold unit'), ('replenish', 'Replenishment')], max_length=12, verbose_name='kind')),
                ('status', models.CharField(choices=[('issued', 'Issued'), ('paid', 'Paid'), ('cancelled', 'Cancelled')], db_index=True, default='issued', max_length=12, verbose_name='status')),
                ('payer', models.CharField(blank=True, max_length=120, verbose_name='payer')),
                ('area', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='floor area (m²)')),
                ('rate', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='rate (yuan/m²)')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('issued_on', models.DateField(verbose_name='issued on')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='fund.account', verbose_name='account')),
                ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='fund.depositbatch', verbose_name='batch')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                ('standard', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.depositstandard', verbose_name='standard')),
                ('paid_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.journalentry', verbose_name='payment entry')),
            ],
            options={
                'verbose_name': 'deposit notice',
                'verbose_name_plural': 'deposit notices',
                'ordering': ['-issued_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='BankReceipt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('txn_id', models.CharField(max_length=64, unique=True, verbose_name='bank transaction id')),
                ('txn_date', models.DateField(db_index=True, verbose_name='transaction date')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('unit_code', models.CharField(blank=True, max_length=80, verbose_name='unit code (as given)')),
                ('payer', models.CharField(blank=True, max_length=120, verbose_name='payer')),
                ('memo', models.CharField(blank=True, max_length=200, verbose_name='memo')),
                ('status', models.CharField(choices=[('posted', 'Posted to the unit'), ('suspense', 'In suspense'), ('matched', 'Matched from suspense')], db_index=True, max_length=12, verbose_name='status')),
                ('bank_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='fund.account', verbose_name='bank account')),
                ('bank_import', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='fund.bankimport', verbose_name='import')),
                ('unit_account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.account', verbose_name='unit account')),
                ('notice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.depositnotice', verbose_name='notice')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.journalentry', verbose_name='entry')),
                ('match_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.journalentry', verbose_name='matching entry')),
            ],
            options={
                'verbose_name': 'bank receipt',
                'verbose_name_plural': 'bank receipts',
                'ordering': ['-txn_date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='JournalLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('day', models.IntegerField(verbose_name='day')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='fund.account', verbose_name='account')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='fund.journalentry', verbose_name='entry')),
            ],
            options={
                'verbose_name': 'journal line',
                'verbose_name_plural': 'journal lines',
            },
        ),
        migrations.CreateModel(
            name='RefundApplication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('applicant', models.CharField(max_length=120, verbose_name='applicant')),
                ('payee_bank', models.CharField(blank=True, max_length=80, verbose_name='payee bank')),
                ('payee_account_number', models.CharField(blank=True, max_length=40, verbose_name='payee account number')),
                ('reason', models.CharField(max_length=300, verbose_name='reason')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('paid', 'Paid')], db_index=True, default='draft', max_length=12, verbose_name='status')),
                ('amount', anju.core.fields.MoneyField(blank=True, null=True, verbose_name='amount refunded')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decision_note', models.CharField(blank=True, max_length=300, verbose_name='decision note')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='fund.account', verbose_name='account')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('paid_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.journalentry', verbose_name='payment entry')),
            ],
            options={
                'verbose_name': 'refund application',
                'verbose_name_plural': 'refund applications',
                'ordering': ['-created', '-id'],
            },
        ),
        migrations.CreateModel(
            name='UseApplication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=30, unique=True, verbose_name='application number')),
                ('kind', models.CharField(choices=[('ordinary', 'Ordinary'), ('emergency', 'Emergency')], db_index=True, default='ordinary', max_length=12, verbose_name='kind')),
                ('title', models.CharField(max_length=200, verbose_name='repair')),
                ('applicant_kind', models.CharField(choices=[('property_company', 'Property management company'), ('owners_committee', "Owners' committee"), ('center', "The center (repair on the owners' behalf)")], max_length=20, verbose_name='applicant type')),
                ('applicant_name', models.CharField(max_length=120, verbose_name='applicant')),
                ('emergency_reason', models.CharField(blank=True, max_length=300, verbose_name='emergency reason')),
                ('scope_kind', models.CharField(choices=[('project', 'Whole project'), ('buildings', 'Buildings'), ('range', 'Unit code range'), ('list', 'Picked units')], max_length=12, verbose_name='scope')),
                ('scope_spec', models.TextField(blank=True, verbose_name='scope as entered')),
                ('contractor_bank', models.CharField(blank=True, max_length=80, verbose_name="contractor's bank")),
                ('contractor_account_number', models.CharField(blank=True, max_length=40, verbose_name="contractor's account number")),
                ('budget', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='budget')),
                ('final_cost', anju.core.fields.MoneyField(blank=True, null=True, verbose_name='audited final cost')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('reviewed', 'Reviewed'), ('approved', 'Approved'), ('paying', 'Paying'), ('paid', 'Paid'), ('closed', 'Filed'), ('withdrawn', 'Withdrawn')], db_index=True, default='draft', max_length=12, verbose_name='status')),
                ('vote', models.JSONField(blank=True, null=True, verbose_name='vote result')),
                ('vote_passed', models.BooleanField(default=False, verbose_name='vote passed')),
                ('created', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created')),
                ('applicant_enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.enterprise', verbose_name='applicant enterprise')),
                ('contractor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.enterprise', verbose_name='contractor')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'use application',
                'verbose_name_plural': 'use applications',
                'ordering': ['-created', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ScopeUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='floor area (m²)')),
                ('owner_name', models.CharField(blank=True, max_length=120, verbose_name='owner')),
                ('owner_key', models.CharField(max_length=40, verbose_name='owner key')),
                ('vote', models.CharField(choices=[('agree', 'Agree'), ('oppose', 'Oppose'), ('abstain', 'Abstain'), ('not_voted', 'Not voted')], default='not_voted', max_length=12, verbose_name='vote')),
                ('share', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='share of the budget')),
                ('paid_fund', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='paid from the account')),
                ('paid_self', anju.core.fields.MoneyField(default=Decimal('0.00'), verbose_name='paid by the owner')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.account', verbose_name='account')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.unit', verbose_name='unit')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scope_units', to='fund.useapplication', verbose_name='application')),
            ],
            options={
                'verbose_name': 'scope unit',
                'verbose_name_plural': 'scope units',
                'ordering': ['application', 'unit__code'],
            },
        ),
        migrations.CreateModel(
            name='RepairItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='item')),
                ('budget', anju.core.fields.MoneyField(verbose_name='budget')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='fund.useapplication', verbose_name='application')),
            ],
            options={
                'verbose_name': 'repair item',
                'verbose_name_plural': 'repair items',
                'ordering': ['application', 'position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ApplicationEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                ('actor_name', models.CharField(max_length=150, verbose_name='by (name)')),
                ('from_status', models.CharField(blank=True, max_length=12, verbose_name='from')),
                ('to_status', models.CharField(max_length=12, verbose_name='to')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='fund.useapplication', verbose_name='application')),
            ],
            options={
                'verbose_name': 'application event',
                'verbose_name_plural': 'application events',
                'ordering': ['application', 'at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='UsePayment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('advance', 'Advance'), ('settlement', 'Settlement')], max_length=12, verbose_name='kind')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('from_fund', anju.core.fields.MoneyField(verbose_name='paid from the fund')),
                ('self_funded', anju.core.fields.MoneyField(verbose_name="owners' own payment")),
                ('value_date', models.DateField(verbose_name='payment date')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='fund.useapplication', verbose_name='application')),
                ('bank_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='use_payments', to='fund.account', verbose_name='paid from')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('entry', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='use_payment', to='fund.journalentry', verbose_name='entry')),
            ],
            options={
                'verbose_name': 'use payment',
                'verbose_name_plural': 'use payments',
                'ordering': ['-value_date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='UsePaymentShare',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', anju.core.fields.MoneyField(verbose_name='amount')),
                ('from_fund', anju.core.fields.MoneyField(verbose_name='paid from the account')),
                ('self_funded', anju.core.fields.MoneyField(verbose_name="owner's own payment")),
                ('payment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shares', to='fund.usepayment', verbose_name='payment')),
                ('scope_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fund.scopeunit', verbose_name='unit')),
            ],
            options={
                'verbose_name': 'payment share',
                'verbose_name_plural': 'payment shares',
                'ordering': ['payment', 'scope_unit__unit__code'],
            },
        ),
        migrations.AddIndex(
            model_name='account',
            index=models.Index(fields=['project', 'building'], name='fund_accoun_project_970f5e_idx'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'unit'), ('unit__isnull', False)), models.Q(models.Q(('kind', 'unit'), _negated=True), ('unit__isnull', True)), _connector='OR'), name='account_unit_iff_unit_kind'),
        ),
        migrations.AddConstraint(
            model_name='bankstatementline',
            constraint=models.UniqueConstraint(fields=('bank_account', 'txn_id'), name='statement_line_unique'),
        ),
        migrations.AddIndex(
            model_name='journalline',
            index=models.Index(fields=['account', 'day'], name='fund_journa_account_02c0a0_idx'),
        ),
        migrations.AddConstraint(
            model_name='journalline',
            constraint=models.CheckConstraint(condition=models.Q(('amount', Decimal('0.00')), _negated=True), name='line_amount_nonzero'),
        ),
        migrations.AddConstraint(
            model_name='scopeunit',
            constraint=models.UniqueConstraint(fields=('application', 'unit'), name='scope_unit_unique'),
        ),
        migrations.RunPython(forward, backward),
    ]
