// Read-only views of the data a check is handed (its subject, params and
// ctx), and the base functions that must see through them.
//
// The checks of one subject share its Lua table (decision 0006), so a check
// that wrote to it changed what the next check saw: a severity-info check
// that set `subject.owner` made another plugin's `has_owner` pass. Lua 5.4
// has no frozen tables, so every table of such a value is pushed as an empty
// proxy whose metatable reads from the real table and refuses writes. The
// real table holds the proxies of its children, so a path of reads never
// reaches a writable table. Decision 0024 has the costs and the alternatives.
#include "CLuaShim.h"

/// The metatable of a proxy holds its real table under this address: Lua
/// code cannot make a light userdata, so no plugin can forge or reach it.
static const char TARGET_KEY = 0;

/// Pushes the real table of the proxy at `index` and returns 1, or pushes
/// nothing and returns 0 when the value is not a read-only proxy.
int stw_readonly_target(lua_State *L, int index) {
  if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) return 0;
  if (lua_rawgetp(L, -1, &TARGET_KEY) != LUA_TTABLE) {
    lua_pop(L, 2);
    return 0;
  }
  lua_remove(L, -2);
  return 1;
}

int stw_is_readonly(lua_State *L, int index) {
  if (!stw_readonly_target(L, index)) return 0;
  lua_pop(L, 1);
  return 1;
}

void stw_readonly_unwrap_top(lua_State *L) {
  if (stw_readonly_target(L, -1)) lua_replace(L, -2);
}

#define REFUSED_KEY "steward.readonly.refused"

static int data_newindex(lua_State *L) {
  // The innermost Lua function's place: the write may come through a C
  // function (`table.insert(subject.tags, x)`), whose own place is none.
  stw_push_where(L);
  if (lua_getfield(L, LUA_REGISTRYINDEX, STW_CURRENT_CHECK_KEY) == LUA_TSTRING) {
    lua_pushfstring(L, "check %s", lua_tostring(L, -1));
    lua_remove(L, -2);
  } else {
    lua_pop(L, 1);
    lua_pushliteral(L, "a check");
  }
  lua_pushliteral(L, " may not modify its subject, params or ctx");
  if (lua_type(L, 2) == LUA_TSTRING) {
    lua_pushfstring(L, " (field '%s')", lua_tostring(L, 2));
  } else {
    lua_pushliteral(L, "");
  }
  lua_pushliteral(L, ": they are read-only; copy what you need into a table of your own");
  lua_concat(L, 5);
  // Remembered for the call: a plugin that catches the error with pcall
  // still gets it as its result (decision 0024).
  if (lua_getfield(L, LUA_REGISTRYINDEX, REFUSED_KEY) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, REFUSED_KEY);
  } else {
    lua_pop(L, 1);
  }
  return lua_error(L);
}

int stw_readonly_refused(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, REFUSED_KEY) == LUA_TSTRING) return 1;
  lua_pop(L, 1);
  return 0;
}

void stw_readonly_forget(lua_State *L) {
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, REFUSED_KEY);
}

static void push_target_or_raise(lua_State *L, int index) {
  if (!stw_readonly_target(L, index)) luaL_error(L, "not a read-only table");
}

static int data_len(lua_State *L) {
  push_target_or_raise(L, 1);
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
  return 1;
}

/// `next` over the real table, with the proxy as the state `pairs` hands
/// out (handing out the real table would let the plugin write to it).
static int data_next(lua_State *L) {
  lua_settop(L, 2);
  push_target_or_raise(L, 1);
  lua_pushvalue(L, 2);
  if (lua_next(L, 3)) return 2;
  lua_pushnil(L);
  return 1;
}

static int data_pairs(lua_State *L) {
  lua_pushcfunction(L, data_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void stw_make_readonly(lua_State *L) {
  int real = lua_gettop(L);
  const char *locked = "steward.readonly";
  // An empty map keeps telling itself apart from an empty list.
  if (lua_getmetatable(L, real)) {
    if (lua_getfield(L, -1, "__metatable") == LUA_TSTRING) locked = lua_tostring(L, -1);
    lua_pop(L, 2);  // the string stays alive in the real table's metatable
  }
  lua_createtable(L, 0, 0);  // real, proxy
  lua_createtable(L, 0, 6);  // real, proxy, mt
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, data_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, data_len);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, data_pairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushstring(L, locked);
  lua_setfield(L, -2, "__metatable");
  lua_pushvalue(L, real);
  lua_rawsetp(L, -2, &TARGET_KEY);
  lua_setmetatable(L, -2);  // real, proxy
  lua_replace(L, real);     // proxy
}

// MARK: - Base functions that see through proxies

static int readonly_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (stw_readonly_target(L, 1)) lua_replace(L, 1);
  stw_budget_charge(L, 1);  // the deadline, between scans of a sparse table
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

/// `pairs` as in lbaselib.c, but handing out the guarded `next` (upvalue 1):
/// the stock one, reachable through `pairs({})`, would skip the budget.
static int readonly_pairs(lua_State *L) {
  luaL_checkany(L, 1);
  if (luaL_getmetafield(L, 1, "__pairs") == LUA_TNIL) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
  } else {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 3);
  }
  return 3;
}

static int readonly_rawget(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  if (stw_readonly_target(L, 1)) lua_replace(L, 1);
  lua_rawget(L, 1);
  return 1;
}

static int readonly_rawlen(lua_State *L) {
  int t = lua_type(L, 1);
  luaL_argexpected(L, t == LUA_TTABLE || t == LUA_TSTRING, 1, "table or string");
  if (stw_readonly_target(L, 1)) lua_replace(L, 1);
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
  return 1;
}

void stw_install_readonly_guard(lua_State *L, int index) {
  index = lua_absindex(L, index);
  lua_pushcfunction(L, readonly_next);
  lua_pushvalue(L, -1);
  lua_setfield(L, index, "next");
  lua_pushcclosure(L, readonly_pairs, 1);
  lua_setfield(L, index, "pairs");
  lua_pushcfunction(L, readonly_rawget);
  lua_setfield(L, index, "rawget");
  lua_pushcfunction(L, readonly_rawlen);
  lua_setfield(L, index, "rawlen");
}
