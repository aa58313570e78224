// Library functions whose work grows with an argument, charged to the
// instruction budget.
//
// The count hook never runs inside a C function, and it runs only every
// 1,000 instructions: a loop that calls `utf8.len` on 30 MB ran 200 calls
// between two looks at the clock, and `string.rep("", math.maxinteger)`
// looped in C for ever. Each function below either charges its work before
// doing it (where an argument can make it unbounded) or after (where memory
// bounds it), and every charge also compares the clock with the deadline.
// Functions whose work is constant (math.abs, type, rawequal, …) need nothing:
// the instruction that calls them is counted. Large allocations are charged
// by the allocator (shim.c), which covers `..` and the copies inside library
// functions that fail halfway.
#include <limits.h>
#include <string.h>

#include "CLuaShim.h"

/// Bytes copied for the price of one instruction (memcpy is that much
/// faster than the interpreter's dispatch).
#define COPY_BYTES 16
/// Bytes scanned (decoded, compared one by one) for one instruction: a
/// byte of UTF-8 decoding costs about what an instruction does.
#define SCAN_BYTES 1
/// Instructions charged per element table.insert/remove moves (a get and a
/// set through the API, with their metamethod checks).
#define MOVE_COST 4
/// Instructions charged per byte of an `os.date` format: each conversion
/// calls strftime, a few hundred nanoseconds.
#define DATE_COST 64

int stw_call_original(lua_State *L) {
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  return lua_gettop(L);
}

/// The results' count plus the bytes of their strings: what building them cost.
static int64_t output_cost(lua_State *L, int n) {
  int64_t cost = n;
  for (int i = 1; i <= n; i++)
    if (lua_type(L, i) == LUA_TSTRING) cost += (int64_t)(lua_rawlen(L, i) / COPY_BYTES);
  return cost;
}

/// The original (upvalue 1) charged by its results, after it ran: memory or
/// the stack bounds what one call can build.
static int charged_by_output(lua_State *L) {
  int n = stw_call_original(L);
  stw_budget_charge(L, output_cost(L, n));
  return n;
}

/// The original (upvalue 1) charged by the number of its arguments and
/// results, for functions that walk or hand back their arguments rather
/// than build strings (select, table.pack, math.min, math.max).
static int charged_by_count(lua_State *L) {
  int nargs = lua_gettop(L);
  int n = stw_call_original(L);
  stw_budget_charge(L, (int64_t)nargs + n);
  return n;
}

/// The original (upvalue 1) with the bytes of its string arguments charged
/// first, at `lua_upvalueindex(2)` instructions per byte scanned
/// (`SCAN_BYTES` per instruction when it is 0): for functions that scan
/// their input without allocating, and may fail after the scan.
static int charged_by_input(lua_State *L) {
  lua_Integer per_byte = lua_tointeger(L, lua_upvalueindex(2));
  int64_t cost = 0;
  for (int i = 1, n = lua_gettop(L); i <= n; i++) {
    if (lua_type(L, i) != LUA_TSTRING) continue;
    size_t bytes = lua_rawlen(L, i);
    if (per_byte > 0 && bytes > (size_t)(INT64_MAX / per_byte)) {
      cost = -1;  // charges everything
      break;
    }
    cost += per_byte > 0 ? (int64_t)bytes * per_byte : (int64_t)(bytes / SCAN_BYTES);
  }
  stw_budget_charge(L, cost);
  return charged_by_output(L);
}

/// string.rep as in lstrlib.c, with the result's size charged before it is
/// built, and no loop at all for an empty result (the stock one loops `n`
/// times to build "" from `rep("", n)`).
static int charged_rep(lua_State *L) {
  size_t l, lsep;
  const char *s = luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  if (l + lsep < l || l + lsep > (size_t)INT_MAX / (size_t)n)
    return luaL_error(L, "resulting string too large");
  size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
  luaL_Buffer b;
  // Allocated first, so that a result over the memory limit is that error.
  char *p = luaL_buffinitsize(L, &b, total);
  stw_budget_charge(L, (int64_t)(total / COPY_BYTES) + 1);
  // One piece, then the filled part copied onto what follows it, doubling:
  // a few dozen memcpy calls instead of one per piece.
  memcpy(p, s, l);
  if (n > 1 && lsep > 0) memcpy(p + l, sep, lsep);
  size_t filled = n > 1 ? l + lsep : l;
  while (filled < total) {
    size_t chunk = filled < total - filled ? filled : total - filled;
    memcpy(p + filled, p, chunk);
    filled += chunk;
  }
  luaL_pushresultsize(&b, total);
  return 1;
}

/// The cost of moving `n` elements (-1, everything, when it overflows).
static int64_t moves(lua_Unsigned n) {
  return n > (lua_Unsigned)(INT64_MAX / MOVE_COST) ? -1 : (int64_t)n * MOVE_COST;
}

/// table.insert as in ltablib.c (tables only), with the elements it moves
/// charged before it moves them: `#t` can be anything a `__len` returns.
static int charged_insert(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer e = luaL_len(L, 1);
  e = (lua_Integer)((lua_Unsigned)e + 1u);  // first empty element
  lua_Integer pos;
  switch (lua_gettop(L)) {
    case 2:
      pos = e;
      break;
    case 3:
      pos = luaL_checkinteger(L, 2);
      luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
      stw_budget_charge(L, moves((lua_Unsigned)e - (lua_Unsigned)pos));
      for (lua_Integer i = e; i > pos; i--) {
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);
      }
      break;
    default:
      return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

/// table.remove as in ltablib.c (tables only), charged like insert.
static int charged_remove(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer size = luaL_len(L, 1);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size)
    luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
  if (pos < size) stw_budget_charge(L, moves((lua_Unsigned)size - (lua_Unsigned)pos));
  lua_geti(L, 1, pos);
  for (; pos < size; pos++) {
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

/// The iterator utf8.codes returns, wrapped (upvalue 1 is the stock one): it
/// skips continuation bytes before decoding, as far as the string goes, so
/// those bytes are charged first.
static int charged_codes_step(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  lua_Unsigned n = (lua_Unsigned)lua_tointeger(L, 2);
  size_t skipped = 0;
  if (n < len) {
    for (size_t i = (size_t)n; i < len && ((unsigned char)s[i] & 0xC0) == 0x80; i++) skipped++;
  }
  stw_budget_charge(L, (int64_t)(skipped / SCAN_BYTES) + 1);
  return stw_call_original(L);
}

static int charged_codes(lua_State *L) {
  int n = stw_call_original(L);  // iterator, string, 0
  if (n >= 1 && lua_type(L, 1) == LUA_TFUNCTION) {
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, charged_codes_step, 1);
    lua_replace(L, 1);
  }
  return n;
}

static void wrap(lua_State *L, int index, const char *name, lua_CFunction guard) {
  lua_getfield(L, index, name);
  lua_pushcclosure(L, guard, 1);
  lua_setfield(L, index, name);
}

static void wrap_input(lua_State *L, int index, const char *name, lua_Integer per_byte) {
  lua_getfield(L, index, name);
  lua_pushinteger(L, per_byte);
  lua_pushcclosure(L, charged_by_input, 2);
  lua_setfield(L, index, name);
}

static void wrap_outputs(lua_State *L, int index, const char *const *names) {
  for (; *names != NULL; names++) wrap(L, index, *names, charged_by_output);
}

void stw_install_charges(lua_State *L, const char *library, int index) {
  index = lua_absindex(L, index);
  if (strcmp(library, "_G") == 0) {
    wrap(L, index, "select", charged_by_count);
    wrap_input(L, index, "tonumber", 0);
  } else if (strcmp(library, "string") == 0) {
    static const char *const out[] = {"byte", "char",    "format", "lower", "pack",
                                      "reverse", "sub", "upper",  NULL};
    wrap_outputs(L, index, out);
    wrap_input(L, index, "unpack", 0);
    wrap_input(L, index, "packsize", 0);
    lua_pushcfunction(L, charged_rep);
    lua_setfield(L, index, "rep");
  } else if (strcmp(library, "table") == 0) {
    wrap(L, index, "pack", charged_by_count);
    lua_pushcfunction(L, charged_insert);
    lua_setfield(L, index, "insert");
    lua_pushcfunction(L, charged_remove);
    lua_setfield(L, index, "remove");
  } else if (strcmp(library, "utf8") == 0) {
    static const char *const out[] = {"char", "codepoint", NULL};
    wrap_outputs(L, index, out);
    wrap_input(L, index, "len", 0);
    wrap_input(L, index, "offset", 0);
    wrap(L, index, "codes", charged_codes);
  } else if (strcmp(library, "math") == 0) {
    wrap(L, index, "min", charged_by_count);
    wrap(L, index, "max", charged_by_count);
  } else if (strcmp(library, "os") == 0) {
    wrap_input(L, index, "date", DATE_COST);
  }
}
