"""The two forum roles as groups with their permissions; the checks themselves ask for the
permissions (forum.permissions), so a shop may grant them to other groups too.

Forum moderators get a group of their own: Wagtail's "Moderators" group publishes pages
(policies included), which someone who tidies the forum should not be able to do."""

from django.db import migrations

ROLES = {
    "Forum moderators": ["moderate_forum"],
    "Support staff": ["give_official_answers"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("forum")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="forum", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="forum", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0002_boards_threads_posts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # After Wagtail has made its own groups ("Moderators" publishes pages; ours is apart).
        ("wagtailcore", "0001_squashed_0016_change_page_url_path_to_text_field"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
