from django.conf import settings
from django.core.checks import Warning, register


@register()
def demo_shortcut_only_with_debug(app_configs, **kwargs):
    """BOUNDARIES_DEMO_SKIP_MFA does nothing with DEBUG off; say so, so nobody believes otherwise."""
    if settings.BOUNDARIES_DEMO_SKIP_MFA and not settings.DEBUG:
        return [
            Warning(
                "BOUNDARIES_DEMO_SKIP_MFA is ignored because DEBUG is off: everyone who must use a second "
                "factor still does.",
                id="accounts.W001",
            )
        ]
    return []
