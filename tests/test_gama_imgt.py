"""The IMGT CDR3 numbering rule (seqattr.generative.imgt) against IMGT's chart.

The expected rows are the CDR3-IMGT chart of Lefranc et al. 2003 (IMGT Scientific chart,
"IMGT unique numbering for the CDR3"), transcribed for the lengths below; the property
test covers every length 5-37 (the BEAM repertoire's range)."""

import pytest

from seqattr.generative.imgt import imgt_positions, position_order, sort_positions

CHART = {
    5: "105 106 107 116 117",
    6: "105 106 107 115 116 117",
    7: "105 106 107 108 115 116 117",
    8: "105 106 107 108 114 115 116 117",
    9: "105 106 107 108 109 114 115 116 117",
    10: "105 106 107 108 109 113 114 115 116 117",
    11: "105 106 107 108 109 110 113 114 115 116 117",
    12: "105 106 107 108 109 110 112 113 114 115 116 117",
    13: "105 106 107 108 109 110 111 112 113 114 115 116 117",
    14: "105 106 107 108 109 110 111 112.1 112 113 114 115 116 117",
    15: "105 106 107 108 109 110 111 111.1 112.1 112 113 114 115 116 117",
    16: "105 106 107 108 109 110 111 111.1 112.2 112.1 112 113 114 115 116 117",
    17: "105 106 107 108 109 110 111 111.1 111.2 112.2 112.1 112 113 114 115 116 117",
}


@pytest.mark.parametrize("length", sorted(CHART))
def test_imgt_chart_rows(length):
    assert " ".join(imgt_positions(length)) == CHART[length]


def test_every_length_5_to_37_is_numbered_in_sequence_order():
    for length in range(5, 38):
        positions = imgt_positions(length)
        assert len(positions) == length == len(set(positions))
        assert positions[0] == "105" and positions[-1] == "117"
        assert list(positions) == sort_positions(positions)  # the numbering reads in sequence order
        extra = max(length - 13, 0)
        assert sum(p.startswith("111.") for p in positions) == extra // 2
        assert sum(p.startswith("112.") for p in positions) == (extra + 1) // 2
    longest = imgt_positions(37)
    assert longest[6:8] == ("111", "111.1") and longest[18:20] == ("111.12", "112.12") and longest[-6] == "112"


def test_shorter_cdr3s_lose_the_top_of_the_loop_first():
    assert set(imgt_positions(13)) - set(imgt_positions(12)) == {"111"}
    assert set(imgt_positions(12)) - set(imgt_positions(11)) == {"112"}
    assert set(imgt_positions(11)) - set(imgt_positions(10)) == {"110"}
    with pytest.raises(ValueError, match="2 residues or more"):
        imgt_positions(1)


def test_position_order_across_lengths():
    assert sort_positions(["112", "111.1", "112.1", "111", "112.2", "113"]) == ["111", "111.1", "112.2", "112.1",
                                                                               "112", "113"]
    assert position_order("111.10") > position_order("111.9")
