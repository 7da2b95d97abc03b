"""The Datasette plugin of ``portal-archive serve``: accent-insensitive search and a year facet.

``articles_fts`` indexes ``vn_fold`` of the text (migration 0002), so a query must be folded the
same way and, since Datasette passes a canned query's parameters straight to SQL, made safe
for FTS5's MATCH. Two SQL functions on every Datasette connection do both:

* ``vn_fold(text)``: the archive's own fold (accents, case, đ → d), as ``archive.db`` registers it;
* ``vn_match_query(text)``: the project's query builder (words, "phrases", prefix*, -word, OR);
  for input with nothing to search for, a query matching nothing instead of an FTS5 error.

The year facet counts articles per year of a date column (``date_published_utc`` holds the UTC
instant, the same instant ``stats`` and ``--since``/``--until`` use) and filters with
``column__startswith=YEAR``. Imported only by ``archive.serve``, when Datasette is installed.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from .query import build_query
from .text_fold import sql_fold

# An empty phrase is valid FTS5 and matches no row: the answer to a query with no words in it.
MATCH_NOTHING = '""'


def vn_match_query(text: object) -> str:
    """An FTS5 expression that is always valid: ``build_query(text)`` or ``MATCH_NOTHING``."""
    query = build_query(text) if isinstance(text, str) else None
    return query or MATCH_NOTHING


@hookimpl
def prepare_connection(conn) -> None:
    conn.create_function("vn_fold", 1, sql_fold, deterministic=True)
    conn.create_function("vn_match_query", 1, vn_match_query, deterministic=True)


@hookimpl
def register_facet_classes():
    return [YearFacet]


class YearFacet(Facet):
    """``"facets": [{"year": "date_published_utc"}]`` in metadata, or ``?_facet_year=COLUMN``."""

    type = "year"

    async def facet_results(self):
        results, timed_out = [], []
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            try:
                results.append(await self._one(column, hideable=config["source"] != "metadata"))
            except QueryInterrupted:
                timed_out.append(column)
        return results, timed_out

    async def _one(self, column: str, hideable: bool) -> dict:
        size = self.get_facet_size()
        year = f"strftime('%Y', {escape_sqlite(column)})"
        sql = (f"select {year} as value, count(*) as count from ({self.sql}) where {year} is not null "
               f"group by value order by value desc limit {size + 1}")
        rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                     custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        return {"name": column, "type": self.type, "hideable": hideable, "truncated": len(rows) > size,
                "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
                "results": [self._value(column, row["value"], row["count"]) for row in rows.rows[:size]]}

    def _value(self, column: str, value: str, count: int) -> dict:
        arg = f"{column}__startswith"
        selected = self.request.args.get(arg) == value
        toggle = (path_with_removed_args if selected else path_with_added_args)(self.request, {arg: value})
        return {"value": value, "label": value, "count": count, "selected": selected,
                "toggle_url": self.ds.absolute_url(self.request, toggle)}
