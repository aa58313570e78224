// Read-only views of the data a check is handed (its subject, params and
// ctx), and the base functions that must see through them.
//
// The checks of one subject share its Lua table (decision 0006), so a check
// that wrote to it changed what the next check saw: a severity-info check
// that set `subject.owner` made another plugin's `has_owner` pass. Lua 5.4
// has no frozen tables, so every table of such a value is pushed as a proxy
// that holds the real table under a light-userdata key and nothing else; its
// metatable reads from the real table and refuses writes. A child table
// gets its proxy when it is first read, which takes its place in the real
// table (stw_readonly_wrap_child), so a path of reads never reaches a
// writable table. Decisions 0024 and 0048 have the costs and the
// alternatives.
#include "CLuaShim.h"

/// The key a proxy holds its real table under. A light userdata: no Lua code
/// can make one, so no read, write or `rawget` of a plugin can name it, and
/// `next` and `pairs` (below) see through the proxy to the real table.
static const char TARGET_KEY = 0;

/// The registry's array of what proxies are made of, made once per state
/// and found by the integer reference kept in the state's control block:
/// the metatable every proxy shares, the metatables of proxies of tables
/// that carry a `__metatable` string of their own (an empty map's marker),
/// by that string, and the marker table every one of those metatables has
/// as its own metatable.
enum { KEY_SHARED = 1, KEY_MARKED, KEY_MARKER, KEY_COUNT = KEY_MARKER };

static int data_index(lua_State *L);
static int data_newindex(lua_State *L);
static int data_len(lua_State *L);

/// Pushes a new proxy metatable whose `__metatable` is the string on top
/// (popped), with the marker (at `marker`) as its metatable.
static void push_metatable(lua_State *L, int marker) {
  lua_createtable(L, 0, 4);  // string, mt
  lua_rotate(L, -2, 1);      // mt, string
  lua_setfield(L, -2, "__metatable");
  lua_pushcfunction(L, data_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, data_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, data_len);
  lua_setfield(L, -2, "__len");
  lua_pushvalue(L, marker);
  lua_setmetatable(L, -2);
}

/// Pushes the registry's array, making it on first use.
static void push_parts(lua_State *L) {
  stw_readonly_parts *parts = stw_readonly_parts_of(L);
  if (parts->ref > 0) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, parts->ref);
    return;
  }
  lua_createtable(L, KEY_COUNT, 0);  // parts
  lua_createtable(L, 0, 0);          // parts, marker
  parts->marker = lua_topointer(L, -1);
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, KEY_MARKER);
  lua_pushliteral(L, "steward.readonly");
  push_metatable(L, lua_gettop(L) - 1);  // parts, marker, shared
  parts->shared = lua_topointer(L, -1);
  lua_rawseti(L, -3, KEY_SHARED);
  lua_pop(L, 1);  // parts
  lua_createtable(L, 0, 1);
  lua_rawseti(L, -2, KEY_MARKED);
  lua_pushvalue(L, -1);
  parts->ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/// Pushes the real table of the proxy at `index` and returns 1, or pushes
/// nothing and returns 0 when the value is not a read-only proxy. A proxy's
/// metatable has the marker as its metatable: plugin code can reach neither
/// (the proxy's `__metatable` hides its metatable, and the marker is only in
/// the registry), so no table it makes passes for a proxy.
int stw_readonly_target(lua_State *L, int index) {
  if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) return 0;
  const stw_readonly_parts *parts = stw_readonly_parts_of(L);
  // Nearly every proxy has the shared metatable: one pointer comparison.
  if (parts->shared == NULL || lua_topointer(L, -1) != parts->shared) {
    if (parts->marker == NULL || !lua_getmetatable(L, -1)) {
      lua_pop(L, 1);
      return 0;
    }
    if (lua_topointer(L, -1) != parts->marker) {
      lua_pop(L, 2);
      return 0;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_rawgetp(L, index, &TARGET_KEY);  // the stack is as it was: `index` still names the proxy
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

/// Proxies are made as their tables are first read, not when the value is
/// converted (decision 0048): a check that never looks at a section of its
/// card pays nothing for it, and `steward.get` walks the tables in between
/// without making any. So every way a value leaves a real table for Lua code
/// comes through here: a table that is not yet a proxy is wrapped, and the
/// proxy stored in its place, so that every later read gets the same one.
void stw_readonly_wrap_child(lua_State *L, int real, int key) {
  if (lua_type(L, -1) != LUA_TTABLE || stw_is_readonly(L, -1)) return;
  stw_make_readonly(L);
  lua_pushvalue(L, key);
  lua_pushvalue(L, -2);
  lua_rawset(L, real);  // an existing key: allowed while `next` walks it
}

#define REFUSED_KEY "steward.readonly.refused"

/// A read through a proxy: one C call, then the real table's own entry
/// (itself a proxy when it is a table).
static int data_index(lua_State *L) {
  lua_settop(L, 2);
  if (lua_rawgetp(L, 1, &TARGET_KEY) != LUA_TTABLE) return luaL_error(L, "not a read-only table");
  lua_pushvalue(L, 2);  // proxy, key, real, key
  lua_rawget(L, 3);     // proxy, key, real, value
  stw_readonly_wrap_child(L, 3, 2);
  return 1;
}

void stw_readonly_push_refusal(lua_State *L, int field) {
  field = field != 0 ? lua_absindex(L, field) : 0;
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
  if (field != 0 && lua_type(L, field) == LUA_TSTRING) {
    lua_pushfstring(L, " (field '%s')", lua_tostring(L, field));
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
}

static int data_newindex(lua_State *L) {
  stw_readonly_push_refusal(L, 2);
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

static int data_len(lua_State *L) {
  if (lua_rawgetp(L, 1, &TARGET_KEY) != LUA_TTABLE) return luaL_error(L, "not a read-only table");
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
  return 1;
}

// No `__pairs`: the sandbox's `pairs` hands out its guarded `next`, which
// sees through a proxy to the real table (below), one C call fewer a loop.
//
// One table a proxy, holding only the real table; the metatable is shared.
// Only the table on top is wrapped: its children are wrapped as they are
// read (stw_readonly_wrap_child).
// A metatable of its own for each proxy, with `__index` the real table, made
// reads a table lookup instead of a C call, but three tables a node (the
// real one, the proxy, its metatable) cost more to make and to collect than
// the reads they saved: decision 0048.
void stw_make_readonly(lua_State *L) {
  int real = lua_gettop(L);
  lua_createtable(L, 0, 1);  // real, proxy
  lua_pushvalue(L, real);
  lua_rawsetp(L, real + 1, &TARGET_KEY);
  push_parts(L);  // real, proxy, parts
  // An empty map keeps telling itself apart from an empty list: its
  // metatable's `__metatable` string (the only metatable a real table has)
  // is handed on, through a shared metatable of its own for that string.
  if (lua_getmetatable(L, real)) {  // real, proxy, parts, realmt
    lua_pushliteral(L, "__metatable");
    if (lua_rawget(L, -2) == LUA_TSTRING) {  // real, proxy, parts, realmt, string
      lua_rawgeti(L, real + 2, KEY_MARKED);  // …, string, marked
      lua_pushvalue(L, -2);
      if (lua_rawget(L, -2) != LUA_TTABLE) {  // …, string, marked, nil
        lua_pop(L, 1);
        lua_rawgeti(L, real + 2, KEY_MARKER);
        lua_pushvalue(L, -3);
        push_metatable(L, lua_gettop(L) - 1);  // …, string, marked, marker, mt
        lua_remove(L, -2);                     // …, string, marked, mt
        lua_pushvalue(L, -3);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);  // marked[string] = mt
      }
      lua_setmetatable(L, real + 1);
      lua_settop(L, real + 1);
      lua_replace(L, real);
      return;
    }
    lua_settop(L, real + 2);
  }
  lua_rawgeti(L, real + 2, KEY_SHARED);  // real, proxy, parts, shared
  lua_setmetatable(L, real + 1);
  lua_settop(L, real + 1);
  lua_replace(L, real);  // proxy
}

// MARK: - Base functions that see through proxies

static int readonly_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  int guarded = stw_readonly_target(L, 1);
  if (guarded) lua_replace(L, 1);
  stw_budget_charge(L, 1);  // the deadline, between scans of a sparse table
  if (lua_next(L, 1)) {  // real, key, value (lua_next popped the key it was given)
    if (guarded) stw_readonly_wrap_child(L, 1, 2);
    return 2;
  }
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
  int guarded = stw_readonly_target(L, 1);
  if (guarded) lua_replace(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, 1);  // real, key, value
  if (guarded) stw_readonly_wrap_child(L, 1, 2);
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
