"""The gama_grid section's checks beyond the schema's, called by the workflow's checker
(`seqattr.config`): `check_names` before the schema (a retired key or name, or a scoring
outside the grammar, gets a line naming what it is now), `check_config` after it (the
schema's defaults filled in). Torch-free: the Snakefile runs them while parsing."""

from __future__ import annotations

from seqattr.errors import ConfigError
from seqattr.gama.checks import check_listed_scorings, check_renamed_modes, parse_scorings
from seqattr.gama_validation.dependency_sets import check_parity_at, place_pairs
from seqattr.generative.paper_protocol import paper_patterns

# Keys of gama_grid retired for what they are, and their names now.
RENAMED_KEYS = {"baselines": "ig_starts"}


def check_names(config: dict) -> None:
    """Before the schema: retired keys and names, and the scoring grammar, of gama_grid."""
    grid = config.get("gama_grid")
    if not isinstance(grid, dict):
        return
    for old, new in RENAMED_KEYS.items():
        if old in grid:
            raise ConfigError(f"gama_grid.{old}: now named gama_grid.{new} (where the IG path starts: zero, "
                              f"mean_residue)")
    check_renamed_modes("gama_grid", grid)
    parse_scorings("gama_grid", grid)


def check_config(config: dict) -> None:
    """The grid's cross-key checks: its design's keys, the signal-to-noise grid, the
    listed scorings."""
    grid = config.get("gama_grid")
    if not grid:
        return
    if grid.get("design", "logic") == "dependency":
        check_dependency_grid(grid)
    else:
        for key in ("logics", "position_sets"):
            if not grid.get(key):
                raise ConfigError(f"gama_grid.{key}: design logic (the paper's grid) needs it")
        check_logic_grid(grid)
    for value in grid["signal_to_noise"]:
        if abs(value * 10 - round(value * 10)) > 1e-9:
            raise ConfigError(f"gama_grid.signal_to_noise: {value} is not on the 0.1 grid (0.1, 0.2, ..., 1.0)")
    check_listed_scorings("gama_grid", grid)


def check_dependency_grid(grid: dict) -> None:
    """The dependency benchmark's sets must fit their length (one line naming the key)."""
    if not grid.get("kinds"):
        raise ConfigError("gama_grid.kinds: design dependency needs the set kinds (pairs, parity, decoy, null)")
    for key in ("logics", "position_sets"):
        if key in grid:
            raise ConfigError(f"gama_grid.{key}: belongs to design logic (the paper's grid), not dependency")
    if grid.get("protocol", "clean") != "clean":
        raise ConfigError("gama_grid.protocol: the paper's generator belongs to design logic, not dependency")
    length = grid.get("length", 16)
    if "pairs" in grid["kinds"] or "decoy" in grid["kinds"]:
        try:
            place_pairs(grid.get("distances", [1, 2, 4, 8]), length)
        except ValueError as error:
            raise ConfigError(f"gama_grid.distances: {error}") from None
    if grid.get("parity_positions"):
        try:
            check_parity_at(grid["parity_positions"], length)
        except ValueError as error:
            raise ConfigError(f"gama_grid.parity_positions: {error}") from None


def check_logic_grid(grid: dict) -> None:
    """The paper's grid: positions within the length; the paper's generator has patterns
    for every logic and motif size asked for."""
    for positions in grid["position_sets"]:
        if max(positions) > grid["length"]:
            raise ConfigError(f"gama_grid.position_sets: {positions} has a position beyond length "
                              f"{grid['length']} (positions are 1-based, 1..{grid['length']})")
    if grid.get("protocol") == "paper":
        for logic in grid["logics"]:
            for positions in grid["position_sets"]:
                try:
                    paper_patterns(logic, len(positions))
                except ValueError as error:
                    raise ConfigError(f"gama_grid.protocol: paper, but for {logic} at {positions}: {error}") from None
