from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord_io.split import split_text


def squash(text: str) -> str:
    return "".join(text.split())


def test_short_text_is_one_chunk() -> None:
    assert split_text("hello", 2000) == ["hello"]


def test_prefers_paragraph_then_sentence_boundaries() -> None:
    para = "One sentence here. Another sentence there. " * 10
    text = "\n\n".join([para.strip()] * 5)
    chunks = split_text(text, 1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert all(c.endswith(".") for c in chunks)
    assert squash("".join(chunks)) == squash(text)


def test_long_code_block_is_closed_and_reopened_with_its_language() -> None:
    code = "```python\n" + "\n".join(f"x_{i} = {i}" for i in range(300)) + "\n```"
    chunks = split_text("Intro.\n\n" + code + "\n\nOutro.", 500)
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk) <= 500
        assert chunk.count("```") % 2 == 0, chunk
    assert all(c.startswith("```python") for c in chunks[2:-1])
    body = "".join(chunks).replace("```python\n", "").replace("```", "")
    assert all(f"x_{i} = {i}" in body for i in range(300))


def test_split_avoids_cutting_a_short_code_block() -> None:
    text = "A" * 300 + ". " + "```\n" + "code line\n" * 20 + "```\n" + "B" * 100
    chunks = split_text(text, 400)
    assert chunks[0].endswith("A.")  # cut before the block, not inside it
    assert chunks[1].startswith("```") and chunks[1].count("```") == 2


def test_text_without_any_spaces_is_hard_split() -> None:
    chunks = split_text("z" * 4500, 2000)
    assert [len(c) for c in chunks] == [2000, 2000, 500]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
            st.just("\n\n"),
            st.just("```py\n"),
            st.just("```"),
            st.just(". "),
        ),
        max_size=40,
    ),
    st.integers(min_value=80, max_value=2000),
)
def test_chunks_fit_and_keep_every_visible_character(parts: list[str], limit: int) -> None:
    text = "".join(parts)
    chunks = split_text(text, limit)
    assert all(len(c) <= limit for c in chunks)
    joined = "".join(chunks)
    # Fences may be added (closing and reopening a block); nothing else is added or lost.
    assert squash(joined.replace("`", "")).replace("py", "") == squash(
        text.replace("`", "")
    ).replace("py", "")
