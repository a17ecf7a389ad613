"""What the council reads in an incoming e-mail's headers and text (4.3.2).

Plain Python, no ORM: an automatic reply is told from a person's, a sender is
believed only on the word of the council's own mail server, and the phone
numbers written in a report are found for the register to check.
"""

import re

# RFC 3834 and the headers the common mail servers add to automatic replies.
_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
_AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|"
    r"absence|מחוץ למשרד|תשובה אוטומטית|מענה אוטומטי)",
    re.IGNORECASE,
)
# A run of digits, with the separators people type between them.
_NUMBER_RUN = re.compile(
    r"(?<![\d+])\+?\d[\d\-\s().]{1,16}\d(?!\d)|(?<!\d)\d{2,}(?!\d)"
)
_AUTH_VERDICT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*(\w+)", re.IGNORECASE)
_AUTH_DOMAIN = re.compile(
    r"\b(?:header\.from|header\.d|smtp\.mailfrom)\s*=\s*(?:[^\s;@]*@)?([^\s;]+)",
    re.IGNORECASE,
)


def is_auto_reply(headers, subject=""):
    """True for a message sent by a machine: an out-of-office answer, a
    vacation notice, a list's mail. ``headers`` maps header names to values
    (an ``email.message.Message`` does)."""
    auto = (headers.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return True
    if any(headers.get(name) for name in _AUTO_HEADERS):
        return True
    precedence = (headers.get("Precedence") or "").strip().lower()
    if precedence in _AUTO_PRECEDENCE:
        return True
    return bool(_AUTO_SUBJECT.match(subject or ""))


def authenticated_domains(headers, server):
    """The domains the council's mail server ``server`` vouches for in its
    ``Authentication-Results`` header (RFC 8601): DMARC passed for the From
    domain, or else both SPF and DKIM passed. A header added by any other
    server (a sender can write one into the message) is not read."""
    if not server:
        return set()
    server = server.strip().lower()
    domains = set()
    for value in headers.get_all("Authentication-Results") or []:
        authserv, _sep, results = str(value).partition(";")
        if authserv.strip().lower().split()[:1] != [server]:
            continue
        verdicts = {
            method.lower(): verdict.lower()
            for method, verdict in _AUTH_VERDICT.findall(results)
        }
        passed = verdicts.get("dmarc") == "pass" or (
            verdicts.get("spf") == "pass" and verdicts.get("dkim") == "pass"
        )
        if passed:
            domains |= {d.lower().rstrip(".") for d in _AUTH_DOMAIN.findall(results)}
    return domains


def number_candidates(*texts):
    """The phone numbers written in ``texts``, in order, as typed."""
    found = []
    for text in texts:
        for match in _NUMBER_RUN.finditer(text or ""):
            number = match.group().strip()
            if number not in found:
                found.append(number)
    return found


def email_domain(address):
    return (address or "").rpartition("@")[2].strip().strip(">").lower()


# Where a reply's quote of the message it answers starts.
_QUOTE_START = re.compile(
    r"^\s*(-{2,}\s*original message\s*-{2,}|-{2,}\s*הודעה מקורית\s*-{2,}|"
    r"on .{0,200} wrote:|ב.{0,200} כתב(ה)?:|from:\s|מאת:\s)",
    re.IGNORECASE | re.MULTILINE,
)


def strip_quote(text):
    """The text of a reply without the message it quotes: cut where the
    quote starts (``On … wrote:``, ``-----Original Message-----``, a
    ``From:`` header block) and without ``>`` lines."""
    match = _QUOTE_START.search(text or "")
    if match:
        text = text[: match.start()]
    return "\n".join(
        line for line in (text or "").splitlines() if not line.lstrip().startswith(">")
    )
