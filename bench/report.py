"""Tables for the terminal and for markdown, from the same rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

PASS = "PASS"
FAIL = "FAIL"


def verdict(passed: bool) -> str:
    return PASS if passed else FAIL


def calls_text(calls: Counter[str]) -> str:
    """`Query`, `GetItem x2, TransactWriteItems` (DynamoDB's prefix dropped), or `-`."""
    if not calls:
        return "-"
    parts = []
    for name, count in sorted(calls.items()):
        service, _, operation = name.partition(":")
        label = operation if service == "dynamodb" else name
        parts.append(label if count == 1 else f"{label} x{count}")
    return ", ".join(parts)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)  # lines under the title: the headline figures

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    @property
    def failures(self) -> int:
        return sum(1 for row in self.rows if FAIL in row)

    def text(self) -> str:
        widths = [
            max(len(header), *(len(row[i]) for row in self.rows)) if self.rows else len(header)
            for i, header in enumerate(self.headers)
        ]

        def line(cells: list[str]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        out = [self.title, "=" * len(self.title)]
        out.extend(lead.replace("**", "") for lead in self.lead)
        out.append(line(self.headers))
        out.append("  ".join("-" * width for width in widths))
        out.extend(line(row) for row in self.rows)
        out.extend(f"  * {note}" for note in self.notes)
        return "\n".join(line.rstrip() for line in out)

    def markdown(self) -> str:
        def line(cells: list[str]) -> str:
            escaped = [cell.replace("|", "\\|") for cell in cells]
            return "| " + " | ".join(escaped) + " |"

        out = [f"## {self.title}", ""]
        out.extend(f"{lead}\n" for lead in self.lead)
        out.append(line(self.headers))
        out.append("|" + "|".join("---" for _ in self.headers) + "|")
        out.extend(line(row) for row in self.rows)
        if self.notes:
            out.append("")
            out.extend(f"- {note}" for note in self.notes)
        return "\n".join(out)
