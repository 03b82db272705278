# SPDX-License-Identifier: EUPL-1.2
"""Static files: whitenoise inside gunicorn, with a year's cache for hashed names."""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, caching files with a content hash in their name for one year (immutable).

    WhiteNoise's own "forever" is ten years; a year is what docs/deployment.md promises and
    what the HSTS header uses, and a hashed name changes whenever the file does.
    """

    FOREVER = 365 * 24 * 60 * 60
