-- Lint settings for the shipped plugins (CI runs `luacheck Plugins`).
std = "lua54"
read_globals = { "steward" }
max_line_length = 110
