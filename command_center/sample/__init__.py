"""Deterministic, scalable sample exports for the datasets of ``schema.DATASETS`` (``generate``).

The files imitate what the source systems export (DESIGN.md "Data flow"): canonical Chinese
headers, the dataset's encoding and format from ``schema``, community names rather than
codes, and coordinates in each source's own system, declared in ``_source.toml``:
incidents GCJ-02 (the 110 system uses 高德), disputes BD-09, everything else WGS-84.

Same (seed, end, incidents_per_year) → the same CSV bytes and XLSX cells. Calibration
figures are in each module's docstring (from DOMAIN.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from command_center import config
from command_center.schema import DATASETS

COORDINATE_SYSTEMS = {"incidents": "gcj02", "disputes": "bd09"}  # others: wgs84

__all__ = ["COORDINATE_SYSTEMS", "generate"]


def _write(name: str, tables, out_dir: Path, end: dt.date) -> Path:
    from command_center.sample import writers

    dataset = DATASETS[name]
    directory = Path(out_dir) / name
    directory.mkdir(parents=True, exist_ok=True)
    crs = COORDINATE_SYSTEMS.get(name, "wgs84")
    path = directory / dataset.sample_file
    if path.suffix.lower() == ".xlsx":
        import pyarrow as pa

        table = tables if isinstance(tables, pa.Table) else pa.concat_tables(list(tables))
        stamp = dt.datetime.combine(end, dt.time(0, 0))
        writers.write_xlsx(dataset, table, path, crs, stamp)
    else:
        if not isinstance(tables, (list, tuple)) and hasattr(tables, "num_rows"):
            tables = [tables]
        writers.write_csv(dataset, tables, path, crs)
    writers.write_source_toml(directory, crs)
    return path


def generate(out_dir: Path, incidents_per_year: int = 80_000, end: dt.date | None = None,
             seed: int = 20260101) -> dict[str, list[Path]]:
    """Write the sample exports into ``out_dir/<dataset>/<sample_file>``.

    ``end`` (default: today in the county's time zone) is the last day of incidents and
    disputes, which cover 1 January two years before it up to it. Returns the written
    export files per dataset.
    """
    from command_center.sample import (
        communities,
        disputes,
        evacuations,
        incidents,
        orgs,
        patrols,
        shelters,
        tracks,
        typhoons,
    )
    from command_center.sample.geo import Communities

    if end is None:
        end = dt.datetime.now(config.tz()).date()
    if incidents_per_year < 0:
        raise ValueError("incidents_per_year must not be negative")
    geo = Communities.load()
    out_dir = Path(out_dir)
    written: dict[str, list[Path]] = {}

    written["communities"] = [_write("communities", communities.generate(geo), out_dir, end)]
    org_data = orgs.generate(geo, end, seed)
    written["social_orgs"] = [_write("social_orgs", org_data.table, out_dir, end)]
    written["typhoons"] = [_write("typhoons", typhoons.table(end), out_dir, end)]
    shelter_table = shelters.generate(geo, seed)
    written["shelters"] = [_write("shelters", shelter_table, out_dir, end)]
    hot = incidents.hotness(geo, seed)
    written["incidents"] = [_write(
        "incidents", incidents.generate(geo, end, seed, incidents_per_year, hot), out_dir, end)]
    written["disputes"] = [_write("disputes", disputes.generate(geo, org_data, end, seed, hot),
                                  out_dir, end)]
    written["evacuations"] = [_write("evacuations",
                                     evacuations.generate(geo, shelter_table, end, seed),
                                     out_dir, end)]
    teams = patrols.teams(geo, end, seed)
    written["patrol_teams"] = [_write("patrol_teams", teams.table, out_dir, end)]
    written["patrols"] = [_write("patrols", patrols.patrols(geo, teams, end, seed,
                                                            incidents_per_year), out_dir, end)]
    written["typhoon_tracks"] = [_write("typhoon_tracks", tracks.table(end), out_dir, end)]
    return written
