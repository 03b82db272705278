# SPDX-License-Identifier: EUPL-1.2
"""Date formats per language (settings.FORMAT_MODULE_PATH): European order in English too."""
