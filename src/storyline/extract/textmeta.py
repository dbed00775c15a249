"""Metadata written as lines of text: dates, bylines, outlet signatures, kind labels, datelines,
provenance notes and image captions with their credits.

Why hand-written: the libraries that find these things (trafilatura, htmldate, newspaper) read
them from HTML markup (``<time>``, ``rel=author``, ``og:site_name``, JSON-LD). A scraped page has
lost its markup, so all that is left is how the line is *written*. The patterns below describe
the written forms used across outlets and languages (labels like "Published"/"입력"/"更新",
"By NAME", "NAME 기자", "[PHOTO CREDIT]", "SEOUL, June 3 (Yonhap) --"); none is keyed to a
particular page. Dates are read with a table of written forms and month names rather than
dateparser, which on free text also "parses" words that are not dates, and costs ~0.1 s a call.

Every function here is pure and works on one line (or one short piece) of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# ------------------------------------------------------------------ dates ---

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}
# Month names of the other languages in news-metadata-dev (de, fr, es, it, pt, nl). A table
# instead of dateparser: dateparser costs ~0.1 s per call here (it tries every locale) and reads
# dates into words that are not dates.
_FOREIGN_MONTHS = {
    1: "januar jänner janvier janv enero gennaio janeiro januari",
    2: "februar feber février févr fevr febrero febbraio fevereiro februari",
    3: "märz mär mars marzo março maart",
    4: "avril abril aprile",
    5: "mai mayo maggio maio mei",
    6: "juni juin junio giugno junho",
    7: "juli juillet juil julio luglio julho",
    8: "août aout agosto augustus",
    9: "septembre septiembre setiembre settembre setembro",
    10: "oktober okt octobre octubre ottobre outubro",
    11: "novembre noviembre novembro",
    12: "dezember dez décembre déc diciembre dicembre dezembro",
}
for _num, _names in _FOREIGN_MONTHS.items():
    for _name in _names.split():
        _MONTHS.setdefault(_name, _num)
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Time-zone abbreviations with one unambiguous offset. CST, IST, BST are left out on purpose:
# each names several zones, and a wrong offset is worse than none.
_TZ_ABBR = {
    "utc": 0, "gmt": 0, "z": 0, "kst": 9 * 60, "jst": 9 * 60, "hkt": 8 * 60, "sgt": 8 * 60,
    "cet": 60, "cest": 120, "mez": 60, "mesz": 120, "eet": 120, "eest": 180, "wet": 0,
    "west": 60, "est": -5 * 60, "edt": -4 * 60, "pst": -8 * 60, "pdt": -7 * 60,
    "mst": -7 * 60, "mdt": -6 * 60, "aest": 10 * 60, "aedt": 11 * 60,
}
_TZ = (
    r"(?P<tz>Z\b|[+-]\d{2}:?\d{2}\b|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?\b|"
    r"(?:" + "|".join(k.upper() for k in _TZ_ABBR if k != "z") + r")\b)"
)
_TIME = (
    r"(?:(?P<ampm1>오전|오후|午前|午後)\s*)?(?P<H>\d{1,2})\s*(?::|시|時|h)\s*(?P<M>\d{2})"
    r"(?:\s*(?::|분|分)\s*(?P<S>\d{2}))?(?:\s*(?:분|分|초|秒))?"
    r"(?:\s*(?P<ampm2>[ap]\.?\s?m\.?)(?![a-z]))?(?:\s*" + _TZ + r")?"
)
_TIME_SEP = r"(?:\s*(?:,|\bat\b|\bum\b|à|\||-|–|·|T)?\s*(?:\([^)]{1,6}\)\s*)?)"

_DATE_PATTERNS = [
    # 2025-06-19 23:40:00, 2025/06/19, 2025.06.19 14:30, 2025. 6. 19. 오후 3:05
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)\.?"
        r"(?:" + _TIME_SEP + _TIME + r")?",
        re.I,
    ),
    # 2025년 6월 19일 (목) 오후 3시 5분, 2025年6月19日 15時05分
    re.compile(
        r"(?P<y>(?:19|20)\d{2})\s*[년年]\s*(?P<m>\d{1,2})\s*[월月]\s*(?P<d>\d{1,2})\s*[일日号]"
        r"(?:" + _TIME_SEP + _TIME + r")?",
        re.I,
    ),
    # 19.06.2025 (European), 06/19/2025 or 19/06/2025
    re.compile(
        r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d)"
        r"(?:" + _TIME_SEP + _TIME + r")?",
        re.I,
    ),
    # 19.10.19, 18:56 (day-first with a two-digit year, as German and Swiss sites print it):
    # dots only, two digits each, nothing numeric on either side ("1.10.19" or "2.10.19.4",
    # versions and scores, are not dates)
    re.compile(
        r"(?<![\d.])(?P<a>\d{2})(?P<sep>\.)(?P<b>\d{2})\.(?P<y2>\d{2})(?![\d.]\d|\d)"
        r"(?:" + _TIME_SEP + _TIME + r")?",
        re.I,
    ),
    # 20 Jun. 2025, 00:04  /  19 June 2025
    re.compile(
        r"(?<!\w)(?P<d>\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?(?P<mon>" + _MONTH_RE + r")\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d{2})"
        r"(?:" + _TIME_SEP + _TIME + r")?",
        re.I,
    ),
    # June 19, 2025 5:30 p.m. EST
    re.compile(
        r"(?<!\w)(?P<mon>" + _MONTH_RE + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})"
        r"(?:" + _TIME_SEP + _TIME + r")?",
        re.I,
    ),
]

@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date found in a line: where it is and its ISO 8601 value."""

    start: int
    end: int
    value: str


def _offset(tz: str | None) -> timezone | None:
    if not tz:
        return None
    t = tz.strip().lower().replace(" ", "")
    if t in _TZ_ABBR:
        return timezone(timedelta(minutes=_TZ_ABBR[t]))
    m = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", t)
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def _iso(y: int, mo: int, d: int, gd: dict[str, str | None]) -> str | None:
    try:
        date = datetime(y, mo, d)
    except ValueError:
        return None
    if gd.get("H") is None:
        return date.date().isoformat()
    hour, minute, sec = int(gd["H"] or 0), int(gd["M"] or 0), int(gd.get("S") or 0)
    ampm = (gd.get("ampm1") or gd.get("ampm2") or "").lower().replace(".", "").replace(" ", "")
    if ampm in ("pm", "오후", "午後") and hour < 12:
        hour += 12
    elif ampm in ("am", "오전", "午前") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or sec > 59:
        return date.date().isoformat()
    dt = date.replace(hour=hour, minute=minute, second=sec, tzinfo=_offset(gd.get("tz")))
    return dt.isoformat(timespec="seconds")


def find_dates(text: str) -> list[DateMatch]:
    """Every date written in ``text``, in order, as ISO 8601 (time and offset kept when given).

    >>> [d.value for d in find_dates("Published: 20 Jun. 2025, 00:04")]
    ['2025-06-20T00:04:00']
    """
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            gd = m.groupdict()
            y = int(gd["y"]) if gd.get("y") else 2000 + int(gd["y2"])
            if gd.get("mon"):
                mo, d = _MONTHS[gd["mon"].lower()], int(gd["d"])
            elif gd.get("a"):
                a, b = int(gd["a"]), int(gd["b"])
                if gd["sep"] == "." or a > 12:
                    d, mo = a, b  # dots are day-first everywhere they are used
                else:
                    mo, d = a, b  # slashes: month-first unless impossible (US convention)
            else:
                mo, d = int(gd["m"]), int(gd["d"])
            value = _iso(y, mo, d, gd)
            if value:
                end = m.end()
                while end > m.start() and text[end - 1] in " ,|-–·":
                    end -= 1
                found.append(DateMatch(m.start(), end, value))
                taken.append((m.start(), end))
    return sorted(found, key=lambda x: x.start)


_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")


def date_from_url(url: str | None) -> str | None:
    """The publication date many CMSs write into article URLs (``/2025/06/19/slug``)."""
    m = _URL_DATE.search(url or "")
    if not m:
        return None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)), {})


# Labels printed before a date. Sources: the date labels of the news sites in
# news-metadata-dev and common CMS templates, in the languages that set covers.
_UPDATE_LABEL = re.compile(
    r"(?:last\s+)?(?:updated?|modified|edited|revised)|aktualisiert|geändert|stand|mis\s+à\s+jour|modifié|"
    r"actualizado|actualización|aggiornato|atualizado|bijgewerkt|zaktualizowano|수정|업데이트|최종\s*수정|"
    r"更新|修改|更新时间",
    re.I,
)
_DATE_LABEL = re.compile(
    r"(?<![^\W\d_])(?:first\s+)?(?:published|posted|updated?|modified|created|date|dated|released?|on|am|le|el|il|"
    r"last\s+updated|last\s+modified|veröffentlicht|erschienen|aktualisiert|stand|publié|mis\s+à\s+jour|"
    r"modifié|publicado|actualizado|pubblicato|aggiornato|atualizado|gepubliceerd|bijgewerkt|opublikowano|"
    r"입력|수정|등록|기사\s*입력|최종\s*수정|업데이트|승인|発行|公開|更新|配信|掲載|投稿|発表|发布|发布时间|更新时间|时间|日期)"
    r"(?![^\W\d_])\s*(?:(?:on|at|am|le|el|il|um)(?![^\W\d_])|:|：|-|—)?",
    re.I,
)
# Weekdays and clock words printed around dates ("Samstag, 19. Oktober 2019 um 11:14 Uhr").
_WEEKDAY = re.compile(
    r"(?<![^\W\d_])(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\.?(?![^\W\d_])|wednesday|saturday|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|"
    r"samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|"
    r"giovedì|venerdì|sabato|domenica|segunda|terça|quarta|quinta|sexta|(?<![^\W\d_])uhr(?![^\W\d_])|"
    r"[(（]?[월화수목금토일]요?일?[)）]|[(（][月火水木金土日]曜?日?[)）]",
    re.I,
)
_META_SEP = re.compile(r"\s*(?:\||·|•|\u2022|／|\s/\s|\s//\s|\s@\s|\s~\s|ㅣ|｜)\s*")
# "5 min read", "Lesezeit: 3 Minuten", "3 Min. Lesezeit": printed beside dates and bylines.
_READING_TIME = re.compile(
    r"(?:~\s*)?(?:lesezeit|reading\s+time|temps\s+de\s+lecture|tiempo\s+de\s+lectura)?\s*[:：]?\s*~?\s*\d+\s*"
    r"(?:min(?:ute)?s?|minuten|mins?\.?|분)\.?\s*(?:read|lesezeit|de\s+lecture|de\s+lectura|읽기)?",
    re.I,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL = EMAIL
PROTECTED_EMAIL = re.compile(r"\[?\s*email(?:\s|&#160;|&nbsp;|\u00a0)*protected\s*\]?", re.I)


@dataclass(frozen=True, slots=True)
class MetaLine:
    """What a short header/footer line holds: dates, names, e-mail addresses.

    ``rest`` is what is left once all of that is taken out; a line is metadata only when
    little is left.
    """

    published: str | None = None
    updated: str | None = None
    authors: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    placeholder: bool = False
    rest: str = ""


def parse_meta_line(line: str) -> MetaLine | None:
    """Read a line made only of dates (with labels), bylines and e-mail addresses.

    "Published: 20 Jun. 2025, 00:04", "korocamia@naver.com | 2025-06-19 23:40:00",
    "BY SEO JI-EUN [[email protected]]". Returns None when the line holds anything else: a
    sentence that happens to contain a date is not a date line.
    """
    if len(line) > 160:
        return None
    text = line.strip(" -–—*•\t")
    placeholder = bool(PROTECTED_EMAIL.search(text))
    text = PROTECTED_EMAIL.sub(" ", text)
    emails = tuple(_EMAIL.findall(text))
    text = _EMAIL.sub(" ", text)
    published = updated = None
    pieces = []
    pos = 0
    for dm in find_dates(text):
        before = text[pos : dm.start]
        is_update = bool(_UPDATE_LABEL.search(before))
        if is_update and updated is None:
            updated = dm.value
        elif not is_update and published is None:
            published = dm.value
        elif updated is None:
            updated = dm.value
        pieces.append(before)
        pos = dm.end
    pieces.append(text[pos:])
    authors: list[str] = []
    rest_parts: list[str] = []
    for piece in pieces:
        for part in _META_SEP.split(piece):
            part = _READING_TIME.sub(" ", part)
            if published or updated:
                part = _WEEKDAY.sub(" ", _DATE_LABEL.sub(" ", part))
            part = re.sub(r"^[\s,:;()\[\]<>|/-]+|[\s,:;()\[\]<>|/-]+$", "", part)
            if not part:
                continue
            byl = parse_byline(part)
            if byl:
                authors.extend(byl)
            else:
                rest_parts.append(part)
    if not (published or updated or emails or placeholder or authors):
        return None
    rest = " ".join(rest_parts).strip()
    # What may remain beside dates: a weekday, "Uhr", a section name ("Energieversorgung").
    # 30 characters and 3 words cover those in the dev pages; more means a sentence.
    if rest and (len(rest) > 30 or len(rest.split()) > 3):
        return None
    if rest and not (published or updated) and not authors:
        return None
    return MetaLine(published, updated, tuple(authors), emails, placeholder, rest)


def opens_with_meta(line: str) -> bool:
    """Whether a line's first piece (before "|", "·", ...) is a date, byline or reading time
    ("Veröffentlicht am: 28. Oktober 2023 | Anzahl Kommentare: noch keine", "Lesezeit: 1 min")."""
    first = _META_SEP.split(line.strip(), maxsplit=1)[0]
    return bool(first) and (parse_meta_line(first) is not None or bool(_READING_TIME.fullmatch(first.strip())))


def line_dates(line: str) -> tuple[str | None, str | None]:
    """(published, updated) written in a line that may hold other words too
    ("FINTECH 20. Juni 2019", "Erstellt am 1. Mai 2023, geändert am 2. Mai 2023").

    A date after an update label ("Updated", "Stand", "수정") is the update; of unlabelled
    dates the first is the publication, the next the update.
    """
    published = updated = None
    pos = 0
    for dm in find_dates(line):
        if _UPDATE_LABEL.search(line[pos : dm.start]):
            updated = updated or dm.value
        elif published is None:
            published = dm.value
        elif updated is None:
            updated = dm.value
        pos = dm.end
    return published, updated


# ---------------------------------------------------------------- bylines ---

# A user name after a byline cue ("von gizzmo", "by jdoe_42"): written in lower case, so only
# taken from a line that also carries a date.
_HANDLE = re.compile(r"^(?i:by|von|par|por|door)\s+(?P<name>[a-z][\w.-]{2,24})$")


def dated_byline(part: str) -> list[str] | None:
    """The author in what is left of a date line beside its date (``MetaLine.rest``): a name written alone
    ("Janic Cathomen, 01.12.2021", "30. Oktober 2023 Carola Pönisch") or a user name after
    a byline cue ("Veröffentlicht am 12. Juni 2017 von gizzmo")."""
    if looks_like_name(part) and not has_outlet_word(part):
        return [part]
    m = _HANDLE.match(part)
    return [m.group("name")] if m else None


_BY = re.compile(
    r"^\s*(?:(?:written|words|reported|story|posted|published|text|photos?|geschrieben|verfasst|artikel|"
    r"ein\s+beitrag|publié|escrito|scritto)\s+)?(?:by|von|par|por|di|door|af|av|przez)\s*[:：]?\s+(?P<names>.+)$|"
    r"^\s*(?:author|authors|autor|autorin|autoren|auteur|autore|autores|text|reporter|글|글쓴이|문|취재|작성자|著者|作者)"
    r"\s*[:：]\s*(?P<names2>.+)$",
    re.I,
)
# "홍길동 기자", "山田太郎記者", "Jane Doe, Staff Reporter"
_ROLE_AFTER = re.compile(
    r"^(?P<names>.+?)\s*,?\s*(?:(?:staff|senior|chief|political|foreign|business|economics?|science|"
    r"tokyo|seoul|washington|beijing|london)\s+)*(?:reporter|writer|correspondent|editor|columnist|기자|"
    r"특파원|선임기자|논설위원|記者|特派員|编辑|编审|记者)\s*$",
    re.I,
)
_ROLE_TRAIL = re.compile(r"\s*[,|/]\s*(?:the\s+)?[A-Z][\w .&'-]{0,40}$")
_NAME_TOKEN = re.compile(r"^(?:[A-Z\u00c0-\u00de][\w'’.-]*|[A-Z]\.|(?:van|von|de|der|den|da|di|du|la|le|del|bin|al|el|ibn))$")
CJK_NAME = re.compile(r"^[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]{2,5}$")


def looks_like_name(text: str) -> bool:
    """A person's name written alone: 2-4 capitalised Latin words, or 2-5 CJK/Hangul characters."""
    t = text.strip()
    if CJK_NAME.match(t):
        return True
    words = t.split()
    if not 2 <= len(words) <= 4 or len(t) > 40:
        return False
    if words[-1].casefold() in {"by", "von", "par", "por", "door", "di", "da"}:
        return False  # a label before a name ("Collected By"), not a name
    if not all(_NAME_TOKEN.match(w) for w in words):
        return False
    return sum(ch.isalpha() for ch in t) >= 0.8 * len(t.replace(" ", ""))


def parse_byline(text: str) -> list[str] | None:
    """Names from a byline ("By Jane Doe and John Roe", "BY SEO JI-EUN [email]", "홍길동 기자").

    Returns None when ``text`` is not a byline. Names come out as written (case is normalised
    later by ``normalise_authors``).
    """
    t = PROTECTED_EMAIL.sub(" ", text)
    t = _EMAIL.sub(" ", t)
    t = re.sub(r"\[[^\]]*\]|\([^)]*\)|<[^>]*>", " ", t)
    t = re.sub(r"\s+", " ", t).strip(" -–—|:;,·•*")
    if not t or len(t) > 120:
        return None
    t = re.sub(r"^(By|BY|Von|VON)(?=[A-Z][a-z])", r"\1 ", t)  # "ByAlex Bozarjian": a page's text run together
    m = _BY.match(t)
    if m:
        names = m.group("names") or m.group("names2")
        # "Posted by X under Category", "by X in Category": the category is not part of the name
        names = re.split(r"\s+(?:under|in|im|dans|en|unter)\s+", names, maxsplit=1)[0]
        names = _ROLE_TRAIL.sub("", names) if "," in names or "|" in names else names
        rm = _ROLE_AFTER.match(names)
        if rm:
            names = rm.group("names")
        parts = [p.strip() for p in re.split(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", names) if p.strip()]
        # One word after an explicit "By" is a pen name ("by Aureliana") unless it is a wire
        # agency ("By Reuters"), which is a provenance note, not an author.
        if parts and all((looks_like_name(p) or _pen_name(p)) and not has_outlet_word(p) for p in parts):
            return parts
        return None
    rm = _ROLE_AFTER.match(t)
    if rm:
        names = rm.group("names").strip(" ,")
        parts = [p.strip() for p in re.split(r"\s*(?:,|·|및|\band\b)\s*", names) if p.strip()]
        if parts and all(looks_like_name(p) and not has_outlet_word(p) for p in parts):
            return parts
    return None


def _pen_name(p: str) -> bool:
    return bool(re.fullmatch(r"[A-Z\u00c0-\u00de][^\W\d_]{2,20}", p)) and p not in WIRES


# ---------------------------------------------------------------- outlets ---

# Words that end or make up publication names, in the languages of the dev data. Used only to
# accept a signature line ("Global Economic Times Reporter") that no host confirms.
_OUTLET_WORDS = re.compile(
    r"\b(?:Times|News|Daily|Post|Herald|Journal|Tribune|Gazette|Press|Telegraph|Guardian|Chronicle|"
    r"Observer|Independent|Examiner|Economist|Review|Weekly|Magazine|Monitor|Standard|Mail|Express|"
    r"Ilbo|Shimbun|Shinbun|Sinmun|Nippo|Zeitung|Rundschau|Kurier|Presse|Monde|Figaro|País|Mundo|"
    r"Nación|Corriere|Repubblica|Stampa|Agency|Wire|Broadcasting|Network|Radio|TV|Today|Insider|Reporter|"
    r"Nachrichten|Tagblatt|Anzeiger|Courier|Dispatch|Sun|Star|Mirror|Record|Bulletin)\b|"
    r"일보|신문|뉴스|방송|新聞|日報|通信|时报|日报|新闻",
)
_NAME_CHUNK = r"(?:[Tt]he\s+)?(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:of\s+|the\s+|and\s+|&\s+)?[A-Z][\w&'’.-]*){0,5})"
_SIGNATURES = [
    re.compile(r"(?i:edited\s+by)\s+" + _NAME_CHUNK + r"\s+(?i:staff|editors|desk)\b"),
    re.compile(r"^(?:(?i:©|\(c\)|copyright|ⓒ)\s*)+(?:(?:19|20)\d{2}\s*(?:[-–]\s*(?:19|20)\d{2})?\s*)?,?\s*" + _NAME_CHUNK),
    re.compile(r"^" + _NAME_CHUNK + r"\s+(?i:(?:staff\s+)?(?:reporters?|correspondents?|staff|news\s*desk|desk))\s*$"),
    re.compile(r"^(?i:(?:connect\s+)?with)\s+" + _NAME_CHUNK + r"\s*$"),
]
_LOWER_OK = {"of", "the", "and", "&"}

WEBMAIL_HOSTS = frozenset(
    [
        "gmail.com", "googlemail.com", "naver.com", "daum.net", "hanmail.net", "kakao.com",
        "nate.com", "yahoo.com", "yahoo.co.jp", "yahoo.co.kr", "hotmail.com", "outlook.com",
        "live.com", "msn.com", "icloud.com", "me.com", "aol.com", "qq.com", "163.com",
        "126.com", "sina.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "mail.ru",
        "yandex.ru", "protonmail.com", "proton.me", "orange.fr", "free.fr", "libero.it"
    ]
)
# Hosts that serve images for everyone, so say nothing about the publisher.
_CDN_HOST = re.compile(
    r"(?:^|\.)(?:cloudfront\.net|akamai\w*\.net|akamaized\.net|wp\.com|gravatar\.com|googleusercontent\.com|"
    r"ggpht\.com|imgix\.net|fastly\w*\.net|twimg\.com|fbcdn\.net|ytimg\.com|imgur\.com|staticflickr\.com|"
    r"cloudinary\.com|amazonaws\.com|blogspot\.com|blogger\.com|bp\.blogspot\.com|unsplash\.com|"
    r"shutterstock\.com|gettyimages\.\w+|pixabay\.com|wikimedia\.org|cdninstagram\.com|pstatic\.net|"
    r"daumcdn\.net|kakaocdn\.net|githubusercontent\.com|"
    # any domain named as a content delivery network ("brightspotcdn.com", "arcpublishing-cdn.io")
    r"[\w-]*cdn[\w-]*\.(?:com|net|org|io))$",
    re.I,
)


def signature_outlets(line: str) -> list[str]:
    """Publisher names a line signs with ("edited by X staff", "© 2025 X", "X Reporter")."""
    out = []
    for pat in _SIGNATURES:
        m = pat.search(line.strip())
        if m:
            name = re.sub(r"[\s.,]+(?:all(?:\s+rights\s+reserved)?|inc|ltd|llc|gmbh|co)\b.*$", "", m.group("name"), flags=re.I)
            name = re.sub(r"[\s.,]+$", "", name)
            words = name.split()
            if words and words[-1].lower() in _LOWER_OK:
                continue
            if 1 <= len(words) <= 6 and len(name) >= 3:
                out.append(name)
    return out


def has_outlet_word(name: str) -> bool:
    """True when ``name`` reads like a publication's name (ends in Times, Daily, 일보...)."""
    return bool(_OUTLET_WORDS.search(name))


def host_of(url: str | None) -> str | None:
    """The lower-case host of a URL, without ``www.`` (None if there is none)."""
    if not url:
        return None
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#:@\s]+)", url.strip(), re.I)
    if not m:
        return None
    host = m.group(1).lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def is_cdn_host(host: str) -> bool:
    """True for shared image/CDN hosts that do not identify a publisher."""
    return bool(_CDN_HOST.search(host))


def compact(s: str) -> str:
    """Lower-case letters and digits only: how a name is written inside a host name."""
    return re.sub(r"[\W_]+", "", s.casefold())


_HOST_NOISE = {"www", "m", "img", "image", "images", "static", "media", "cdn", "photo", "photos", "pic",
               "news", "com", "co", "net", "org", "kr", "jp", "uk", "de", "fr", "es", "it", "cn", "au"}


def host_matches(name: str, host: str) -> bool:
    """True when a publisher name is spelled inside a host ("Korea JoongAng Daily" ~ koreajoongangdaily...)."""
    c = compact(name)
    if len(c) < 4:
        return False
    labels = [lb for lb in host.split(".") if lb not in _HOST_NOISE and len(lb) >= 4]
    return any(c in compact(lb) or compact(lb) in c for lb in labels)


# ------------------------------------------------------------------- kind ---

# Section names for opinion pieces and editorials, in the languages of the dev data plus
# Korean, Japanese and Chinese (the seeds' region). "Kommentar" is left out: it also labels
# the comment section.
_EDITORIAL = r"editorials?|editorial\s+board|our\s+view|사설|社説|社论|社論|leitartikel|éditorial|editoriale|redactioneel"
_OPINION = (
    r"opinions?|op-?eds?|columns?|columnists?|commentary|commentaries|perspectives?|viewpoints?|"
    r"guest\s+essay|letters?\s+to\s+the\s+editor|오피니언|칼럼|시론|기고|논단|オピニオン|コラム|論説|评论|观点|"
    r"meinung|meinungen|gastbeitrag|standpunkt|tribune|tribunes|opinión|opinião|opinione|opinie|forum"
)
_ANALYSIS = r"analysis|news\s+analysis|analyses|분석|해설|解説|分析|analyse|análisis|analisi|hintergrund"
KIND_LABELS = (("editorial", _EDITORIAL), ("opinion", _OPINION), ("analysis", _ANALYSIS))
_KIND_RES = tuple((k, re.compile(r"^(?:" + p + r")$", re.I)) for k, p in KIND_LABELS)
_KIND_PREFIX = tuple(
    (k, re.compile(r"^\s*[\[【(〈<]\s*(?:" + p + r")\s*[\]】)〉>]|^\s*(?:" + p + r")\s*[:|｜：]", re.I))
    for k, p in KIND_LABELS
)


def kind_of_label(label: str) -> str | None:
    """The article kind a section label names ("Editorials" -> editorial, "오피니언" -> opinion)."""
    t = label.strip(" -–—*•·:|>»›/").strip()
    for kind, rx in _KIND_RES:
        if rx.match(t):
            return kind
    return None


def kind_of_title(title: str) -> str | None:
    """The kind a headline announces with a prefix ("[사설] ...", "Opinion | ...", "EDITORIAL: ...")."""
    for kind, rx in _KIND_PREFIX:
        if rx.search(title):
            return kind
    return None


_AUTHOR_NOTE = re.compile(
    r"^(?:[-—–*]\s*)?(?:the\s+(?:author|writer|columnist|contributor)s?\s+(?:is|are|was|serves)\b|"
    r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s+is\s+an?\s+(?:\w+\s+){0,3}(?:columnist|contributing\s+writer|"
    r"professor|fellow)\b|"
    r"(?:the\s+)?views?\s+expressed\s+(?:here|in\s+this\s+(?:article|column|piece))\b|"
    r"this\s+(?:is\s+an?\s+)?(?:opinion|op-ed|commentary|column)\b|"
    r"필자는|글쓴이는|筆者は|der\s+autor\s+ist|die\s+autorin\s+ist|l['’]auteur\s+est|el\s+autor\s+es|la\s+autora\s+es|"
    r"l['’]autore\s+è)",
    re.I,
)


def is_author_note(line: str) -> bool:
    """True for an opinion piece's note on its author ("The author is the director of ...")."""
    return len(line) < 400 and bool(_AUTHOR_NOTE.search(line.strip()))


# ---------------------------------------------------------------- notes -----

_NOTE_PATTERNS = [
    # machine translation and AI involvement
    re.compile(r"\btranslated\s+(?:from|by|using|with)\b|\b(?:machine|ai)[- ]translat|"
               r"\busing\s+(?:generative\s+)?ai\b|\bgenerative\s+ai\b|\bwith\s+the\s+(?:help|assistance)\s+of\s+ai\b|"
               r"번역|翻訳|翻译|übersetzt|traduit|traducido|tradotto", re.I),
    # AI narration, audio versions
    re.compile(r"\bread\s+by\s+(?:an?\s+)?ai\b|\bai[- ](?:voice|narrat|generated\s+audio)|\baudio\s+(?:report|version)\b.*\bai\b|"
               r"\bnarrated\s+by\b", re.I),
    # wire and syndication credits
    re.compile(r"^(?:[-—–]\s*)?(?:reporting\s+by|additional\s+reporting\s+by|editing\s+by|compiled\s+by)\b|"
               r"\b(?:this\s+(?:article|story)\s+(?:was\s+|is\s+|first\s+)*(?:originally\s+)?"
               r"(?:published|appeared|produced|republished))\b|\bwith\s+(?:agencies|wires)\b", re.I),
    # corrections
    re.compile(r"^(?:correction|clarification|editor['’]s\s+note|berichtigung|korrektur|rectificatif|fe\s+de\s+erratas)\b\s*[:：-]|"
               r"\ban\s+earlier\s+version\s+of\s+this\s+(?:article|story)\b|\bthis\s+(?:article|story)\s+has\s+been\s+"
               r"(?:corrected|updated|amended)\b", re.I),
]

WIRES = (
    "Yonhap", "AP", "Associated Press", "Reuters", "AFP", "Agence France-Presse", "dpa", "DPA", "Kyodo",
    "Jiji", "Xinhua", "EFE", "ANSA", "APA", "KNA", "epd", "Bloomberg", "UPI", "PTI", "ANI", "Bernama",
    "Newsis", "News1", "Anadolu", "TASS", "Interfax", "연합뉴스", "뉴시스", "뉴스1", "共同", "時事", "新华社",
)
_WIRE_RE = "|".join(re.escape(w) for w in sorted(WIRES, key=len, reverse=True))
_WIRE_LINE = re.compile(
    r"^[(\[—–-]*\s*(?:(?i:by|von|par|por|source|quelle|fuente|fonte)\s*:?\s+)?(?P<wire>(?:" + _WIRE_RE + r")(?:\s*/\s*(?:"
    + _WIRE_RE + r"))*)\s*[)\]]?\s*\.?$"
)


def is_note(line: str) -> bool:
    """True for a provenance note: translation, AI narration, wire/syndication credit, correction."""
    if len(line) > 400:
        return False
    return any(p.search(line) for p in _NOTE_PATTERNS) or bool(_WIRE_LINE.match(line.strip()))


def wire_of_line(line: str) -> str | None:
    """The agency a line consisting only of a wire credit names ("(AP)", "— Reuters")."""
    m = _WIRE_LINE.match(line.strip())
    return m.group("wire") if m else None


# ------------------------------------------------------------- dateline ----

_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_DATELINE = re.compile(
    r"^(?P<dl>(?P<place>" + _PLACE + r")(?P<region>,\s*" + _PLACE + r")?"
    r"(?P<date>,\s*(?:" + _MONTH_RE + r")\.?\s+\d{1,2})?\s*(?:\((?P<wire>[^()]{1,40})\))?\s*(?:—|–|--|-|:)\s)",
    re.I,
)
_DATELINE_CJK = re.compile(r"^(?P<dl>[\[【(]\s*(?P<place>[^\]】)=]{1,12})\s*[=＝]?\s*(?P<wire>[^\]】)]{0,12})[\]】)])")


def find_dateline(paragraph: str) -> tuple[str, str | None] | None:
    """The dateline opening a paragraph and the wire agency it credits, if any.

    "SEOUL, June 3 (Yonhap) -- ..." -> ("SEOUL, June 3 (Yonhap) --", "Yonhap");
    "Tokyo, Japan – ..." -> ("Tokyo, Japan –", None); "[서울=연합뉴스] ..." -> ("[서울=연합뉴스]", "연합뉴스").
    """
    m = _DATELINE.match(paragraph)
    if m:
        place = m.group("place")
        first = place.split()[0]
        # A dateline's place is in capitals, or followed by a region, date or wire credit; a
        # plain capitalised word before a dash ("President Lee – who ...") is not one.
        strong = first.isupper() and len(first) > 1 or m.group("region") or m.group("date") or m.group("wire")
        if strong and len(place.split()) <= 3 and not (m.group("region") and len(m.group("region").split()) > 3):
            wire = m.group("wire")
            if wire and not re.fullmatch(_WIRE_RE, wire.strip()) and not wire.strip().isupper():
                if not m.group("region") and not m.group("date"):
                    return None
                wire = None
            return m.group("dl").strip(), (wire.strip() if wire else None)
        return None
    m2 = _DATELINE_CJK.match(paragraph)
    if m2 and (m2.group("wire") or re.search(_WIRE_RE, m2.group("place"))):
        wire = m2.group("wire") or None
        return m2.group("dl").strip(), (wire.strip() if wire else None)
    return None


# ---------------------------------------------------------------- images ----

MD_IMAGE = re.compile(r"!\[(?P<alt>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?P<url>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)")

_CREDIT_PATTERNS = [
    # "... [JOINT PRESS CORPS]", "... [YONHAP]": capitals only, so "[sic]" or "[1]" never count
    re.compile(r"\s*\[(?P<credit>[A-Z][A-Z0-9 .,&'’/-]{1,59}|(?i:photo|사진|写真)[^\]]{0,50})\]\s*$"),
    # "... / Provided by the presidential office", "... / Courtesy of X"
    re.compile(r"\s*[/|]\s*(?:provided\s+by|courtesy\s+of|photo\s+by|photo\s+courtesy\s+of|photographed\s+by|"
               r"image\s+by|source:)\s*(?P<credit>.{2,80}?)\s*$", re.I),
    # "(AP Photo/Ahn Young-joon)", "(Photo: Reuters)", "(Yonhap)", "(사진=연합뉴스)"
    re.compile(r"\s*[(（]\s*(?P<credit>(?:[^()（）]{0,40}\b(?:photo|foto|image|bild|picture|credit)s?\b[^()（）]{0,60})|"
               r"(?:사진|写真|图片|自料|자료)\s*[=:：][^()（）]{1,40}|(?:" + _WIRE_RE + r")(?:\s*/\s*[^()]{1,40})?)\s*[)）]\s*$", re.I),
    # "Photo by X", "Foto: X", "Credit: X", "사진=X", "© X" at the end
    re.compile(r"(?:^|[.\s])\s*(?P<credit>(?:photo(?:graph)?s?|foto|bild|image|picture|credit|crédit(?:\s+photo)?)\s*(?:by|:|©)\s*.{2,60}|"
               r"(?:사진|写真|图片)\s*[=:：]\s*.{1,40}|[©ⓒ]\s*.{2,60})\s*$", re.I),
]
STRONG_CREDIT = _CREDIT_PATTERNS


def split_credit(caption: str) -> tuple[str, str | None]:
    """Split a photo caption into (caption, credit); credit is None when there is none.

    "Leaders meet. [JOINT PRESS CORPS]" -> ("Leaders meet.", "JOINT PRESS CORPS");
    "A call. / Provided by the presidential office" -> ("A call.", "the presidential office").
    """
    cap = caption.strip()
    for pat in _CREDIT_PATTERNS:
        m = pat.search(cap)
        if m and m.start() > 0:
            credit = m.group("credit").strip()
            credit = re.sub(r"^(?:photo(?:graph)?s?|foto|bild|image|picture|credit|crédit(?:\s+photo)?)\s*(?:by|:|©)\s*", "", credit, flags=re.I)
            credit = re.sub(r"^(?:사진|写真|图片)\s*[=:：]\s*", "", credit).strip(" ©ⓒ")
            if PROTECTED_EMAIL.search(credit) or not credit:
                continue
            return cap[: m.start()].strip(), credit
    return cap, None
