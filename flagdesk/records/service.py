# SPDX-License-Identifier: EUPL-1.2
"""What other apps may call in ``records``: retention runs and the archival export."""
