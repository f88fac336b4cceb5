import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

application = get_wsgi_application()

# What start-up loaded (Django, the URLconf, models, libraries) lives as long as the process.
# Frozen, it is left out of CPython's full garbage collections, which otherwise walk all of it
# in the requests that trigger one: at 10x data they doubled the heaviest pages' p95
# (docs/decisions.md, "Performance benchmark").
gc.collect()
gc.freeze()
