import os

from django.core.wsgi import get_wsgi_application

# An empty value counts as unset (a shell that exports DJANGO_SETTINGS_MODULE= would break Django).
os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or "boundaries.settings.production"

application = get_wsgi_application()
