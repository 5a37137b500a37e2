"""What every message gets from the translation layer in English: a noun counted by exactly 1 is singular."""

import pytest

from lab_utils.i18n import tr


@pytest.mark.parametrize("count,shown", [(1, "makes 1 update;"), (2, "makes 2 updates;"), (21, "makes 21 updates;"),
                                         (0.1, "makes 0.1 updates;"), (11, "makes 11 updates;")])
def test_one_update_is_singular_and_every_other_count_plural(count, shown):
    text = tr("the loop makes {count} updates; the exercise asks for {epochs} epochs (for epoch in "
              "range(slide_epochs)), one update each", count=count, epochs=1)
    assert shown in text and "asks for 1 epoch (for epoch" in text
