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

/// The registry's array of what every proxy's metatable is made of, made
/// once per state and found by the integer reference kept in the state's
/// control block: the four metamethod names, the default `__metatable`
/// string, and the marker table every proxy's metatable has as its own
/// metatable. `lua_setfield` with a C string interned each name on every
/// call, and a light-userdata key was a hashed lookup on every read through
/// a proxy: together a tenth of a gate run.
enum {
  KEY_INDEX = 1,
  KEY_NEWINDEX,
  KEY_LEN,
  KEY_METATABLE,
  KEY_LOCKED,
  KEY_MARKER,
  KEY_COUNT = KEY_MARKER
};

static int data_newindex(lua_State *L);
static int data_len(lua_State *L);

/// Pushes the registry's array, making it on first use.
static void push_parts(lua_State *L) {
  stw_readonly_parts *parts = stw_readonly_parts_of(L);
  if (parts->ref > 0) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, parts->ref);
    return;
  }
  static const char *const names[KEY_LOCKED] = {"__index", "__newindex", "__len", "__metatable",
                                                "steward.readonly"};
  lua_createtable(L, KEY_COUNT, 0);
  for (int i = 0; i < KEY_LOCKED; i++) {
    lua_pushstring(L, names[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_createtable(L, 0, 0);
  parts->marker = lua_topointer(L, -1);
  lua_rawseti(L, -2, KEY_MARKER);
  lua_pushvalue(L, -1);
  parts->ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/// Pushes the real table of the proxy at `index` and returns 1, or pushes
/// nothing and returns 0 when the value is not a read-only proxy. A proxy's
/// metatable has the marker as its metatable and the real table at [1]:
/// plugin code can reach neither (the proxy's `__metatable` hides its
/// metatable, and the marker is only in the registry), so no table it makes
/// passes for a proxy. No hashing: two metatable reads and an array read.
int stw_readonly_target(lua_State *L, int index) {
  if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) return 0;
  const void *marker = stw_readonly_parts_of(L)->marker;
  if (marker == NULL || !lua_getmetatable(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  if (lua_topointer(L, -1) != marker) {
    lua_pop(L, 2);
    return 0;
  }
  lua_pop(L, 1);
  lua_rawgeti(L, -1, 1);
  lua_copy(L, -1, -2);
  lua_pop(L, 1);
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

// No `__pairs`: the sandbox's `pairs` hands out its guarded `next`, which
// sees through a proxy to the real table (below), one C call fewer a loop.
void stw_make_readonly(lua_State *L) {
  int real = lua_gettop(L);
  push_parts(L);  // real, parts
  int parts = real + 1;
  lua_createtable(L, 0, 0);  // real, parts, proxy
  lua_createtable(L, 1, 4);  // real, parts, proxy, mt
  int mt = real + 3;
  lua_pushvalue(L, real);
  lua_rawseti(L, mt, 1);
  lua_rawgeti(L, parts, KEY_INDEX);
  lua_pushvalue(L, real);
  lua_rawset(L, mt);
  lua_rawgeti(L, parts, KEY_NEWINDEX);
  lua_pushcfunction(L, data_newindex);
  lua_rawset(L, mt);
  lua_rawgeti(L, parts, KEY_LEN);
  lua_pushcfunction(L, data_len);
  lua_rawset(L, mt);
  // An empty map keeps telling itself apart from an empty list: its
  // metatable's `__metatable` string (the only metatable a real table has)
  // is handed on.
  lua_rawgeti(L, parts, KEY_METATABLE);
  if (lua_getmetatable(L, real)) {
    lua_pushvalue(L, -2);
    if (lua_rawget(L, -2) != LUA_TSTRING) {
      lua_pop(L, 1);
      lua_rawgeti(L, parts, KEY_LOCKED);
    }
    lua_remove(L, -2);
  } else {
    lua_rawgeti(L, parts, KEY_LOCKED);
  }
  lua_rawset(L, mt);
  lua_rawgeti(L, parts, KEY_MARKER);
  lua_setmetatable(L, mt);
  lua_setmetatable(L, real + 2);  // real, parts, proxy
  lua_copy(L, real + 2, real);
  lua_settop(L, real);  // proxy
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
  push_parts(L);  // made with the sandbox, not by the first check's call
  lua_pop(L, 1);
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
