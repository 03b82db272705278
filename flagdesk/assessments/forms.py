# SPDX-License-Identifier: EUPL-1.2
"""Forms of the case page: the checklist, the decision and its review.

The forms only translate HTML input into the plain values the service expects; every
rule (states, roles, override justification, four eyes) is enforced in the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from flagdesk.assessments import kind_facts
from flagdesk.assessments.models import LegalBasisKind, Outcome
from flagdesk.assessments.service import ANSWER_FIELDS, basis_reason_texts, default_basis
from flagdesk.rules import legal_basis as basis_rules
from flagdesk.rules import notice_kinds
from flagdesk.rules.eligibility import HARMS, REQUIRED_ANSWERS, AssessmentAnswers

YES, NO, UNKNOWN = "yes", "no", "unknown"
TRISTATE_CHOICES = [(YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Not known yet"))]
TRISTATE_FIELDS = ("election_process_risk", "misleading", "own_means_exhausted")

# "None of these" is an answer of its own: no box ticked means "not assessed yet".
NO_HARM = "none"
HARM_LABELS = {
    "invalid_vote": _("Voters are led to cast an invalid vote (e.g. colour two boxes)"),
    "wrong_candidate": _("Voters are led to vote for someone other than they intend"),
    "deprived_of_vote": _("Voters are kept from voting (wrong date, place or requirements)"),
}
HARM_CHOICES = [(h, HARM_LABELS[h]) for h in HARMS] + [(NO_HARM, _("None of these"))]

QUESTIONS = {
    "election_process_risk": _(
        "Is there a risk to the organisation, execution or integrity of the election process?"
    ),
    "misleading": _("Is the information false or misleading?"),
    "harms": _("What could the information lead voters to do?"),
    "own_contact_attempts": _("How often did the co-government itself contact the platform?"),
    "own_means_exhausted": _(
        "Has the co-government used all its own means to regain control of the account?"
    ),
}
HELP = {
    "election_process_risk": _("Not in scope: campaign promises, candidates' claims, opinions."),
    "harms": _("Tick every effect that applies. Tick “None of these” if none applies."),
    "own_contact_attempts": _("At least two attempts are needed."),
}


def _tristate(value: object) -> str:
    return UNKNOWN if value is None else (YES if value else NO)


def _from_tristate(value: object) -> bool | None:
    return {YES: True, NO: False}.get(str(value))


def _harm_choices(harms: Sequence[str] | None) -> list[str] | None:
    return None if harms is None else (list(harms) or [NO_HARM])


class ChecklistForm(forms.Form):
    """The assessor's answers, limited to the questions the case's category needs."""

    def __init__(self, *args: Any, category: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = REQUIRED_ANSWERS.get(category, ("election_process_risk",))
        for name in self.questions:
            self.fields[name] = self._answer_field(name)
            self.fields[f"{name}_reasoning"] = forms.CharField(
                label=_("Reasoning"),
                required=False,
                max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.kind_facts = notice_kinds.facts_of(category)
        for fact in self.kind_facts:
            self.fields[f"fact_{fact.name}"] = self._fact_field(fact)

    @staticmethod
    def _fact_field(fact: notice_kinds.Fact) -> forms.Field:
        # Not required here: the checklist may be saved half-done; a deploy decision needs them.
        widget = forms.Textarea(attrs={"rows": 3}) if fact.long else forms.TextInput()
        help_text = str(kind_facts.HELP.get(fact.name, ""))
        if fact.required:
            help_text = f"{_('Needed before deploying.')} {help_text}".strip()
        return forms.CharField(
            label=kind_facts.LABELS[fact.name],
            help_text=help_text,
            required=False,
            max_length=10_000,
            widget=widget,
        )

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[f"fact_{fact.name}"] for fact in self.kind_facts]

    @staticmethod
    def _answer_field(name: str) -> forms.Field:
        label, help_text = QUESTIONS[name], HELP.get(name, "")
        if name in TRISTATE_FIELDS:
            return forms.ChoiceField(
                label=label,
                help_text=help_text,
                choices=TRISTATE_CHOICES,
                initial=UNKNOWN,
                required=False,
                widget=forms.RadioSelect,
            )
        if name == "harms":
            return forms.MultipleChoiceField(
                label=label,
                help_text=help_text,
                choices=HARM_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.IntegerField(
            label=label, help_text=help_text, min_value=0, max_value=1000, required=False
        )

    @classmethod
    def initial_from(
        cls,
        answers: AssessmentAnswers,
        reasoning: dict[str, str],
        facts: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        initial: dict[str, Any] = dict(reasoning)
        initial.update({f"fact_{name}": value for name, value in (facts or {}).items()})
        for name in ANSWER_FIELDS:
            value = answers.answer(name)
            if name in TRISTATE_FIELDS:
                initial[name] = _tristate(value)
            elif name == "harms":
                initial[name] = _harm_choices(answers.harms)
            else:
                initial[name] = value
        return initial

    def clean_harms(self) -> list[str] | None:
        harms: list[str] = self.cleaned_data.get("harms") or []
        if NO_HARM in harms and len(harms) > 1:
            raise forms.ValidationError(_("“None of these” cannot be combined with an effect."))
        if not harms:
            return None
        return [h for h in harms if h != NO_HARM]

    def service_data(self) -> dict[str, Any]:
        """The cleaned answers as save_assessment() takes them; unasked questions stay open."""
        data: dict[str, Any] = {}
        for name in self.questions:
            value = self.cleaned_data.get(name)
            data[name] = _from_tristate(value) if name in TRISTATE_FIELDS else value
            data[f"{name}_reasoning"] = self.cleaned_data.get(f"{name}_reasoning", "")
        data["kind_facts"] = {
            fact.name: self.cleaned_data.get(f"fact_{fact.name}", "") for fact in self.kind_facts
        }
        return data

    def partial_answers(self) -> AssessmentAnswers:
        """What is valid so far, for the live panel: invalid fields count as unanswered."""
        self.is_valid()
        data = self.service_data()
        return AssessmentAnswers(**{n: data.get(n) for n in ANSWER_FIELDS})

    def answer_fields(self) -> list[tuple[forms.BoundField, forms.BoundField, str]]:
        """``(answer, reasoning, kind)`` per question, in the order the template shows them."""
        kinds = {"harms": "checkboxes", "own_contact_attempts": "number"}
        return [(self[n], self[f"{n}_reasoning"], kinds.get(n, "radios")) for n in self.questions]


def answer_summary(
    category: str, answers: AssessmentAnswers, reasoning: dict[str, str]
) -> list[tuple[str, str, str]]:
    """``(question, answer, reasoning)`` of the saved checklist, for reading only."""
    tristate = dict(TRISTATE_CHOICES)
    rows: list[tuple[str, str, str]] = []
    for name in REQUIRED_ANSWERS.get(category, ("election_process_risk",)):
        value = answers.answer(name)
        if name in TRISTATE_FIELDS:
            text = str(tristate[_tristate(value)])
        elif name == "harms":
            labels = dict(HARM_CHOICES)
            chosen = _harm_choices(answers.harms)
            text = "; ".join(str(labels[h]) for h in chosen) if chosen else str(tristate[UNKNOWN])
        else:
            text = str(tristate[UNKNOWN]) if value is None else str(value)
        rows.append((str(QUESTIONS[name]), text, reasoning.get(f"{name}_reasoning", "")))
    return rows


def facts_summary(category: str, facts: dict[str, str]) -> list[tuple[str, str]]:
    """``(label, value)`` of the facts for the notice, "–" where still empty, for reading."""
    return [
        (kind_facts.label(fact.name), facts.get(fact.name, "") or "–")
        for fact in notice_kinds.facts_of(category)
    ]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this decision? The approver and the report read this."),
    )
    override_justification = forms.CharField(
        label=_("Override justification"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if you deploy although the rules give reasons against it."),
    )
    # The digest of the URLs shown with the form: if others joined meanwhile, the decision is
    # refused rather than silently covering URLs the assessor never saw.
    url_set_sha256 = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The legal basis: asked only for a decision to deploy (the template shows it then).
    legal_basis = forms.ChoiceField(
        label=_("Legal basis of the notice"),
        choices=LegalBasisKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    provisions = forms.MultipleChoiceField(
        label=_("Provisions concerned"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every provision the content is alleged to break."),
    )
    other_provision = forms.CharField(
        label=_("Other provision"),
        required=False,
        max_length=basis_rules.OTHER_PROVISION_MAX,
        help_text=_("A provision not in the list, cited exactly (e.g. “artikel Z 4 Kieswet”)."),
    )
    illegal_content_type = forms.ChoiceField(
        label=_("Type of alleged illegal content"),
        required=False,
        help_text=_("As the DSA Transparency Database names it; it counts in the statistics."),
    )

    # Which field shows each of the rule's reasons.
    REASON_FIELDS = {
        basis_rules.BasisReason.BASIS_REQUIRED: "legal_basis",
        basis_rules.BasisReason.PROVISION_REQUIRED: "provisions",
        basis_rules.BasisReason.UNKNOWN_PROVISION: "provisions",
        basis_rules.BasisReason.OTHER_PROVISION_TOO_LONG: "other_provision",
        basis_rules.BasisReason.CONTENT_TYPE_REQUIRED: "illegal_content_type",
        basis_rules.BasisReason.UNKNOWN_CONTENT_TYPE: "illegal_content_type",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dutch = (get_language() or "nl").startswith("nl")
        provisions = self.fields["provisions"]
        assert isinstance(provisions, forms.MultipleChoiceField)
        provisions.choices = [
            (
                p.code,
                f"{p.citation_nl} – {p.summary_nl}"
                if dutch
                else f"{p.citation_en} – {p.summary_en}",
            )
            for p in basis_rules.PROVISIONS.values()
        ]
        content_type = self.fields["illegal_content_type"]
        assert isinstance(content_type, forms.ChoiceField)
        content_type.choices = [("", "—")] + [
            (t.code, t.label_nl if dutch else t.label_en)
            for t in basis_rules.CONTENT_TYPES.values()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome") or ""
        chosen = self.chosen_basis() or default_basis(outcome)
        reasons = basis_rules.problems(chosen, deploys=outcome == Outcome.DEPLOY)
        for reason, text in zip(reasons, basis_reason_texts(reasons), strict=True):
            self.add_error(self.REASON_FIELDS.get(reason), text)
        return cleaned

    def chosen_basis(self) -> basis_rules.LegalBasis | None:
        """The basis as the form means it: none unless deploying (the service's default when
        the radio was not sent), and an escalation drops the provisions ticked before the
        assessor switched to it (they were hidden, not meant)."""
        data = self.cleaned_data
        if data.get("outcome") != Outcome.DEPLOY:
            return basis_rules.LegalBasis("")
        basis = data.get("legal_basis") or ""
        if not basis:
            return None
        if basis != basis_rules.Basis.ILLEGAL_CONTENT:
            return basis_rules.LegalBasis(basis)
        return basis_rules.LegalBasis(
            basis,
            provisions=tuple(data.get("provisions") or ()),
            other_provision=data.get("other_provision") or "",
            content_type=data.get("illegal_content_type") or "",
        )


class ReviewForm(forms.Form):
    APPROVE, SEND_BACK = "approve", "send_back"
    verdict = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (SEND_BACK, _("Send back"))])
    comment = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you send the decision back: the proposer sees it on the case page."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("verdict") == self.SEND_BACK and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say why you send the decision back."))
        return cleaned
