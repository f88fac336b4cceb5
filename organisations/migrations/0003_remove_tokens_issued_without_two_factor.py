"""Remove the API tokens of everyone who must use two-factor authentication.

Their tokens were issued on a password alone (before two-factor authentication, or before the
token endpoint asked for a code), so they would get around it. The rule is
``oversight.security.two_factor_required``, written against the historical models: staff,
superusers, and holders of the decision maker or administrator role at any organisation. They
ask for a new token with a code from their authenticator app. (At run time,
``oversight.security.TwoFactorTokenAuthentication`` also refuses such tokens; this removes them.)
"""

from django.conf import settings
from django.db import migrations
from django.db.models import Q

TWO_FACTOR_ROLES = ["wg_decision_maker", "administrator"]


def remove_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    Membership = apps.get_model("organisations", "Membership")
    role_holders = Membership.objects.filter(role__in=TWO_FACTOR_ROLES).values("user_id")
    Token.objects.filter(Q(user__is_staff=True) | Q(user__is_superuser=True) | Q(user_id__in=role_holders)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_organisation_letter_language"),
        ("authtoken", "0003_tokenproxy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(remove_tokens, migrations.RunPython.noop),
    ]
