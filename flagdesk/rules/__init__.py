# SPDX-License-Identifier: EUPL-1.2
"""Pure rules below intake, platforms and assessments: no models, no database.

- ``urls``: the one URL normaliser and its one list of tracking parameters;
- ``reasons``: the named reason codes of the eligibility engine, with their texts;
- ``eligibility``: the legal criteria (``evaluate``);
- ``urlset``: the content set a decision freezes and what a notice may name.

Every app may import this package; it imports no app.
"""
