"""One small synthetic sentence per claim rule of the parse layer (docs/evidence.md), plus the
issue paraphrases, months after future words and the figure fixes that came with them."""

from __future__ import annotations

import datetime as dt

import pytest

from detente.evidence.dates import find_dates
from detente.evidence.extract import extract
from detente.evidence.figures import find_figures
from detente.evidence.parsed_claims import available, quote_speakers

needs_parser = pytest.mark.skipif(not available(), reason="spaCy pipeline not installed")


def claims_of(text, gaz, lex):
    return {(c.actor, c.issue, c.stance) for c in extract(text, gaz, lex).claims}


@needs_parser
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # What an offer asks for in exchange is a demand.
        (
            "Zelensky offered to drop Ukraine's bid to join NATO in exchange for security "
            "guarantees.",
            {("ukraine", "alliance", "propose"), ("ukraine", "guarantees", "demand")},
        ),
        # Proposed conditions are demands.
        (
            "The Kremlin outlined its conditions: a halt to foreign military aid and monitoring "
            "of any ceasefire.",
            {("russia", "army_limits", "demand"), ("russia", "ceasefire", "demand")},
        ),
        # A time phrase or a frame is no content.
        (
            "France said it is ready to deploy troops in the hours after a ceasefire.",
            {("france", "guarantees", "accept")},
        ),
        (
            "Zelensky rejected Putin's demand that Ukraine withdraw from Donetsk as part of any "
            "ceasefire deal.",
            {("ukraine", "territory", "reject"), ("russia", "territory", "demand")},
        ),
        # A noun cue's actor modifier owns it, also inside another act.
        (
            "Putin agreed to a US proposal for a 30-day ceasefire.",
            {("russia", "ceasefire", "accept"), ("united_states", "ceasefire", "propose")},
        ),
        # The passive subject of an offer or a request is its recipient.
        (
            "Kyiv will be offered security guarantees from the US and the EU.",
            {("united_states", "guarantees", "propose"), ("eu", "guarantees", "propose")},
        ),
        ("Ukraine was urged to accept a ceasefire.", set()),
        # "her" is the person named earlier in the same sentence, not the one before it.
        (
            "Merz spoke first. Later, von der Leyen said that EU leaders had expressed interest "
            "in her proposal for a reparations loan.",
            {("eu", "reconstruction", "propose")},
        ),
        # A while-clause is an act of its own.
        (
            "Zelensky offered a ceasefire along the current front lines while refusing to cede "
            "territory.",
            {("ukraine", "ceasefire", "propose"), ("ukraine", "territory", "reject")},
        ),
        # Failing to agree is no stance.
        ("Trump and Putin were unable to agree on a general ceasefire.", set()),
        # Cue words of refusal and acceptance.
        (
            "Russia is not considering any deployment of European peacekeepers in Ukraine.",
            {("russia", "guarantees", "reject")},
        ),
        ("Kyiv has held firm against ceding territory.", {("ukraine", "territory", "reject")}),
        ("Putin responded positively to the idea of a truce.", {("russia", "ceasefire", "accept")}),
        # A first person inside a quotation is its speaker.
        (
            "“We reject any territorial concessions,” Zelensky said.",
            {("ukraine", "territory", "reject")},
        ),
        (
            "Peskov told reporters: “Our demands on territory are well known.”",
            {("russia", "territory", "demand")},
        ),
        (
            "“Donbas is a springboard,” Zelensky said.\n“We demand security guarantees.”",
            {("ukraine", "guarantees", "demand")},
        ),
        ("“We demand security guarantees,” the spokesman said.", set()),
    ],
)
def test_claim_rules(gaz, lex, text, expected):
    assert claims_of(text, gaz, lex) == expected


@needs_parser
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Russia agreed to a pause in strikes on energy infrastructure.",
            {("russia", "ceasefire", "accept", None)},
        ),
        (
            "The Kremlin demanded a complete cessation of foreign military aid to Ukraine.",
            {("russia", "army_limits", "demand", "high")},
        ),
        (
            "Germany proposed a reparations loan backed by immobilised Russian assets.",
            {("germany", "reconstruction", "propose", "low")},
        ),
        (
            "Ukraine needs security that works like Article 5 of NATO.",
            {("ukraine", "guarantees", "demand", "low")},
        ),
    ],
)
def test_issue_paraphrases(gaz, lex, text, expected):
    found = {(c.actor, c.issue, c.stance, c.direction) for c in extract(text, gaz, lex).claims}
    assert found == expected


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("a 600,000-soldier cap on Ukraine's military", "army_limits"),
        ("He wants to keep Ukraine from hosting any Western troops.", "guarantees"),
        ("We want the killings to stop.", "ceasefire"),
        ("Ukraine's nonaligned, nonnuclear status", "alliance"),
        ("control over the Zaporizhzhia plant", "zaporizhzhia"),
    ],
)
def test_issue_phrases_read_on_later_sets(gaz, lex, text, issue):
    assert {m.key for m in extract(text, gaz, lex).issues} == {issue}


def test_quotations_take_the_attributed_or_the_last_speaker(gaz):
    text = "“We will not leave,” Zelensky said.\n“We cannot.”\nPeskov said: “No.”"
    speakers = [(text[a:b], m.key) for a, b, m in quote_speakers(text, tuple(gaz.find(text)))]
    assert speakers == [
        ("“We will not leave,”", "ukraine"), ("“We cannot.”", "ukraine"), ("“No.”", "russia"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "published", "iso"),
    [
        ("Funds will be available in the second half of January.", "2025-12-19", "2026-01"),
        ("Kyiv will need the money in April.", "2025-12-19", "2026-04"),
        ("The money arrived in April.", "2025-12-19", "2025-04"),
        ("the White House at the end of February.", "2025-07-10", "2025-02"),
    ],
)
def test_months_after_future_words_are_ahead(text, published, iso):
    day = dt.date.fromisoformat(published)
    assert [d.iso for d in find_dates(text, day.year, day)] == [iso]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("met in Turkey for a second round of talks", []),
        ("their two-and-a-half hour phone call", [("duration", 2.5, "hour")]),
        ("from 28 to 20 points", [("count", 20, "point"), ("count", 28, "point")]),
    ],
)
def test_figure_fixes(text, expected):
    assert [(f.kind, f.value, f.unit) for f in find_figures(text)] == expected


@needs_parser
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "The aggressor country" is Russia (Ukrainian outlets' usage; gazetteer).
        (
            "The aggressor country demands the withdrawal of Ukrainian troops from Donetsk.",
            {("russia", "territory", "demand")},
        ),
        # A verb list after an infinitive stays inside the act the parser split it from.
        (
            "The plan, drafted by Witkoff, would compel Ukraine to renounce ambitions to join "
            "NATO, accept limits on its military, and cede territory.",
            {
                ("united_states", "alliance", "propose"),
                ("united_states", "army_limits", "propose"),
                ("united_states", "territory", "propose"),
            },
        ),
        # A relative clause with a subject of its own is an act of its own.
        (
            "The United States insists on the transfer of Donetsk and Luhansk to Russia, to "
            "which Zelensky does not give consent.",
            {("united_states", "territory", "demand"), ("ukraine", "territory", "reject")},
        ),
        # "that"/"which" never stand for a person: the proposal, not its messenger, seeks.
        (
            "Zelensky rejected a proposal from Putin, conveyed by Trump, that sought to freeze "
            "the front lines.",
            {("ukraine", "territory", "reject"), ("russia", "territory", "propose")},
        ),
        # What a reported speaker says a party must or should do is the speaker's demand.
        (
            "As Peskov stated, the Ukrainian forces must withdraw from Donbas.",
            {("russia", "territory", "demand")},
        ),
        (
            "Peskov said Ukraine should withdraw its troops from Donbas.",
            {("russia", "territory", "demand")},
        ),
        ("Analysts say Ukraine should withdraw its troops from Donbas.", set()),
        # The alternative set aside ("not a mere …", "rather than …") is rejected.
        (
            '"The best way is a peace agreement, and not a mere ceasefire," Trump wrote.',
            {("united_states", "ceasefire", "reject")},
        ),
        (
            "Russia says it seeks a peace treaty rather than an immediate ceasefire.",
            {("russia", "ceasefire", "reject")},
        ),
        # Helping to guarantee a country's security offers guarantees.
        (
            "Trump said the United States would help guarantee Ukraine's security.",
            {("united_states", "guarantees", "propose")},
        ),
    ],
)
def test_claim_rules_round_three(gaz, lex, text, expected):
    assert claims_of(text, gaz, lex) == expected


@needs_parser
def test_giving_up_a_possessed_nato_bid_points_high(gaz, lex):
    found = extract("Zelensky offered to drop Ukraine's bid to join NATO.", gaz, lex).claims
    assert [(c.actor, c.issue, c.stance, c.direction) for c in found] == [
        ("ukraine", "alliance", "propose", "high")
    ]


@needs_parser
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A stated condition of an offer or acceptance is the actor's demand.
        (
            "Peskov stated that Russia is prepared to end the war if Ukrainian forces withdraw "
            "from four regions.",
            {("russia", "territory", "demand")},
        ),
        (
            "Zelensky declared readiness to hold elections within 90 days, pending security "
            "guarantees from the United States.",
            {("ukraine", "guarantees", "demand")},
        ),
        # "His country" is the country of the person last named; "ready for" is readiness.
        (
            "Zelensky said his country is ready for an energy truce with Russia.",
            {("ukraine", "ceasefire", "accept")},
        ),
        # Agreeing to provide something offers it.
        (
            "The United States has agreed to provide security guarantees for Ukraine.",
            {("united_states", "guarantees", "propose")},
        ),
        # "X's partners" are not X: the reporter's stance.
        (
            "Merz said that Ukraine's partners want a ceasefire.",
            {("germany", "ceasefire", "demand")},
        ),
        # A participle clause of another cue is an act of its own.
        (
            "Zelensky rejected these conditions, insisting on an unconditional ceasefire.",
            {("ukraine", "ceasefire", "demand")},
        ),
        # A time clause situates the act; its issues are not the act's content.
        ("Russia wants to start talks before a truce is announced.", set()),
        (
            "His remarks came after Zelensky proposed a moratorium on energy strikes.",
            {("ukraine", "ceasefire", "propose")},
        ),
        # Failing to agree is no part of the agreement before it.
        (
            "EU leaders agreed to provide a loan to Ukraine but failed to agree on using frozen "
            "Russian assets.",
            set(),
        ),
        # "Short of" excludes; "NATO-like" guarantees are not the alliance.
        (
            "European leaders backed security arrangements for Ukraine, short of NATO membership.",
            {("european_core", "guarantees", "accept")},
        ),
        (
            "Witkoff noted Putin's agreement to NATO-like security guarantees.",
            {("russia", "guarantees", "accept")},
        ),
        # Needing to act is an obligation, not a demand.
        ("He asked about the decision Kyiv needed to make regarding the Donbas.", set()),
        # Actors inside "efforts involving …" hold no stance.
        (
            "Diplomatic efforts involving the United States and Ukraine seek a cessation of "
            "hostilities.",
            set(),
        ),
        # A participle cue owned by the noun's actor modifier; an appositive offer.
        (
            "A central pillar was a proposed 15-year U.S. security guarantee, an offer Zelensky "
            "welcomed.",
            {("united_states", "guarantees", "propose"), ("ukraine", "guarantees", "accept")},
        ),
        # The actor of a passive cue's "by" phrase, about the passive's subject.
        (
            "Full NATO membership remains opposed by the United States.",
            {("united_states", "alliance", "reject")},
        ),
    ],
)
def test_claim_rules_round_five(gaz, lex, text, expected):
    assert claims_of(text, gaz, lex) == expected


@needs_parser
def test_listed_provisions_of_a_plan_are_its_sponsors_proposals(gaz, lex):
    text = (
        "Here is what is included in the European peace plan:\n\n"
        "- Both sides commit to an unconditional ceasefire. Monitoring is led by the U.S.\n\n"
        "- Ukraine receives legally binding security guarantees.\n\n"
        "Russia rejected the ceasefire on Monday.\n\n"
        "- A line after the list names sanctions.\n"
    )
    assert claims_of(text, gaz, lex) == {
        ("european_core", "ceasefire", "propose"),
        ("european_core", "guarantees", "propose"),
        ("russia", "ceasefire", "reject"),
    }


@needs_parser
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A reference to an earlier proposal or demand carries its issues; "unacceptable" after
        # a verb of judging rejects what is judged; "that demand" is no new demand.
        (
            "Washington proposed to take control of the Zaporizhzhia nuclear power plant. Kyiv "
            "finds this proposal unacceptable.",
            {("united_states", "zaporizhzhia", "propose"), ("ukraine", "zaporizhzhia", "reject")},
        ),
        (
            "Moscow demands that Ukraine withdraw from Donetsk. Ukraine describes that demand as "
            "unacceptable.",
            {("russia", "territory", "demand"), ("ukraine", "territory", "reject")},
        ),
        # Paraphrases of the issues: old borders and land swaps, halting strikes, arms
        # shipments, air defence, foreign forces, military alliances, plants in the plural.
        (
            "Hegseth rejected a return to Ukraine's pre-2014 borders.",
            {("united_states", "territory", "reject")},
        ),
        ("Trump suggested a swap of land.", {("united_states", "territory", "propose")}),
        (
            "Trump asked Putin to halt strikes on Kyiv for a week.",
            {("united_states", "ceasefire", "demand")},
        ),
        (
            "Trump pledged to ramp up arms shipments to Ukraine.",
            {("united_states", "army_limits", "propose")},
        ),
        (
            "Ukraine sought more air defence support from allies.",
            {("ukraine", "army_limits", "demand")},
        ),
        (
            "Russia rejects the deployment of foreign military forces in Ukraine.",
            {("russia", "guarantees", "reject")},
        ),
        (
            "Moscow demands Kyiv abandon aspirations to join Western military alliances.",
            {("russia", "alliance", "demand")},
        ),
        (
            "Trump offered to transfer Ukrainian nuclear power plants to American management.",
            {("united_states", "zaporizhzhia", "propose")},
        ),
    ],
)
def test_claim_rules_round_seven(gaz, lex, text, expected):
    assert claims_of(text, gaz, lex) == expected
