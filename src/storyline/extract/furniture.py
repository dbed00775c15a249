"""Page furniture in scraped text: what it looks like, in any language, and why it goes.

A scraped page keeps the words of every widget around the article: comment and login prompts,
share and print buttons, "most read" and "related" lists, breadcrumbs, character counters, icon
labels. Boilerplate removers (trafilatura, jusText, boilerpy3) decide from the HTML tree (link
density, tag names, classes); once the page is flattened to text that evidence is gone. What is
left, and what this module uses, is:

1. **Shape**: furniture lines are short and are not sentences (no sentence-final punctuation),
   and they cluster at the edges of the page, before the first and after the last paragraph
   of prose. Runs of such lines are menus or link lists.
2. **Structure**: breadcrumbs (``Home > Opinion > Editorials``), counters (``(0/250자)``),
   lines repeated elsewhere on the page.
3. **Words**: small multilingual vocabularies of widget labels (share, print, log in, most read,
   related...). These are the labels CMS templates print; the lists say which languages they
   cover, and each rule needs shape as well as words, so a sentence that merely mentions
   "comment" or "print" is never removed.

Each function takes one line (and where it sits) and returns a reason, or None to keep it.
"""

from __future__ import annotations

import re

# Sentence-final punctuation in the scripts the dev data covers (Latin, Hangul, CJK), allowing
# closing quotes/brackets after it. Korean sentences end in "다." which the '.' already covers.
_SENTENCE_END = re.compile(r"[.!?…。！？‼⁇][\"'”’»)\]」』）]*\s*$")
_SENTENCE_PUNCT = re.compile(r"[.!?。！？](?:\s|$|[\"'”’»)])")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def word_count(line: str) -> int:
    """Words in a line; each CJK character counts as half a word (a rough reading-length match)."""
    cjk = len(_CJK.findall(line))
    latin = len(_WORD.findall(_CJK.sub(" ", line)))
    return latin + (cjk + 1) // 2


def is_sentence(line: str) -> bool:
    """True when the line ends like a sentence (".", "?", "。", "다.", closing quotes allowed)."""
    return bool(_SENTENCE_END.search(line))


# Thresholds: a real paragraph of prose has at least ~8 words (or ~16 CJK characters) and
# sentence punctuation. Checked on public pages rendered to text, not on any one site: on the
# 181 article-extraction-benchmark pages (bench/bench_scraped.py) body F1 is 0.8955 / 0.8954 /
# 0.8954 with a minimum of 6 / 8 / 10 words, so the exact figure is not critical.
PROSE_MIN_WORDS = 8
SHORT_MAX_WORDS = 12


def is_prose(line: str) -> bool:
    """A paragraph of running text: long enough and punctuated like sentences."""
    n = word_count(line)
    if n < PROSE_MIN_WORDS:
        return False
    return is_sentence(line) or len(_SENTENCE_PUNCT.findall(line)) >= 2


def is_short_label(line: str) -> bool:
    """A short line that is not a sentence: a heading, menu entry, button or label."""
    return word_count(line) <= SHORT_MAX_WORDS and not is_sentence(line)


# ------------------------------------------------------------ vocabularies ---

# Labels of sharing, printing and reading-tool buttons. Languages: en, de, fr, es, it, pt, nl,
# ko, ja, zh (those of news-metadata-dev and the seed region).
_UI_WORDS = {
    "share", "shares", "sharing", "tweet", "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram",
    "reddit", "pinterest", "email", "e-mail", "mail", "print", "printer", "dictionary", "copy", "link",
    "url", "copied", "show", "extra", "options", "kakao", "kakaotalk", "band", "line", "naver", "font", "size", "text", "a", "a+", "a-", "+", "-",
    "listen", "audio", "bookmark", "save", "saved", "scrap", "subscribe", "follow", "us", "on", "comments",
    "comment", "more", "menu", "search", "close", "open", "toggle", "navigation", "home", "top", "back",
    "to", "next", "previous", "prev", "page", "of", "the", "this", "article", "story", "view", "zoom",
    "enlarge", "gallery", "photo", "photos", "video", "videos", "icon", "image", "button", "help", "lock",
    "logo", "flipboard", "messenger", "sms", "rss", "feed", "newsletter", "app", "download",
    "teilen", "drucken", "merken", "schriftgröße", "vorlesen", "partager", "imprimer", "envoyer",
    "compartir", "imprimir", "enviar", "condividi", "stampa", "invia", "partilhar", "delen", "printen",
    "공유", "공유하기", "인쇄", "프린트", "카카오톡", "카카오스토리", "페이스북", "트위터", "글자크기", "사전",
    "스크랩", "북마크", "듣기", "기사듣기", "링크복사", "url복사", "닫기", "메뉴", "검색", "댓글",
    "シェア", "ツイート", "印刷", "保存", "ブックマーク", "分享", "打印", "收藏", "微信", "微博", "字号",
}
_ADS = re.compile(
    r"^(?:advertisement|advertising|ad|ads|sponsored(?:\s+content)?|promoted|anzeige|werbung|publicité|publicidad|"
    r"pubblicità|publicidade|advertentie|광고|広告|广告|スポンサーリンク)$",
    re.I,
)
# Prompts to log in, sign up or comment. Words only count on a short line (see login_prompt).
_LOGIN = re.compile(
    r"\blog\s*-?\s*in\b|\blogin\b|\bsign\s*-?\s*(?:in|up)\b|\bregister\b|\bsubscribe\b|\bsubscription\b|"
    r"\bcomments?\b|\bcommenting\b|\breply\b|\bcreate\s+an?\s+account\b|\bmembers?\s+only\b|"
    r"anmelden|einloggen|registrieren|kommentar|kommentieren|abonnieren|se\s+connecter|connexion|"
    r"s['’]inscrire|commentaires?|abonnez|iniciar\s+sesión|inicia\s+sesión|regístrate|comentarios?|"
    r"suscríbete|accedi|registrati|commenti|commento|abbonati|entrar|inscreva|"
    r"로그인|회원가입|댓글|구독|ログイン|会員登録|コメント|登录|注册|评论|登入",
    re.I,
)
_PROMPT_START = re.compile(
    r"^(?:to\s+\w+|please|log|sign|leave|write|post|add|join|register|subscribe|click|tap|be\s+the\s+first|"
    r"you\s+(?:must|need)|share\s+your|comments?\b|show\s+comments|view\s+comments|"
    r"bitte|melden|schreiben|veuillez|connectez|laissez|inicia|deja|escribe|accedi|lascia|"
    r"로그인|댓글|ログイン|コメント|登录|评论)",
    re.I,
)
# Headings of "most read", "related" and "more from" lists.
_LIST_HEADING = re.compile(
    r"\b(?:most\s+(?:read|viewed|popular|shared|commented|emailed)|popular(?:\s+(?:now|stories|articles))?|"
    r"trending(?:\s+now)?|top\s+(?:stories|news|articles)|weekly\s+hot|hot\s+(?:news|issues?|topics?)|"
    r"related(?:\s+(?:articles?|stories|news|content|coverage|posts?|topics?))?|see\s+also|read\s+(?:more|also|next)|"
    r"more\s+(?:from|on|in|stories|news)|recommended(?:\s+for\s+you)?|you\s+may\s+(?:also\s+)?like|"
    r"editor['’]s\s+picks?|latest\s+(?:news|stories)|"
    r"meistgelesen|meist\s+gelesen|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren|lesen\s+sie\s+auch|"
    r"les\s+plus\s+lus|à\s+lire\s+aussi|lire\s+aussi|sur\s+le\s+même\s+sujet|más\s+leídas|más\s+leído|"
    r"te\s+puede\s+interesar|leer\s+más|lo\s+más\s+visto|più\s+letti|leggi\s+anche|mais\s+lidas|leia\s+também)\b|"
    r"많이\s*본|인기\s*기사|관련\s*기사|추천\s*기사|주요\s*뉴스|최신\s*기사|많이\s*읽은|"
    r"ランキング|よく読まれ|関連記事|おすすめ|人気記事|热门|相关(?:文章|新闻|阅读)|推荐阅读|阅读排行",
    re.I,
)
_COUNTER = re.compile(
    r"[(\[]\s*\d+\s*/\s*\d+\s*(?:자|字|文字|characters?|chars?|zeichen|caractères|caracteres)?\s*[)\]]|"
    r"\b\d+\s*/\s*\d+\s*(?:자|字|文字|characters?|chars?|zeichen|caractères|caracteres)\b|"
    r"\b\d+\s+(?:characters?|zeichen|caractères|caracteres)\s+(?:left|remaining|übrig|restants?|restantes)\b",
    re.I,
)
# Debris of icons and image placeholders ("help-image", "lock icon", "arrow_forward").
_DEBRIS = re.compile(
    r"[\w-]*(?:icon|image|img|logo|button|btn|arrow|chevron|caret|thumb|avatar|spinner|loading)[\w-]*|"
    r"[\w-]*_[\w_-]+",
    re.I,
)
# Accessibility skip links ("Skip to content", "Zum Inhalt springen").
_SKIP_LINK = re.compile(
    r"^(?:skip|jump|go)\s+to\s+(?:main\s+)?(?:content|navigation|menu|search|footer|article)|"
    r"^zu[mr]?\s+(?:\w+\s+){0,2}springen$|^(?:aller|passer)\s+au\s+contenu|^(?:ir|saltar)\s+al\s+contenido|"
    r"^(?:passa|vai)\s+al\s+contenuto|본문\s*바로\s*가기|本文へ(?:移動|スキップ)",
    re.I,
)
_BREADCRUMB_SEP = re.compile(r"\s+(?:>|›|»|→|/|\||::)\s+")
_COPYRIGHT = re.compile(r"^(?:©|ⓒ|\(c\)|copyright\b)|\ball\s+rights\s+reserved\b|무단\s*전재|転載|版权所有", re.I)


# ---------------------------------------------------------------- rules ---


def breadcrumb(line: str) -> list[str] | None:
    """The trail of a breadcrumb line ("Home > Opinion > Editorials"), or None."""
    parts = [p.strip() for p in _BREADCRUMB_SEP.split(line.strip())]
    if len(parts) < 2 or len(parts) > 8:
        return None
    if all(p and word_count(p) <= 4 and not is_sentence(p) and not re.search(r"\d{3,}", p) for p in parts):
        return parts
    return None


def ui_buttons(line: str) -> bool:
    """A line made of share/print/dictionary/font buttons ("print dictionary print", "Share Tweet")."""
    # labels run together where a page's text was saved without the space between two
    # buttons ("Copy Link URLCopied!"): split at a lower-to-upper-case seam and at "!"
    line = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|!", " ", line)
    tokens = re.findall(r"[^\s|/·•,]+", line.casefold())
    if not tokens or len(tokens) > 10:
        return False
    hits = sum(t.strip("()[]:") in _UI_WORDS for t in tokens)
    return hits == len(tokens) and any(
        t.strip("()[]:") not in {"a", "the", "of", "to", "on", "us", "this", "-", "+", "more", "x", "line", "text"}
        for t in tokens
    )


def login_prompt(line: str, at_edge: bool) -> bool:
    """A prompt to log in, register or comment.

    Needs a login/comment word *and* the shape of a prompt: short, and either at the page's edge
    or worded as an instruction ("To write comments, please log in", "Leave a comment").
    "He declined to comment." in the body is neither, so it stays.
    """
    if word_count(line) > 25 or not _LOGIN.search(line):
        return False
    if _PROMPT_START.search(line.strip()) or re.search(r"\bplease\b|\bbitte\b|\bveuillez\b|해\s*주세요|してください|请", line, re.I):
        return True
    return at_edge and not is_prose(line)


def list_heading(line: str) -> bool:
    """A heading of a "most read"/"related articles" list (short, no sentence)."""
    return word_count(line) <= 8 and not is_sentence(line) and bool(_LIST_HEADING.search(line))


def counter(line: str) -> bool:
    """A comment box's character counter ("(0/250자)", "0/500 characters")."""
    return bool(_COUNTER.search(line)) and word_count(line) <= 12


def debris(line: str) -> bool:
    """Leftovers of icons and widgets: a lone character, punctuation, "lock icon", "help-image ..."."""
    t = line.strip()
    if not t:
        return False
    if not any(ch.isalnum() for ch in t):
        return True
    if len(t) <= 2 and not _CJK.search(t):
        return True
    return word_count(t) <= 4 and any(_DEBRIS.fullmatch(w) for w in t.split())


def advert(line: str) -> bool:
    """An advertisement label ("Advertisement", "Anzeige", "광고")."""
    return bool(_ADS.match(line.strip(" -–—*•·:|[]()")))


def copyright_line(line: str) -> bool:
    """A copyright or reuse notice ("© 2025 X. All rights reserved.", "무단 전재 및 재배포 금지")."""
    return word_count(line) <= 30 and bool(_COPYRIGHT.search(line.strip()))


def strong_reason(line: str, at_edge: bool) -> str | None:
    """The reason a line is furniture wherever it stands on the page, or None.

    These rules hold inside the article too; the weaker "short line at the page edge" rule is
    applied by the caller only outside the run of prose.
    """
    if counter(line):
        return "character counter"
    if advert(line):
        return "advertisement label"
    if breadcrumb(line) and at_edge:
        return "breadcrumb"
    if word_count(line) <= 8 and _SKIP_LINK.search(line.strip()):
        return "skip link"
    if debris(line):
        return "widget debris"
    if ui_buttons(line):
        return "share, print or dictionary buttons"
    if login_prompt(line, at_edge):
        return "comment or login prompt"
    if list_heading(line):
        return "most-read or related-articles list"
    if at_edge and copyright_line(line):
        return "copyright notice"
    return None


def link_list_spans(labels: list[bool], min_run: int = 3) -> list[tuple[int, int]]:
    """Runs of at least ``min_run`` consecutive short non-sentence lines: menus and link lists.

    ``labels[i]`` says whether line i is such a line; returns ``(start, end)`` index ranges.
    Three comes from the pages: a subheading is one line, a heading with a one-line standfirst
    two; lists of related headlines and menus run to three and more.
    """
    spans = []
    i = 0
    while i < len(labels):
        if labels[i]:
            j = i
            while j < len(labels) and labels[j]:
                j += 1
            if j - i >= min_run:
                spans.append((i, j))
            i = j
        else:
            i += 1
    return spans
