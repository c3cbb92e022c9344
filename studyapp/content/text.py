"""Bilingual learner-visible text: English and Korean, each falling back to the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "ko")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in English and Korean; either may be missing, never both."""

    en: str | None = None
    ko: str | None = None

    def __post_init__(self) -> None:
        if self.en is None and self.ko is None:
            raise ValueError("a Text needs at least one of en and ko")

    def get(self, lang: str) -> str:
        """The text in `lang`, or in the other language when that one is missing."""
        if lang == "ko":
            return self.ko if self.ko is not None else self.en  # type: ignore[return-value]
        if lang == "en":
            return self.en if self.en is not None else self.ko  # type: ignore[return-value]
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")

    def missing(self) -> tuple[str, ...]:
        """The languages this text lacks."""
        return tuple(lang for lang in LANGUAGES if getattr(self, lang) is None)

    @classmethod
    def plain(cls, text: str) -> Text:
        """The same string in both languages (labels such as "lr 0.1")."""
        return cls(en=text, ko=text)

    def to_dict(self) -> dict[str, str]:
        return {lang: value for lang in LANGUAGES if (value := getattr(self, lang)) is not None}

    @classmethod
    def from_dict(cls, data: Any) -> Text:
        if isinstance(data, str):
            return cls.plain(data)
        return cls(en=data.get("en"), ko=data.get("ko"))
