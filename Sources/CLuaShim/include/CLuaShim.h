// CLuaShim: the parts of the Lua 5.4 C API that Swift cannot import, and the
// C half of Steward's sandbox (allocator, budget hook, trampoline, guards).
//
// Every name is prefixed `stw_`. Wrappers say which macro or variadic
// function they replace. Nothing here is public API of StewardLua: the Swift
// layer imports this module with `internal import CLuaShim`.
#pragma once
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>

// MARK: - Macros and variadics

/// Replaces the macro `lua_pop(L, n)`.
static inline void stw_pop(lua_State *L, int n) { lua_settop(L, -(n)-1); }
/// Replaces the macro `lua_newtable(L)`.
static inline void stw_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
/// Replaces the macro `lua_tostring(L, i)` (never call it on a number from Swift: it allocates).
static inline const char *stw_tostring(lua_State *L, int i) { return lua_tolstring(L, i, NULL); }
/// Replaces the macro `lua_pcall(L, n, r, f)`.
static inline int stw_pcall(lua_State *L, int nargs, int nresults, int msgh) {
  return lua_pcallk(L, nargs, nresults, msgh, 0, NULL);
}
/// Replaces the macro `lua_upvalueindex(i)`.
static inline int stw_upvalueindex(int i) { return lua_upvalueindex(i); }
/// Replaces the macro `LUA_REGISTRYINDEX`.
static inline int stw_registryindex(void) { return LUA_REGISTRYINDEX; }
/// Replaces the macro `lua_pushcfunction(L, f)`.
static inline void stw_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcclosure(L, f, 0); }
/// Replaces the macro `lua_insert(L, i)`.
static inline void stw_insert(lua_State *L, int i) { lua_rotate(L, i, 1); }
/// Replaces the macro `lua_remove(L, i)`.
static inline void stw_remove(lua_State *L, int i) {
  lua_rotate(L, i, -1);
  lua_settop(L, -2);
}
/// Replaces the macro `lua_isinteger`-style test for tables: `lua_istable(L, i)`.
static inline int stw_istable(lua_State *L, int i) { return lua_type(L, i) == LUA_TTABLE; }
/// Replaces the variadic `lua_gc(L, LUA_GCCOLLECT)`.
static inline void stw_gc_collect(lua_State *L) { (void)lua_gc(L, LUA_GCCOLLECT, 0); }
/// Replaces the variadic `lua_gc(L, LUA_GCCOUNT)` + `LUA_GCCOUNTB`: bytes in use.
static inline size_t stw_gc_count_bytes(lua_State *L) {
  return (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024u + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
}
/// Replaces the macro `lua_pushliteral` for a C string the caller owns.
static inline void stw_pushstring(lua_State *L, const char *s) { (void)lua_pushstring(L, s); }

// MARK: - A state with a counting allocator and budgets

/// Which budget a call has spent (0 = none).
enum {
  STW_BUDGET_NONE = 0,
  STW_BUDGET_INSTRUCTIONS = 1,
  STW_BUDGET_MEMORY = 2,
  STW_BUDGET_TIME = 3,
};

/// Creates a state with `lua_newstate`, a counting allocator capped at
/// `memory_cap` bytes (the cap applies only while Lua code runs, see
/// `stw_call`), and a panic handler. Budget messages are copied; they are
/// what the hook, the pattern guard and the memory check raise. Returns NULL
/// when the state cannot be created.
lua_State *stw_newstate(size_t memory_cap, const char *msg_instructions, const char *msg_memory,
                        const char *msg_time);
/// Closes the state and frees the allocator's bookkeeping.
void stw_close(lua_State *L);
/// Bytes currently allocated by the state.
size_t stw_memory_used(lua_State *L);
/// A full garbage collection (lua_gc is variadic, which Swift cannot call).
void stw_collect(lua_State *L);
/// Starts the budgets of one call: `instructions` Lua instructions and a
/// deadline `wall_ns` nanoseconds from now (monotonic clock). Clears any
/// exhausted budget and re-arms the count hook on the main thread.
void stw_budget_begin(lua_State *L, int64_t instructions, int64_t wall_ns);
/// The budget spent by the current call (one of `STW_BUDGET_*`).
int stw_budget_exhausted(lua_State *L);
/// Instructions charged to the current call so far (hook granularity).
int64_t stw_budget_used(lua_State *L);
/// Charges `n` steps of C work to the instruction budget; raises the budget
/// error (from C) if it is spent. For guards written in C only.
void stw_budget_charge(lua_State *L, int64_t n);

/// `stw_budget_charge` for a Swift host function, which must not raise:
/// charges `n` and checks the deadline, and returns the budget spent (one of
/// `STW_BUDGET_*`); the trampoline raises its error once the function returns.
int stw_budget_spend(lua_State *L, int64_t n);
/// "source:line: " where the last budget error of the current call was
/// raised, or "" (for a call whose plugin caught that error).
const char *stw_budget_where(lua_State *L);

/// Pushes "source:line: " of the innermost Lua function on the call stack, or "".
void stw_push_where(lua_State *L);
/// In a C closure whose upvalue 1 is a function: calls it with every
/// argument, in place, and returns the number of its results.
int stw_call_original(lua_State *L);

/// Calls the function below `nargs` arguments under the memory cap, with a
/// message handler that appends a traceback, as `lua_pcall` would. Pops the
/// function and arguments, pushes `nresults` results (or LUA_MULTRET) or one
/// error string. Returns the `lua_pcall` status.
int stw_call(lua_State *L, int nargs, int nresults);
/// Pushes the message handler `stw_call` uses, for `stw_call_handled`.
void stw_push_message_handler(lua_State *L);
/// `stw_call` for a caller that pushed the message handler (with
/// `stw_push_message_handler`) just below the function: no stack rotation.
/// The handler stays where it is; results or the error are pushed above it.
int stw_call_handled(lua_State *L, int nargs, int nresults);
/// Loads a text chunk (`luaL_loadbufferx` with mode "t") under the memory
/// cap; pushes the function or an error message. `chunkname` is used as
/// given (prefix "=" for a plain name).
int stw_load(lua_State *L, const char *source, size_t length, const char *chunkname);

/// Opens base, string, table, math, utf8, coroutine and os one by one with
/// `luaL_requiref`, under `lua_pcall`. Leaves nothing on the stack; the
/// opened tables stay in the registry's `_LOADED`. Returns the status.
int stw_open_libraries(lua_State *L);

// MARK: - Host functions

/// A Swift host function. It never raises: it returns the number of results,
/// or `STW_HOST_ERROR` after pushing an error message, and the C trampoline
/// raises from a C frame.
typedef int (*stw_host_function)(lua_State *L);
#define STW_HOST_ERROR (-1)
/// Pushes a C closure that runs `f` with the memory cap lifted and raises
/// its error if it returns `STW_HOST_ERROR`. Upvalue 1 is `f`; upvalue 2 is
/// `context` (light userdata, e.g. the Swift VM object); `f` reads them with
/// `stw_upvalueindex(2)`.
void stw_push_host_function(lua_State *L, stw_host_function f, void *context);

/// Pops `steward.null` and pushes a new `steward.get`, a C closure over it
/// and over a cache of parsed paths of its own (one per plugin).
void stw_push_get(lua_State *L);

/// The line and source of the Lua function `level` levels up the call stack
/// (1 = the caller of the running C function), via `lua_getinfo("Sl")`.
/// Returns the line, or 0 when unknown; `*source` points at the short source.
int stw_caller_line(lua_State *L, int level, char *source, size_t source_size);

/// The line where the Lua function at `index` was defined (`lua_getinfo(">S")`),
/// 0 for a C function; `*source` receives its short source.
int stw_function_line(lua_State *L, int index, char *source, size_t source_size);

// MARK: - Sandbox helpers

/// Pushes a read-only proxy of the table at `index`: reads go to the table
/// (`__index`), writes raise, `__metatable` is locked and `pairs` iterates the
/// table without handing it out. The proxy is recorded so that the guarded
/// `rawset` refuses it.
void stw_push_protected(lua_State *L, int index);
/// Whether the value at `index` is a proxy made by `stw_push_protected`.
int stw_is_protected(lua_State *L, int index);
/// Replaces the functions that loop in C beyond the reach of the count hook
/// in the table at `index` (the string library: find, match, gmatch, gsub
/// with a budgeted matcher; plain find is budgeted too).
void stw_install_pattern_guard(lua_State *L, int index);
/// Replaces table.move, table.sort, table.concat and table.unpack in the
/// table at `index` with versions that charge their element count to the
/// instruction budget before running.
void stw_install_table_guard(lua_State *L, int index);
/// Replaces `setmetatable` (refuses `__gc`, whose finalizers run with hooks
/// off), `rawset` (refuses protected proxies) and `xpcall` (skips the
/// plugin's handler once a budget is spent) in the table at `index`.
void stw_install_base_guard(lua_State *L, int index);
/// Replaces, in the library table at `index` (`library` is its name, "_G"
/// for the base functions), the functions whose work grows with an argument
/// by versions that charge that work to the instruction budget (charged.c).
void stw_install_charges(lua_State *L, const char *library, int index);
/// Replaces `next`, `pairs`, `rawget` and `rawlen` in the table at `index` by
/// versions that see through read-only proxies (readonly.c).
void stw_install_readonly_guard(lua_State *L, int index);

// MARK: - Read-only data (readonly.c)

/// The registry field holding the id of the check being run (a string), which
/// the error of a write to read-only data names.
#define STW_CURRENT_CHECK_KEY "steward.current_check"

/// Replaces the table on top by a read-only proxy of it: reads, `#`, `pairs`
/// and the guarded `next`/`rawget`/`rawlen` see the table; writes raise.
/// Its children are wrapped as they are read (below).
void stw_make_readonly(lua_State *L);
/// The value on top was read from the table behind a proxy (at `real`, under
/// the key at `key`, both absolute indices): a table among them is replaced
/// on top by its proxy, made now and stored in its place when it has none
/// yet. Every C function that hands Lua code a value it read from behind a
/// proxy must call this.
void stw_readonly_wrap_child(lua_State *L, int real, int key);
/// What readonly.c keeps per state (in shim.c's control block): the
/// registry reference of the parts proxies are made of, the address of the
/// metatable nearly every proxy shares, and that of the marker table that
/// tells every proxy metatable apart.
typedef struct stw_readonly_parts {
  int ref;
  const void *shared;
  const void *marker;
} stw_readonly_parts;
stw_readonly_parts *stw_readonly_parts_of(lua_State *L);
/// Whether the value at `index` is a proxy made by `stw_make_readonly`.
int stw_is_readonly(lua_State *L, int index);
/// Pushes the table behind the proxy at `index` and returns 1; returns 0,
/// pushing nothing, for any other value.
int stw_readonly_target(lua_State *L, int index);
/// Pushes the error a write to read-only data raises ("PLACE: check ID may not
/// modify its subject, params or ctx (field 'NAME'): …"; `field` is the stack
/// index of the key written, or 0) and remembers it as the call's result, so
/// that a plugin catching it with pcall still gets it. Raising it is the
/// caller's.
void stw_readonly_push_refusal(lua_State *L, int field);
/// Whether a write to read-only data was refused during the current call
/// (even one the plugin caught with pcall); pushes its message if so.
int stw_readonly_refused(lua_State *L);
/// Forgets a refused write: called as each outermost call begins.
void stw_readonly_forget(lua_State *L);
/// Replaces a proxy on top of the stack by its table (anything else stays).
void stw_readonly_unwrap_top(lua_State *L);

/// Pushes the unguarded string functions find, match, gmatch, gsub as a new
/// table (tests compare the guarded matcher with them).
void stw_push_stock_patterns(lua_State *L);

// MARK: - Guarded pattern matching (lpattern.c)

int stw_str_find(lua_State *L);
int stw_str_match(lua_State *L);
int stw_str_gmatch(lua_State *L);
int stw_str_gsub(lua_State *L);
