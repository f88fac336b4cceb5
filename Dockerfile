# The production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango; psycopg2 builds against libpq; `manage.py backup` and `restore` run
# pg_dump and pg_restore (Debian bookworm's client is PostgreSQL 15, as the compose file's server).
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libpq-dev libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_ENV=development python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 oversight && mkdir -p /app/var && chown -R oversight /app/var
USER oversight

EXPOSE 8000
CMD ["gunicorn", "oversight.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
