# SPDX-License-Identifier: EUPL-1.2
"""Template tags of the assessments app."""
