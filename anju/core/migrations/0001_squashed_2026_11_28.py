"""Everything of `core` up to the release of 2026-11-28, in one migration.

It replaces 0001_initial, 0002_default_roles, 0003_attachment: a database made before must be at that release
(all of them applied) before it upgrades; a new database runs only this. Data fixes of those
migrations that only mattered for rows that existed then are not repeated here."""

import anju.core.models
import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def create_roles(apps, schema_editor):
    from anju.core.roles import DEFAULT_ROLES

    Role = apps.get_model("core", "Role")
    for spec in DEFAULT_ROLES:
        Role.objects.update_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('core', '0001_initial'),
        ('core', '0002_default_roles'),
        ('core', '0003_attachment'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='Role',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=60, unique=True, verbose_name='name')),
                ('kind', models.CharField(choices=[('department', 'Department'), ('leadership', 'Leadership'), ('admin', 'Administration'), ('external', 'External')], default='department', max_length=20, verbose_name='kind')),
                ('permissions', models.JSONField(blank=True, default=list, verbose_name='permissions')),
            ],
            options={
                'verbose_name': 'role',
                'verbose_name_plural': 'roles',
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('full_name', models.CharField(blank=True, max_length=60, verbose_name='full name')),
                ('must_change_password', models.BooleanField(default=False, verbose_name='must change password')),
                ('locked_until', models.DateTimeField(blank=True, null=True, verbose_name='locked until')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                ('roles', models.ManyToManyField(blank=True, related_name='users', to='core.role', verbose_name='roles')),
            ],
            options={
                'verbose_name': 'user',
                'verbose_name_plural': 'users',
                'ordering': ['username'],
            },
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, verbose_name='name')),
                ('prefix', models.CharField(max_length=8, verbose_name='prefix')),
                ('digest', models.CharField(max_length=64, unique=True, verbose_name='digest')),
                ('created', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('last_used', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                ('revoked', models.BooleanField(default=False, verbose_name='revoked')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created'],
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='actor name')),
                ('action', models.CharField(choices=[('create', 'Create'), ('update', 'Update'), ('delete', 'Delete'), ('import', 'Import'), ('export', 'Export'), ('login', 'Login'), ('login_failed', 'Failed login'), ('logout', 'Logout'), ('locked', 'Account locked'), ('password', 'Password change')], db_index=True, max_length=20, verbose_name='action')),
                ('model', models.CharField(blank=True, db_index=True, max_length=60, verbose_name='record type')),
                ('object_id', models.CharField(blank=True, db_index=True, max_length=64, verbose_name='record id')),
                ('object_repr', models.CharField(blank=True, max_length=200, verbose_name='record')),
                ('before', models.JSONField(blank=True, null=True, verbose_name='before')),
                ('after', models.JSONField(blank=True, null=True, verbose_name='after')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('module', models.CharField(db_index=True, max_length=30, verbose_name='module')),
                ('object_id', models.BigIntegerField(verbose_name='record id')),
                ('kind', models.CharField(blank=True, max_length=40, verbose_name='kind')),
                ('name', models.CharField(max_length=200, verbose_name='file name')),
                ('file', models.FileField(max_length=200, upload_to=anju.core.models._attachment_path, verbose_name='file')),
                ('size', models.BigIntegerField(verbose_name='size (bytes)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uploaded at')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='record type')),
                ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
            ],
            options={
                'verbose_name': 'attachment',
                'verbose_name_plural': 'attachments',
                'ordering': ['uploaded_at', 'id'],
                'indexes': [models.Index(fields=['content_type', 'object_id'], name='attachment_record')],
            },
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
