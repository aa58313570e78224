-- luacheck configuration for the shipped plugins (`luacheck Plugins`).
-- Plugins run in Steward's Lua 5.4 sandbox, where `steward` is the only
-- global beyond the standard library, and it is read-only.
std = "lua54"
read_globals = { "steward" }
