"""The new part of a mail or chat reply, and the history it quotes. Pure text in, text out.

People answer above the quote (top-posting), below it (bottom-posting) or between its lines (inline
answers), in clients that write the attribution line in their own language and format. So:

- a block of ">" lines is the writer's quote: it is dropped, and the writer's words before, between
  and after such blocks are kept, together with the attribution line that introduces a block
  ("On ... wrote:", "Le ... a écrit :", "Am ... schrieb ...:", "El ... escribió:", ISO-dated lines);
- an attribution line followed by unquoted text, an Outlook header block (From:/Sent:, De :/Envoyé :,
  Von:/Gesendet:), an "-----Original Message-----" line in any language or Outlook's underscore rule
  starts history that is not marked as quoted: everything from there on is history;
- the writer's words end at a sign-off ("Kind regards"), a signature rule ("-- "), a contact line,
  a mobile footer that is a whole line ("Sent from my iPhone"; "Sent from my desk, but ..." in a
  sentence is content) or a confidentiality disclaimer.
"""

from __future__ import annotations

import html
import re

__all__ = ["quoted_question", "split_reply", "strip_quoted"]

_SEPARATORS = (
    re.compile(r"^[ \t]*_{10,}\s*$", re.M),
    re.compile(
        r"^[ \t]*-{2,}\s*(?:original message|forwarded message|urspr[üu]ngliche nachricht|message d'origine"
        r"|mensaje original|oorspronkelijk bericht|messaggio originale|weitergeleitete nachricht)\s*-{2,}",
        re.M | re.I,
    ),
    re.compile(r"^[ \t]*(?:begin forwarded message|d[ée]but du message r[ée]exp[ée]di[ée])\s*:", re.M | re.I),
    re.compile(
        r"^[ \t]*[*_]{0,2}(?:from|de|von|van|da|od|fr[åa]n|oddi wrth)\s?:[*_]{0,2}[^\n]*\n(?:[^\n]*\n){0,3}?[ \t]*[*_]{0,2}"
        r"(?:sent|date|envoy[ée]|gesendet|datum|enviado|fecha|verzonden|inviato|data|skickat|wys[łl]ano|to|subject"
        r"|[àa]|an|objet|betreff|para|asunto|aan|onderwerp|oggetto|cc|anfonwyd|pwnc)\s?:",
        re.M | re.I,
    ),
)
# One attribution line, in the forms mail clients write them. Up to two physical lines: Gmail wraps long ones.
_ATTRIBUTION = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*)?(?:"
    r"on\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bwrote[ \t]*(?::|-{2,})"  # On Mon, 1 Mar 2027 at 09:00, X wrote:
    r"|le\b[^\n]{0,200}\ba [ée]crit[ \t]*:"
    r"|am\b[^\n]{0,200}\bschrieb[^\n]{0,120}:"
    r"|el\b[^\n]{0,200}\bescribi[óo][ \t]*:"
    r"|op\b[^\n]{0,200}\bschreef[^\n]{0,120}:"
    r"|il giorno\b[^\n]{0,200}\bha scritto[ \t]*:"
    r"|w dniu\b[^\n]{0,200}\bpisze[ \t]*:"
    r"|[^\n]{0,120}\bskrev[^\n]{0,120}:"
    r"|(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})[^\n]{0,150}(?:wrote|schrieb|a [ée]crit)[ \t]*:"
    r"|[^\n>]{1,120}\bwrote[ \t]*:"  # Morgan Blake wrote:
    r")[ \t]*(?:-{2,})?[ \t]*$",
    re.M | re.I,
)
# A quote marker, but not "more than" before a figure: ">50% done" and "&gt;90% trained" are the writer's own progress.
_QUOTED_LINE = re.compile(r"^\s*(?:>|&gt;)(?!\d{1,3}(?:\.\d+)?\s*%)")
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:sent from my|sent from|sent via|sent using|get outlook for|skickat fr[åa]n min|envoy[ée] de mon"
    r"|von meinem|enviado desde mi|verzonden vanaf mijn|inviato da)(?:\s+[\w.'-]+){1,5}\s*\.?\s*$",
    re.I,
)
_SIGN_OFF = re.compile(
    r"^\s*(?:kind regards|best regards|warm regards|regards|many thanks|thanks(?: again)?|thank you|best wishes"
    r"|all the best|best|cheers|with thanks|yours sincerely|yours faithfully|speak soon|ta|thx|mit freundlichen"
    r" gr[üu](?:ß|ss)en|cordialement|bien [àa] vous)"
    r"\s*[,.!]?\s*(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})?\s*$",
    re.I,
)
_SIGNATURE_RULE = re.compile(r"^\s*--\s*$")
_CONTACT_LINE = re.compile(r"^\s*(?:tel(?:ephone)?|phone|mob(?:ile)?|m|t"
    r"|direct(?: line)?)\s*[:.]?\s*[+(]?\d[\d ()-]{6,}", re.I)
_TITLE_BAR = re.compile(r"^[^|\n]{2,60}(?:\s\|\s[^|\n]{2,80}){2,}$")
# A table of answers is not a signature's title bar: its header names the columns ("Ref | Status | Comment") and its
# rows start with an action ref ("RIV3-2-1 | Complete | ...").
_TABLE_ROW = re.compile(
    r"^\|?\s*(?:(?:ref|reference|action|rec(?:ommendation)?|no\.?|#|id)\s*\||[A-Za-z]{0,8}\d+[a-z]?(?:[-.]\d+[a-z]?)+\s*\|)",
    re.I,
)
_DISCLAIMER = re.compile(
    r"\b(?:confidential|privileged)\b[^\n]{0,200}\b(?:intended|recipient|addressee)\b|\bthis (?:e-?mail"
    r"|message) and any"
    r"\b|\bdisclaimer\b|\bif you (?:are not|have received this)|\bthis (?:e-?mail|message)\b[^\n]{0,40}\bintended\b",
    re.I,
)
# Tried only where a sentence starts, so a long line with no question is scanned once, not from every character.
_QUESTION = re.compile(r"(?:^|(?<=[.!?\n]))[^.!?\n]*\?")


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _history_start(text: str) -> int:
    """Where history that is not marked with ">" begins; len(text) when there is none."""
    starts = [m.start() for pattern in _SEPARATORS if (m := pattern.search(text))]
    for match in _ATTRIBUTION.finditer(text):
        following = _next_line(text, match.end())
        if not _QUOTED_LINE.match(following) and following.strip():
            starts.append(match.start())
            break
    return min(starts, default=len(text))


def _next_line(text: str, at: int) -> str:
    """The first line at or after `at` once blank lines are skipped, without copying the rest of the text."""
    while at < len(text) and text[at] == "\n":
        at += 1
    end = text.find("\n", at)
    return text[at : end if end >= 0 else len(text)]


def split_reply(text: str) -> tuple[str, str]:
    """(the writer's new words, the history they quote)."""
    text = _normalised(text)
    cut = _history_start(text)
    history = [text[cut:]]
    kept: list[str] = []
    attributions = {m.start() for m in _ATTRIBUTION.finditer(text[:cut])}
    offset = 0
    skip_until = -1
    has_words = False  # whether a kept line has words yet: a sign-off ends the words only after some
    for line in text[:cut].split("\n"):
        start, offset = offset, offset + len(line) + 1
        if start < skip_until:
            continue
        if start in attributions:
            match = _ATTRIBUTION.match(text, start)
            skip_until = match.end() if match else start
            continue
        if _QUOTED_LINE.match(line):
            history.append(re.sub(r"^\s*(?:(?:>|&gt;)\s?)+", "", line))
            continue
        if _ends_the_words(line, has_words):
            break
        kept.append(line.rstrip())
        has_words = has_words or bool(line.strip())
    words = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return words, "\n".join(history).strip()


# The chaser itself pasted back under the answer with no attribution ("Action X-1-2 '...' was due 31 Oct. Please
# reply with an update."): a request for an update is the chaser's words, never the writer's answer.
_PASTED_CHASER = re.compile(
    r"^\s*(?:action\b.{0,200}?)?\b(?:please (?:reply|respond) with (?:an|your) update|please (?:send|provide|give) (?:us |me )?"
    r"(?:an|your) update)\W*$",
    re.I,
)


def _ends_the_words(line: str, has_words: bool) -> bool:
    if _MOBILE_FOOTER.match(line) or _DISCLAIMER.search(line) or _SIGNATURE_RULE.match(line):
        return True
    title_bar = bool(_TITLE_BAR.match(line.strip())) and not _TABLE_ROW.match(line.strip())
    return has_words and bool(_SIGN_OFF.match(line) or _CONTACT_LINE.match(line) or title_bar
                              or _PASTED_CHASER.match(line))


def strip_quoted(text: str) -> str:
    """The new part of a mail or chat reply: no quoted history, signature, mobile footer or disclaimer."""
    return split_reply(text)[0]


def quoted_question(text: str) -> str | None:
    """The first question in the history a reply quotes ("Is RIV3-2-1 complete?"), for a bare "Yes"."""
    history = html.unescape(split_reply(text)[1])
    for line in history.split("\n"):
        if _SEPARATORS[3].match(line) or re.match(r"^\s*[*_]{0,2}(?:from|sent|to|subject|date)\s?:", line, re.I):
            continue
        match = _QUESTION.search(line)
        if match and len(match.group(0).split()) >= 2:
            return match.group(0).strip()
    return None
