"""Metric cards of the overview: the headline figures of each region and period, in words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from charts.changes import change_tone
from charts.provenance import in_language, text_column
from i18n import format_change, format_number, format_period, t
from i18n.upload import format_beijing_time
from loaders.catalog import Catalog

# The figures an official asks for first; any other stated figure follows in document order.
HEADLINE_METRICS = (
    "fraud_cases",
    "cases_filed",
    "fraud_losses",
    "losses_recovered",
    "two_card_suspects",
    "suspects_struck",
    "gangs_dismantled",
    "dens_destroyed",
    "cases_solved",
    "funds_frozen",
    "calls_intercepted",
    "phone_numbers_shut_down",
    "victims_prevented",
    "clearance_rate",
)
HEADLINE_COUNT = 9
# Uploaded figures never take an official card's place (issue 11.3): each region shows up to
# HEADLINE_COUNT official cards, then up to HEADLINE_COUNT uploaded ones, in groups of their own.
# However many figures an upload brings (100,000 distinct metrics), the page draws at most
# UPLOADED_CARD_LIMIT uploaded cards, and says how many more there are (issue 12.12); official
# cards are never cut (the curated tables hold fewer than a hundred figures).
UPLOADED_CARD_LIMIT = 60
# The overview's first view draws every region only when there are few; see default_regions.
DEFAULT_REGION_LIMIT = 12


@dataclass(frozen=True)
class Card:
    """One st.metric: every text already in the language; nothing here is Markdown yet."""

    figure_id: str
    region_code: str
    group: str
    label: str
    value: str
    delta: str | None
    delta_arrow: str  # "up" | "down" | "off"
    delta_color: str  # "green" | "red" | "gray"
    help: str
    mark: str = ""  # "上传数据" / "uploaded" on a figure from an analyst's upload (not a press conference)


TONE_TO_COLOR = {"good": "green", "bad": "red", "neutral": "gray"}


PERIOD_KEY = ["region_code", "period_start", "period_end"]


def region_rows(figures: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each region code's row positions, ascending: a page takes a few regions without a scan of every figure."""
    return figures.groupby("region_code", sort=False).indices


def rows_of_regions(figures: pd.DataFrame, positions: dict[str, np.ndarray], region_codes: list[str]) -> pd.DataFrame:
    """`figures[figures["region_code"].isin(region_codes)]`, from `region_rows(figures)`."""
    parts = [positions[c] for c in dict.fromkeys(region_codes) if c in positions]
    return figures.iloc[np.sort(np.concatenate(parts))] if parts else figures.iloc[0:0]


def region_choices(figures: pd.DataFrame, lang: str) -> dict[str, str]:
    """Every region code in order of first appearance, with its name in the language."""
    column = text_column("region", lang)
    regions = figures[["region_code", column]].drop_duplicates("region_code")
    return dict(zip(regions["region_code"], regions[column], strict=True))


def default_regions(figures: pd.DataFrame, limit: int = DEFAULT_REGION_LIMIT) -> list[str]:
    """The overview's first view: every region when there are at most `limit`, else the curated ones.

    Design choice: uploads can add hundreds of regions (a prefecture table: 334), and cards for all
    of them are neither readable nor fast. So beyond `limit` regions the first view keeps the regions
    of the curated (reviewed, non-uploaded) figures, in order of first appearance; the person adds
    uploaded regions in the multiselect. A store of uploads only starts with its first `limit` regions.
    """
    codes = list(figures["region_code"].unique())  # in order of first appearance
    if len(codes) <= limit:
        return codes
    curated = set(figures.loc[figures["upload_id"] == "", "region_code"].unique())
    return [c for c in codes if c in curated] or codes[:limit]


def _stated(figures: pd.DataFrame, region_codes: list[str] | None = None) -> np.ndarray:
    """Positions of stated whole-region figures (no derived, breakdown or before/after half), of some regions.

    Masks and positions only: the rows themselves are taken once, at the end, for the few shown.
    """
    mask = ~figures["derived"].astype(bool).to_numpy() & (figures["breakdown"] == "").to_numpy() & (figures["phase"] == "").to_numpy()
    if region_codes:
        mask &= figures["region_code"].isin(region_codes).to_numpy()
    return np.flatnonzero(mask)


def select_card_figures(figures: pd.DataFrame, region_codes: list[str] | None = None, show_all: bool = False) -> pd.DataFrame:
    """Stated, whole-region figures (levels and changes), headline ones first, each fact once.

    Per region: the official figures first (up to HEADLINE_COUNT unless `show_all`), then the
    uploaded ones (as many again), so an upload never pushes a press-conference figure off the page.
    """
    return _select_cards(figures, region_codes, show_all)[0]


def _select_cards(
    figures: pd.DataFrame, region_codes: list[str] | None, show_all: bool, uploaded_limit: int | None = None
) -> tuple[pd.DataFrame, int]:
    """The card rows in the order shown, and how many uploaded cards `uploaded_limit` left out."""
    pos = _stated(figures, region_codes)
    pos = pos[figures["measure"].iloc[pos].isin(["level", "change"]).to_numpy()]
    pos = pos[~figures["fact_id"].iloc[pos].duplicated().to_numpy()]  # each fact once: its first row
    rank = {m: i for i, m in enumerate(HEADLINE_METRICS)}
    ranks = figures["metric_id"].iloc[pos].map(rank).fillna(len(rank)).astype(int).to_numpy()
    measures = (figures["measure"].iloc[pos] != "change").astype(int).to_numpy()  # changes first
    uploaded = (figures["upload_id"].iloc[pos] != "").to_numpy().astype(int)  # official before uploaded
    order = np.arange(len(pos))
    keys = figures[PERIOD_KEY].iloc[pos]
    regions = pd.factorize(keys["region_code"])[0]  # regions in order of first appearance
    periods = keys.groupby(PERIOD_KEY, sort=False).ngroup().to_numpy()  # (region, dates) likewise
    ranked = np.lexsort((order, measures, ranks))  # headline rank, changes first, document order
    if not show_all:
        slot = regions[ranked] * 2 + uploaded[ranked]  # HEADLINE_COUNT official and as many uploaded per region
        ranked = ranked[pd.Series(slot).groupby(slot, sort=False).cumcount().to_numpy() < HEADLINE_COUNT]
    shown = ranked[
        np.lexsort((order[ranked], measures[ranked], ranks[ranked], periods[ranked], uploaded[ranked], regions[ranked]))
    ]
    left_out = 0
    if uploaded_limit is not None:
        is_uploaded = uploaded[shown].astype(bool)
        keep = ~is_uploaded | (np.cumsum(is_uploaded) <= uploaded_limit)
        left_out = int((~keep).sum())
        shown = shown[keep]
    return figures.iloc[pos[shown]], left_out


def _period_headings(figures: pd.DataFrame, lang: str, region_codes: list[str] | None = None) -> dict[tuple[str, str, str], str]:
    """One heading per region and dates, worded with the period text of its first stated level.

    Only the regions asked for are worded (every region when none is named): a page words the
    headings of the cards it shows, not of every uploaded figure.
    """
    pos = _stated(figures, region_codes)
    changes = (figures["measure"].iloc[pos] == "change").to_numpy()
    pos = pos[np.argsort(changes, kind="stable")]  # levels (and shares) before changes, each in order
    region_column = text_column("region", lang)
    rows = figures[[*PERIOD_KEY, "period_text", region_column]].iloc[pos].drop_duplicates(PERIOD_KEY)
    headings: dict[tuple[str, str, str], str] = {}
    for row in rows.itertuples(index=False):
        period = format_period(row.period_start, row.period_end, row.period_text, lang)
        heading = t("overview.period_heading", lang, region=getattr(row, region_column), period=period)
        headings[(row.region_code, row.period_start, row.period_end)] = heading
    return headings


def build_cards(
    figures: pd.DataFrame,
    lang: str,
    catalog: Catalog,
    region_codes: list[str] | None = None,
    show_all: bool = False,
    uploads: pd.DataFrame | None = None,
) -> list[Card]:
    """Cards for the selected regions, grouped by region and period (the `group` heading)."""
    return build_card_view(figures, lang, catalog, region_codes, show_all, uploads, uploaded_limit=None)[0]


def describe_upload(upload_id: str, uploads: pd.DataFrame | None, lang: str) -> str:
    """"上传数据：文件 x.csv，上传人 甲，2026-11-23 17:05（北京时间），上传编号 u…" for an uploaded figure."""
    if uploads is not None and len(uploads) and upload_id in set(uploads["upload_id"]):
        upload = uploads.set_index("upload_id").loc[upload_id]
        return t(
            "overview.uploaded_by",
            lang,
            file=upload["file_name"],
            who=upload["uploader"],
            when=format_beijing_time(upload["uploaded_at"]),
            upload=upload_id,
        )
    return t("overview.uploaded_id", lang, upload=upload_id)


def build_card_view(
    figures: pd.DataFrame,
    lang: str,
    catalog: Catalog,
    region_codes: list[str] | None = None,
    show_all: bool = False,
    uploads: pd.DataFrame | None = None,
    uploaded_limit: int | None = UPLOADED_CARD_LIMIT,
) -> tuple[list[Card], int]:
    """The overview's cards (at most `uploaded_limit` uploaded ones) and how many uploaded cards were left out.

    `uploads` (upload_id, file_name, uploader, uploaded_at: the store's list of uploads) names who
    uploaded an uploaded card's figure, from which file and when; without it the upload id is named.
    """
    cards = []
    headings = _period_headings(figures, lang, region_codes)
    rows, left_out = _select_cards(figures, region_codes, show_all, uploaded_limit)
    described: dict[str, str] = {}
    for _, row in rows.iterrows():
        period = format_period(row["period_start"], row["period_end"], row["period_text"], lang)
        group = headings[(row["region_code"], row["period_start"], row["period_end"])]
        label = row[text_column("metric", lang)]
        help_text = t("overview.card_help", lang, evidence=row["evidence"], period=period, figure_id=row["figure_id"])
        mark = ""
        if row["upload_id"]:
            mark = t("overview.uploaded_mark", lang)
            group = t("overview.uploaded_group", lang, heading=group)
            if row["upload_id"] not in described:
                described[row["upload_id"]] = describe_upload(row["upload_id"], uploads, lang)
            help_text = described[row["upload_id"]] + "\n\n" + help_text
        if row["note"]:
            help_text += "\n\n" + t("overview.card_note", lang, note=in_language(row["note"], row.get("note_zh", ""), lang))
        if row["measure"] == "change":
            tone = change_tone(row["metric_id"], row["direction"], catalog)
            sign = "−" if row["direction"] == "decrease" else "+"
            cards.append(
                Card(
                    figure_id=row["figure_id"],
                    region_code=row["region_code"],
                    group=group,
                    label=label,
                    value=f"{sign}{format_number(row['value'], 'percent', row['qualifier'], lang)}",
                    delta=format_change(row["value"], row["direction"], row["basis"], lang),
                    delta_arrow="down" if row["direction"] == "decrease" else "up",
                    delta_color=TONE_TO_COLOR[tone],
                    help=help_text,
                    mark=mark,
                )
            )
        else:
            unit = row[text_column("unit", lang)]
            cards.append(
                Card(
                    figure_id=row["figure_id"],
                    region_code=row["region_code"],
                    group=group,
                    label=(f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})") if unit else label,
                    value=format_number(row["value"], None, row["qualifier"], lang),  # the unit is in the label
                    delta=None,
                    delta_arrow="off",
                    delta_color="gray",
                    help=help_text,
                    mark=mark,
                )
            )
    return cards, left_out


def build_source_sentences(figures: pd.DataFrame, catalog: Catalog, lang: str, uploads: pd.DataFrame | None = None) -> list[str]:
    """One sentence per source: who reported what, when (an upload by its file, uploader and time)."""
    sentences = []
    sep = t("list.separator", lang)
    columns = ["source_id", "upload_id", text_column("region", lang), text_column("agency", lang), "period_start", "period_end"]
    stated = figures[columns][~figures["derived"].astype(bool).to_numpy()]  # the columns read, then the rows
    for (source_id, upload_id), group in stated.groupby(["source_id", "upload_id"], sort=False):
        regions = sep.join(dict.fromkeys(group[text_column("region", lang)]))
        if source_id in catalog.sources.index and not upload_id:
            source = catalog.sources.loc[source_id]
            agencies = sep.join(dict.fromkeys(group[text_column("agency", lang)]))
            periods = sep.join(dict.fromkeys(format_period(r.period_start, r.period_end, "", lang) for r in group.itertuples()))
            sentences.append(
                t(
                    "overview.source_line",
                    lang,
                    producer=source["producer"],
                    citation=source["citation_zh" if lang == "zh" else "citation_en"],
                    date=source["date_published"],
                    title=source["title"],
                    region=regions,
                    count=len(group),
                    agencies=agencies,
                    periods=periods,
                )
            )
        elif upload_id:
            detail = describe_upload(upload_id, uploads, lang)
            sentences.append(t("overview.uploaded_line", lang, detail=detail, region=regions, count=len(group)))
        else:
            sentences.append(t("overview.upload_line", lang, upload=upload_id or "?", region=regions, count=len(group), source=source_id))
    return sentences
