"""The load's conversations (bench/conversations.py), built from small files made here."""

from __future__ import annotations

import random

from bench import conversations

DEVSET = "EMERGENCY\tshe is floppy and blue\nADVICE\tmy 2 year old has a temp of 38.2\nINFO\twhat is sepsis\n"
SCENARIOS = """
- name: a
  turns:
    - user: "hi"
      expect: OTHER
    - user: "my baby has a temperature"
      expect: ADVICE
    - user: "3 months"
      expect: ADVICE
    - user: "she has gone floppy and will not wake up properly now"
      expect: EMERGENCY
    - user: "ok thank you"
      expect: ADVICE
"""


def make_pools(tmp_path):
    (tmp_path / "devset.tsv").write_text(DEVSET)
    (tmp_path / "conversations.yml").write_text(SCENARIOS)
    return conversations.load_pools(tmp_path)


def test_pools_from_the_shared_files(tmp_path):
    pools = make_pools(tmp_path)
    assert pools.red_flags == ["she is floppy and blue"]
    assert pools.descriptions == ["my 2 year old has a temp of 38.2", "what is sepsis"]
    assert "hi" in pools.greetings
    assert pools.short_answers == ["my baby has a temperature", "3 months"]
    assert pools.closings == ["ok thank you"]


def test_conversations_are_about_ten_turns_and_repeatable(tmp_path):
    pools = make_pools(tmp_path)
    built = conversations.build_conversations(40, seed=3, pools=pools)
    assert built == conversations.build_conversations(40, seed=3, pools=pools)
    assert all(9 <= len(turns) <= 11 for turns in built)
    assert all(turns[0] in pools.greetings and turns[-1] in pools.closings for turns in built)
    with_red_flag = sum(any(t in pools.red_flags for t in turns) for turns in built)
    assert 0 < with_red_flag < 40


def test_long_conversation_has_exactly_the_turns_asked(tmp_path):
    pools = make_pools(tmp_path)
    assert len(conversations.build_long(200, pools=pools)) == 200
    assert len(conversations.build_conversation(random.Random(1), pools, turns=10)) == 10
