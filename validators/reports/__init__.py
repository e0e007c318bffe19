"""Reports of a run: text lines and summary, the JSON document, JUnit XML, GitHub Actions output, the TTY
progress display, and the atomic file writer they share.

Nothing is imported here, so `import validators.reports.text` never pulls in `rich` (only `progress` does,
and only when a display starts).

The rule for text the service sent (messages, codes, states, IDs), in every report:
- text, JUnit, GitHub: shown through `validators.sanitize.safe_text` (credentials redacted, control
  characters made visible, one line, capped);
- JSON: redacted but otherwise exactly as sent, and serialised as pure ASCII, so every control
  character travels as a `\\uXXXX` escape and none reaches the output raw (see `json_report`).
"""
