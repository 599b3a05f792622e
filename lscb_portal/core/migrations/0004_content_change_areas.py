from django.db import migrations, models

# The triggers core.pagecache.install_triggers puts on the watched tables (after each migrate) pass
# their table's area; the transaction-local setting makes a transaction record each area once.
NOTE_CONTENT_CHANGE = """
CREATE OR REPLACE FUNCTION core_note_content_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    flag text := 'lscb_content_changed.' || TG_ARGV[0];
BEGIN
    IF current_setting(flag, true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config(flag, 'yes', true);
        INSERT INTO core_contentchange (area, weight, changed_at) VALUES (TG_ARGV[0], 1, now());
    END IF;
    RETURN NULL;
END;
$$;
"""

NOTE_ANY_CONTENT_CHANGE = """
CREATE OR REPLACE FUNCTION core_note_content_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('lscb.content_changed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('lscb.content_changed', 'yes', true);
        INSERT INTO core_contentchange (weight, changed_at) VALUES (1, now());
    END IF;
    RETURN NULL;
END;
$$;
"""

# The earlier triggers (one name on every table, recording any change) go; install_triggers puts the
# scoped ones in after the migrate. The one global version's rows mean nothing per area: each
# process's kept pages are emptied by the same migrate.
DROP_TRIGGERS = """
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT tgrelid::regclass::text AS table_name, tgname FROM pg_trigger
        WHERE tgname LIKE 'core_content_changed%' AND NOT tgisinternal
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', found.tgname, found.table_name);
    END LOOP;
END;
$$;
DELETE FROM core_contentchange;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_content_change"),
    ]

    operations = [
        migrations.RunSQL(DROP_TRIGGERS, DROP_TRIGGERS),
        migrations.AddField(
            model_name="contentchange",
            name="area",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="contentchange",
            index=models.Index(fields=["area"], include=["weight"], name="core_contentchange_area"),
        ),
        migrations.RunSQL(NOTE_CONTENT_CHANGE, NOTE_ANY_CONTENT_CHANGE),
    ]
