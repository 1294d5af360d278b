# Production image: gunicorn serving Django with GeoDjango (GDAL/GEOS/PROJ from Debian 12,
# the same versions `make run` installs). Front-end assets are vendored from npm at build time.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext postgresql-client fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN python scripts/vendor_assets.py \
 && DEBUG=1 python manage.py compilemessages --ignore=node_modules -v 0 \
 && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
 && DEBUG=1 MISTO_BASEMAP_GLYPH_DIR=/app/glyphs python manage.py basemap_glyphs \
 && rm -rf node_modules
ENV MISTO_BASEMAP_GLYPH_DIR=/app/glyphs
RUN useradd --system --home /app misto && mkdir -p /app/media && chown misto /app/media /app/glyphs
USER misto
EXPOSE 8000
ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
