"""Counter (窗口) clerk client: calling numbers and reading pre-submitted materials.

Qt-free logic lives in `session`, `actions`, `config`, `documents` and `strings`;
`ui/` only renders state and forwards input.
"""
