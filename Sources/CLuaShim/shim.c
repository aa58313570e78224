// The C half of Steward's Lua sandbox: a counting allocator with a cap, a
// budget hook (instructions and a monotonic deadline), the host-function
// trampoline, the message handler, protected library opening, read-only
// proxies and the guards for C functions the count hook cannot interrupt.
#include <limits.h>

#include "CLuaShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// Extra bytes granted once a budget is spent, so that raising the budget
/// error and building its traceback do not themselves run out of memory.
#define STW_GRACE_BYTES ((size_t)1 << 20)
/// Instructions between two runs of the budget hook.
#define STW_HOOK_PERIOD 1000
/// Operators on strings are one VM instruction each, whatever the strings'
/// size: `a < b` on two 30 MB strings is a strcoll loop (one call per
/// '\0'-separated piece, so 20 ns a byte at worst), and 1,000 instructions
/// of them ran for seconds between two looks at the clock. While a string
/// of this size or more is alive in the state, the hook runs after every
/// instruction instead (decision 0024).
#define STW_FINE_BYTES ((size_t)64 << 10)
#define STW_FINE_PERIOD 1
#define STW_LARGE_SLOTS 64

/// Blocks up to this size come from the state's own free lists, by class
/// of 16 bytes: a check allocates and frees its tables and strings by the
/// thousand per subject, and glibc's malloc and free (shared by all threads)
/// cost several times what popping a list does.
#define STW_POOL_STEP 16
#define STW_POOL_MAX 256
#define STW_POOL_CLASSES (STW_POOL_MAX / STW_POOL_STEP)
/// Small blocks are cut from slabs of this size, freed with the state.
#define STW_SLAB_BYTES ((size_t)64 << 10)

typedef struct stw_block { struct stw_block *next; } stw_block;

typedef struct stw_pool {
  stw_block *free[STW_POOL_CLASSES];  // freed blocks of each class
  stw_block *slabs;                   // every slab, to free at close
  char *bump;                         // the unused rest of the newest slab
  char *bump_end;
} stw_pool;

typedef struct stw_control {
  size_t used;        // bytes allocated by the state
  size_t cap;         // bytes allowed while `enforce` is set
  int enforce;        // the cap applies (Lua code runs, not Swift)
  int exhausted;      // STW_BUDGET_* spent by the current call
  int64_t budget;     // instructions allowed for the current call
  int64_t count;      // instructions charged so far
  int64_t deadline;   // monotonic ns
  lua_State *main;    // the main thread, whose hook is re-armed
  int hook_dirty;     // some thread's hook was re-armed with count 1
  char msg_instructions[128];
  char msg_memory[128];
  char msg_time[128];
  char where[256];    // "source:line: " of the last budget error raised
  stw_pool pool;      // small blocks, recycled within this state
  // Strings of STW_FINE_BYTES or more alive in the state (below). Past the
  // slots the count stays up for the state's life: fail closed.
  int large_strings;
  void *large[STW_LARGE_SLOTS];
  stw_readonly_parts readonly;  // readonly.c's, made on first use
} stw_control;

static stw_control *control(lua_State *L) {
  void *ud = NULL;
  (void)lua_getallocf(L, &ud);
  return (stw_control *)ud;
}

/// A monotonic clock; the coarse one (a few ms resolution, a few ns to read)
/// where it exists, since limits are tenths of seconds.
static int64_t now_ns(void) {
  struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
  clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void stw_hook(lua_State *L, lua_Debug *ar);

static inline int hook_period(const stw_control *c) {
  return c->large_strings > 0 ? STW_FINE_PERIOD : STW_HOOK_PERIOD;
}

/// Counts a new string of `size` bytes at `ptr` when it is large, and
/// makes the main thread's hook fine-grained (other threads follow at their
/// next hook).
static void note_string(stw_control *c, void *ptr, size_t size) {
  if (size < STW_FINE_BYTES) return;
  int had = c->large_strings;
  for (int i = 0; i < STW_LARGE_SLOTS; i++) {
    if (c->large[i] == NULL) {
      c->large[i] = ptr;
      c->large_strings++;
      break;
    }
    if (i == STW_LARGE_SLOTS - 1) c->large_strings = INT_MAX / 2;  // sticky
  }
  if (had == 0 && c->main != NULL && c->exhausted == STW_BUDGET_NONE)
    lua_sethook(c->main, stw_hook, LUA_MASKCOUNT, STW_FINE_PERIOD);
}

static void forget_string(stw_control *c, void *ptr, size_t size) {
  if (size < STW_FINE_BYTES || c->large_strings >= INT_MAX / 2) return;
  for (int i = 0; i < STW_LARGE_SLOTS; i++) {
    if (c->large[i] == ptr) {
      c->large[i] = NULL;
      c->large_strings--;
      return;
    }
  }
}

/// Marks `kind` as spent and re-arms the main thread's hook with count 1,
/// so that the error is raised again as soon as any Lua code runs outside
/// the `pcall` that caught it. Safe from the allocator (lua_sethook is
/// async-signal safe by design).
static void exhaust(stw_control *c, int kind) {
  if (c->exhausted == STW_BUDGET_NONE) c->exhausted = kind;
  c->hook_dirty = 1;
  if (c->main != NULL) lua_sethook(c->main, stw_hook, LUA_MASKCOUNT, 1);
}

// MARK: - Allocator

/// Whether a block of `size` bytes comes from the pool: 1…STW_POOL_MAX
/// (a block of 0 bytes, which Lua never asks for, would go to malloc).
static inline int is_small(size_t size) { return size - 1 < STW_POOL_MAX; }

/// The class of a small block of `size` bytes.
static inline int pool_class(size_t size) { return (int)((size - 1) / STW_POOL_STEP); }

static void *pool_alloc(stw_pool *pool, size_t size) {
  int k = pool_class(size);
  stw_block *b = pool->free[k];
  if (b != NULL) {
    pool->free[k] = b->next;
    return b;
  }
  size_t bytes = (size_t)(k + 1) * STW_POOL_STEP;
  if ((size_t)(pool->bump_end - pool->bump) < bytes) {
    // The rest of the old slab (under STW_POOL_MAX bytes) is left unused.
    stw_block *slab = (stw_block *)malloc(STW_SLAB_BYTES);
    if (slab == NULL) return NULL;
    slab->next = pool->slabs;
    pool->slabs = slab;
    // Blocks start 16 bytes in, so they keep malloc's 16-byte alignment.
    pool->bump = (char *)slab + STW_POOL_STEP;
    pool->bump_end = (char *)slab + STW_SLAB_BYTES;
  }
  void *block = pool->bump;
  pool->bump += bytes;
  return block;
}

static inline void pool_free(stw_pool *pool, void *ptr, size_t size) {
  int k = pool_class(size);
  stw_block *b = (stw_block *)ptr;
  b->next = pool->free[k];
  pool->free[k] = b;
}

static void pool_release(stw_pool *pool) {
  stw_block *slab = pool->slabs;
  while (slab != NULL) {
    stw_block *next = slab->next;
    free(slab);
    slab = next;
  }
  memset(pool, 0, sizeof *pool);
}

/// malloc/realloc/free for the state's blocks; Lua always says how large
/// the old block is, so the size tells which allocator a block came from.
static void *raw_alloc(stw_pool *pool, void *ptr, size_t old, size_t nsize) {
  if (ptr == NULL) return is_small(nsize) ? pool_alloc(pool, nsize) : malloc(nsize);
  int old_small = is_small(old);
  int new_small = is_small(nsize);
  if (old_small && new_small && pool_class(old) == pool_class(nsize)) return ptr;
  if (!old_small && !new_small) return realloc(ptr, nsize);
  void *block = new_small ? pool_alloc(pool, nsize) : malloc(nsize);
  if (block == NULL) return NULL;  // the old block stays valid, as with realloc
  memcpy(block, ptr, old < nsize ? old : nsize);
  if (old_small) {
    pool_free(pool, ptr, old);
  } else {
    free(ptr);
  }
  return block;
}

/// Growth from this size up is charged to the instruction budget, and the
/// deadline checked: `..` and the buffers of library functions copy that
/// much between two runs of the count hook (a C function that fails halfway
/// charges nothing else).
#define STW_LARGE_GROWTH ((size_t)64 << 10)
/// Bytes copied for the price of one instruction (as in charged.c).
#define STW_COPY_BYTES 16

static void spend(stw_control *c, int64_t n);

static void *stw_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  stw_control *c = (stw_control *)ud;
  // With ptr == NULL, osize is the type of the object, not a size.
  size_t old = ptr != NULL ? osize : 0;
  if (nsize == 0) {
    if (ptr != NULL) {
      forget_string(c, ptr, old);
      if (is_small(old)) {
        pool_free(&c->pool, ptr, old);
      } else {
        free(ptr);
      }
      c->used -= old;
    }
    return NULL;  // never refuse a free
  }
  if (nsize > old && c->enforce) {
    size_t limit = c->exhausted != STW_BUDGET_NONE ? c->cap + STW_GRACE_BYTES : c->cap;
    if (c->used - old + nsize > limit) {
      exhaust(c, STW_BUDGET_MEMORY);
      return NULL;  // Lua raises "not enough memory" (protected: Lua code runs)
    }
  }
  if (c->enforce && nsize >= old + STW_LARGE_GROWTH && c->exhausted == STW_BUDGET_NONE)
    spend(c, (int64_t)((nsize - old) / STW_COPY_BYTES));
  void *block = raw_alloc(&c->pool, ptr, old, nsize);
  if (block == NULL) {
    // Outside Lua code (Swift pushing values) a failure would longjmp
    // through Swift frames: stop the process, as Swift itself does on OOM.
    if (!c->enforce) abort();
    return NULL;
  }
  c->used = c->used - old + nsize;
  // A new object's `osize` is its type; strings never grow in place.
  if (ptr == NULL && osize == LUA_TSTRING) note_string(c, block, nsize);
  return block;
}

static int stw_panic(lua_State *L) {
  const char *message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not a string)";
  fprintf(stderr, "steward: unprotected Lua error (a bug in the host): %s\n", message);
  fflush(stderr);
  abort();
  return 0;
}

static void copy_message(char *dst, const char *src) {
  snprintf(dst, 128, "%s", src != NULL ? src : "budget exhausted");
}

lua_State *stw_newstate(size_t memory_cap, const char *msg_instructions, const char *msg_memory,
                        const char *msg_time) {
  stw_control *c = (stw_control *)calloc(1, sizeof(stw_control));
  if (c == NULL) return NULL;
  c->cap = memory_cap;
  c->budget = INT64_MAX;
  c->deadline = INT64_MAX;
  copy_message(c->msg_instructions, msg_instructions);
  copy_message(c->msg_memory, msg_memory);
  copy_message(c->msg_time, msg_time);
  lua_State *L = lua_newstate(stw_alloc, c);
  if (L == NULL) {
    pool_release(&c->pool);
    free(c);
    return NULL;
  }
  c->main = L;
  lua_atpanic(L, stw_panic);
  lua_sethook(L, stw_hook, LUA_MASKCOUNT, STW_HOOK_PERIOD);
  (void)lua_gc(L, LUA_GCGEN, 0, 0);
  return L;
}

void stw_close(lua_State *L) {
  stw_control *c = control(L);
  lua_close(L);
  pool_release(&c->pool);
  free(c);
}

size_t stw_memory_used(lua_State *L) { return control(L)->used; }

stw_readonly_parts *stw_readonly_parts_of(lua_State *L) { return &control(L)->readonly; }

void stw_collect(lua_State *L) { (void)lua_gc(L, LUA_GCCOLLECT); }

// MARK: - Budgets

void stw_push_where(lua_State *L) {
  lua_Debug ar;
  for (int level = 0; level < 8 && lua_getstack(L, level, &ar); level++) {
    if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
      lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
      return;
    }
  }
  lua_pushliteral(L, "");
}

static int raise_budget(lua_State *L, stw_control *c) {
  const char *message = c->exhausted == STW_BUDGET_MEMORY ? c->msg_memory
                        : c->exhausted == STW_BUDGET_TIME ? c->msg_time
                                                          : c->msg_instructions;
  stw_push_where(L);
  snprintf(c->where, sizeof c->where, "%s", lua_tostring(L, -1));
  lua_pushstring(L, message);
  lua_concat(L, 2);
  return lua_error(L);
}

static void stw_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  stw_control *c = control(L);
  if (c->exhausted == STW_BUDGET_NONE) {
    int period = lua_gethookcount(L);
    c->count += period;
    if (c->count >= c->budget) {
      c->exhausted = STW_BUDGET_INSTRUCTIONS;
    } else if (now_ns() >= c->deadline) {
      c->exhausted = STW_BUDGET_TIME;
    } else {
      // A thread left at count 1 by an earlier, spent call goes back to
      // normal; one made before a large string was goes fine-grained.
      if (period != hook_period(c)) lua_sethook(L, stw_hook, LUA_MASKCOUNT, hook_period(c));
      return;
    }
  }
  // Spent: fire on every instruction from now on, in this thread too, so a
  // plugin's own pcall cannot swallow the error for long.
  c->hook_dirty = 1;
  lua_sethook(L, stw_hook, LUA_MASKCOUNT, 1);
  raise_budget(L, c);
}

void stw_budget_begin(lua_State *L, int64_t instructions, int64_t wall_ns) {
  stw_control *c = control(L);
  c->count = 0;
  c->budget = instructions > 0 ? instructions : INT64_MAX;
  int64_t start = now_ns();
  c->deadline = wall_ns > 0 && wall_ns < INT64_MAX - start ? start + wall_ns : INT64_MAX;
  c->exhausted = STW_BUDGET_NONE;
  c->where[0] = '\0';
  if (c->hook_dirty) {  // other threads left at count 1 re-arm themselves in the hook
    lua_sethook(c->main, stw_hook, LUA_MASKCOUNT, hook_period(c));
    c->hook_dirty = 0;
  }
}

int stw_budget_exhausted(lua_State *L) { return control(L)->exhausted; }

int64_t stw_budget_used(lua_State *L) { return control(L)->count; }

/// Adds `n` to the instructions charged and compares the clock with the
/// deadline; marks the budget spent (without raising) when either is over.
static void spend(stw_control *c, int64_t n) {
  if (c->exhausted != STW_BUDGET_NONE) return;
  if (n < 0 || n >= c->budget - c->count) {
    c->count = c->budget;
    exhaust(c, STW_BUDGET_INSTRUCTIONS);
  } else {
    c->count += n;
    if (now_ns() >= c->deadline) exhaust(c, STW_BUDGET_TIME);
  }
}

void stw_budget_charge(lua_State *L, int64_t n) {
  stw_control *c = control(L);
  spend(c, n);
  if (c->exhausted != STW_BUDGET_NONE) {
    c->hook_dirty = 1;
    lua_sethook(L, stw_hook, LUA_MASKCOUNT, 1);
    raise_budget(L, c);
  }
}

int stw_budget_spend(lua_State *L, int64_t n) {
  stw_control *c = control(L);
  spend(c, n);
  return c->exhausted;
}

const char *stw_budget_where(lua_State *L) { return control(L)->where; }

// MARK: - Calls

/// The message handler: turns any error object into a string (a table gets
/// its `__tostring`, its `message` field, or its type, prefixed with the
/// place it was raised) and appends `luaL_traceback`.
static int stw_msgh(lua_State *L) {
  const char *message = NULL;
  int type = lua_type(L, 1);
  if (type == LUA_TSTRING || type == LUA_TNUMBER) {
    message = lua_tostring(L, 1);
  } else {
    stw_push_where(L);
    // No plugin code once a budget is spent: hooks may be off until the pcall returns.
    if (control(L)->exhausted == STW_BUDGET_NONE && luaL_callmeta(L, 1, "__tostring") &&
        lua_type(L, -1) == LUA_TSTRING) {
      // where, text
    } else {
      lua_settop(L, 2);
      if (type == LUA_TTABLE) {
        lua_pushliteral(L, "message");
        if (lua_rawget(L, 1) != LUA_TSTRING) {
          lua_pop(L, 1);
          lua_pushliteral(L, "(error object is a table value)");
        }
      } else if (type == LUA_TNIL) {
        lua_pushliteral(L, "(error object is nil)");
      } else {
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
      }
    }
    lua_concat(L, 2);
    message = lua_tostring(L, -1);
  }
  luaL_traceback(L, L, message, 1);
  return 1;
}

int stw_call(lua_State *L, int nargs, int nresults) {
  stw_control *c = control(L);
  int base = lua_gettop(L) - nargs;  // the function
  lua_pushcclosure(L, stw_msgh, 0);
  lua_rotate(L, base, 1);  // stack: msgh, function, args...
  int saved = c->enforce;
  c->enforce = 1;
  int status = lua_pcallk(L, nargs, nresults, base, 0, NULL);
  c->enforce = saved;
  lua_rotate(L, base, -1);
  lua_settop(L, -2);  // msgh removed; stack: results... or error
  return status;
}

void stw_push_message_handler(lua_State *L) { lua_pushcclosure(L, stw_msgh, 0); }

int stw_call_handled(lua_State *L, int nargs, int nresults) {
  stw_control *c = control(L);
  int handler = lua_gettop(L) - nargs - 1;  // just below the function
  int saved = c->enforce;
  c->enforce = 1;
  int status = lua_pcallk(L, nargs, nresults, handler, 0, NULL);
  c->enforce = saved;
  return status;
}

int stw_load(lua_State *L, const char *source, size_t length, const char *chunkname) {
  stw_control *c = control(L);
  int saved = c->enforce;
  c->enforce = 1;
  int status = luaL_loadbufferx(L, source, length, chunkname, "t");
  c->enforce = saved;
  return status;
}

static int open_one(lua_State *L) {
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  lua_CFunction open = lua_tocfunction(L, lua_upvalueindex(2));
  luaL_requiref(L, name, open, 0);
  return 0;
}

int stw_open_libraries(lua_State *L) {
  static const luaL_Reg libraries[] = {
      {LUA_GNAME, luaopen_base},         {LUA_STRLIBNAME, luaopen_string},
      {LUA_TABLIBNAME, luaopen_table},   {LUA_MATHLIBNAME, luaopen_math},
      {LUA_UTF8LIBNAME, luaopen_utf8},   {LUA_COLIBNAME, luaopen_coroutine},
      {LUA_OSLIBNAME, luaopen_os},       {NULL, NULL},
  };
  for (const luaL_Reg *lib = libraries; lib->name != NULL; lib++) {
    lua_pushstring(L, lib->name);
    lua_pushcclosure(L, lib->func, 0);
    lua_pushcclosure(L, open_one, 2);
    int status = stw_call(L, 0, 0);
    if (status != LUA_OK) {
      lua_pop(L, 1);
      return status;
    }
  }
  return LUA_OK;
}

// MARK: - Host functions

static int stw_trampoline(lua_State *L) {
  stw_host_function f = *(stw_host_function *)lua_touserdata(L, lua_upvalueindex(1));
  stw_control *c = control(L);
  int saved = c->enforce;
  c->enforce = 0;  // Swift allocations must not fail (a failure would raise through Swift)
  int n = f(L);
  c->enforce = saved;
  if (n < 0) {  // raised from this C frame, never from Swift; prefixed with the caller's place
    luaL_where(L, 1);
    lua_rotate(L, -2, 1);
    lua_concat(L, 2);
    return lua_error(L);
  }
  if (saved && c->used > c->cap) exhaust(c, STW_BUDGET_MEMORY);
  // A host function charges its work with stw_budget_spend; it cannot raise.
  if (saved && c->exhausted != STW_BUDGET_NONE) return raise_budget(L, c);
  return n;
}

void stw_push_host_function(lua_State *L, stw_host_function f, void *context) {
  stw_host_function *slot = (stw_host_function *)lua_newuserdatauv(L, sizeof f, 0);
  *slot = f;
  lua_pushlightuserdata(L, context);
  lua_pushcclosure(L, stw_trampoline, 2);
}

int stw_caller_line(lua_State *L, int level, char *source, size_t source_size) {
  lua_Debug ar;
  if (source_size > 0) source[0] = '\0';
  if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "Sl", &ar)) return 0;
  if (source_size > 0) snprintf(source, source_size, "%s", ar.short_src);
  return ar.currentline > 0 ? ar.currentline : 0;
}

int stw_function_line(lua_State *L, int index, char *source, size_t source_size) {
  lua_Debug ar;
  if (source_size > 0) source[0] = '\0';
  lua_pushvalue(L, index);
  if (!lua_getinfo(L, ">S", &ar)) return 0;  // pops the function
  if (source_size > 0) snprintf(source, source_size, "%s", ar.short_src);
  return ar.linedefined > 0 ? ar.linedefined : 0;
}

// MARK: - Read-only proxies

static const char *const PROTECTED_KEY = "steward.protected";
static const char *const STOCK_KEY = "steward.stock_patterns";

static int ro_newindex(lua_State *L) {
  if (lua_type(L, 2) == LUA_TSTRING)
    return luaL_error(L, "attempt to modify read-only table (field '%s')", lua_tostring(L, 2));
  return luaL_error(L, "attempt to modify read-only table");
}

static int ro_next(lua_State *L) {
  lua_settop(L, 2);
  if (lua_next(L, lua_upvalueindex(1))) return 2;
  lua_pushnil(L);
  return 1;
}

static int ro_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));  // the next function bound to the real table
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/// Pushes the registry's weak-keyed set of protected proxies.
static void push_protected_set(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, PROTECTED_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 16);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, PROTECTED_KEY);
}

void stw_push_protected(lua_State *L, int index) {
  index = lua_absindex(L, index);
  lua_createtable(L, 0, 0);  // proxy
  lua_createtable(L, 0, 4);  // proxy, mt
  lua_pushvalue(L, index);
  lua_setfield(L, -2, "__index");
  lua_pushcclosure(L, ro_newindex, 0);
  lua_setfield(L, -2, "__newindex");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pushvalue(L, index);
  lua_pushcclosure(L, ro_next, 1);
  lua_pushcclosure(L, ro_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_setmetatable(L, -2);  // proxy
  push_protected_set(L);    // proxy, set
  lua_pushvalue(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);  // proxy
}

int stw_is_protected(lua_State *L, int index) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE) return 0;
  push_protected_set(L);
  lua_pushvalue(L, index);
  int found = lua_rawget(L, -2) != LUA_TNIL;
  lua_pop(L, 2);
  return found;
}

// MARK: - Guards

static int guarded_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (stw_is_readonly(L, 1)) {
    stw_readonly_push_refusal(L, 0);
    return lua_error(L);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
    return luaL_error(L, "cannot change a protected metatable");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "__gc metamethods are not allowed in the sandbox");
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

static int guarded_rawset(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (stw_is_readonly(L, 1)) {
    stw_readonly_push_refusal(L, 2);
    return lua_error(L);
  }
  if (stw_is_protected(L, 1)) return luaL_error(L, "attempt to modify read-only table");
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

/// The message handler xpcall installs around the plugin's own: once a
/// budget is spent, the plugin's handler is skipped. (A hook that raises
/// leaves hooks off until a pcall returns, so a handler running then could
/// loop beyond the budget's reach.)
static int xpcall_handler(lua_State *L) {
  if (control(L)->exhausted != STW_BUDGET_NONE) return 1;  // the error object, as is
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

/// xpcall, as in lbaselib.c, with the handler wrapped by `xpcall_handler`.
static int guarded_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, xpcall_handler, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);  // first result
  lua_pushvalue(L, 1);    // the function
  lua_rotate(L, 3, 2);    // both below the function's arguments
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
  return finish_pcall(L, status, 2);
}

void stw_install_base_guard(lua_State *L, int index) {
  index = lua_absindex(L, index);
  lua_pushcclosure(L, guarded_xpcall, 0);
  lua_setfield(L, index, "xpcall");
  lua_pushcclosure(L, guarded_setmetatable, 0);
  lua_setfield(L, index, "setmetatable");
  lua_pushcclosure(L, guarded_rawset, 0);
  lua_setfield(L, index, "rawset");
}

/// table.move re-implemented with its element count charged first.
static int guarded_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, tt, LUA_TTABLE);
  if (e >= f) {
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n, 4, "destination wrap around");
    stw_budget_charge(L, (int64_t)n + 1);
    if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
      for (lua_Integer i = 0; i <= n; i++) {
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    } else {
      for (lua_Integer i = n; i >= 0; i--) {
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    }
  }
  lua_pushvalue(L, tt);
  return 1;
}

/// Charges the element count of the call, then runs the original (upvalue 1).
static int charged_call(lua_State *L, int64_t n) {
  stw_budget_charge(L, n);
  return stw_call_original(L);
}

static int64_t range_count(lua_State *L, int first_arg) {
  lua_Integer i = luaL_optinteger(L, first_arg, 1);
  lua_Integer j = lua_isnoneornil(L, first_arg + 1) ? luaL_len(L, 1)
                                                     : luaL_checkinteger(L, first_arg + 1);
  if (j < i) return 0;
  if (i < 0 && j > INT64_MAX + i) return -1;  // overflow: charge everything
  return (int64_t)(j - i) + 1;
}

/// `a < b` for table.sort, charged by the bytes strcoll may scan, with the
/// clock compared at each comparison: the stock sort compares in C, where
/// no hook runs, so sorting long strings overshot the limit by the whole
/// sort.
static int charged_less(lua_State *L) {
  size_t a = lua_type(L, 1) == LUA_TSTRING ? lua_rawlen(L, 1) : 0;
  size_t b = lua_type(L, 2) == LUA_TSTRING ? lua_rawlen(L, 2) : 0;
  stw_budget_charge(L, (int64_t)(a < b ? a : b) + 1);
  lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
  return 1;
}

/// Strings in the list up to this many bytes in all are sorted by the
/// stock comparison: the charge by count covers them.
#define SORT_PLAIN_BYTES ((size_t)64 << 10)

static int guarded_sort(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 1);
  int64_t log2n = 1;
  for (lua_Integer k = n; k > 1; k >>= 1) log2n++;
  stw_budget_charge(L, n > 0 ? (int64_t)n * log2n : 0);
  if (lua_isnoneornil(L, 2) && n > 1) {
    size_t bytes = 0;
    for (lua_Integer i = 1; i <= n && bytes <= SORT_PLAIN_BYTES; i++) {
      if (lua_geti(L, 1, i) == LUA_TSTRING) bytes += lua_rawlen(L, -1);
      lua_pop(L, 1);
    }
    if (bytes > SORT_PLAIN_BYTES) {
      lua_settop(L, 1);
      lua_pushcfunction(L, charged_less);
    }
  }
  return stw_call_original(L);
}

static int guarded_concat(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  return charged_call(L, range_count(L, 3));
}

static int guarded_unpack(lua_State *L) {
  if (lua_isnoneornil(L, 3) && lua_type(L, 1) != LUA_TTABLE) return charged_call(L, 0);
  return charged_call(L, range_count(L, 2));
}

static void wrap_field(lua_State *L, int index, const char *name, lua_CFunction guard) {
  lua_getfield(L, index, name);
  lua_pushcclosure(L, guard, 1);
  lua_setfield(L, index, name);
}

void stw_install_table_guard(lua_State *L, int index) {
  index = lua_absindex(L, index);
  lua_pushcclosure(L, guarded_move, 0);
  lua_setfield(L, index, "move");
  wrap_field(L, index, "sort", guarded_sort);
  wrap_field(L, index, "concat", guarded_concat);
  wrap_field(L, index, "unpack", guarded_unpack);
}

void stw_install_pattern_guard(lua_State *L, int index) {
  index = lua_absindex(L, index);
  static const char *const names[] = {"find", "match", "gmatch", "gsub"};
  static const lua_CFunction guarded[] = {stw_str_find, stw_str_match, stw_str_gmatch,
                                          stw_str_gsub};
  lua_createtable(L, 0, 4);  // the stock functions, kept for tests
  for (int i = 0; i < 4; i++) {
    lua_getfield(L, index, names[i]);
    lua_setfield(L, -2, names[i]);
    lua_pushcclosure(L, guarded[i], 0);
    lua_setfield(L, index, names[i]);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, STOCK_KEY);
}

void stw_push_stock_patterns(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, STOCK_KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 0);
  }
}

// MARK: - steward.get

/// Walks one segment: the string key first (maps), then, for digits, the
/// 0-based list index. The current node is at `node`; the child replaces it.
/// Appends one segment to the table on top: its key at 2k-1 and, when the
/// key is all digits, the list index it also names (0-based in the path, so
/// `metrics[0]` is Lua's index 1) at 2k, else false.
static void add_segment(lua_State *L, const char *key, size_t n, lua_Integer *k) {
  lua_pushlstring(L, key, n);
  lua_rawseti(L, -2, ++*k);
  lua_Integer index = 0;
  size_t i = 0;
  if (n > 0 && n < 19) {
    for (; i < n && key[i] >= '0' && key[i] <= '9'; i++) index = index * 10 + (key[i] - '0');
  }
  if (n > 0 && n < 19 && i == n) {
    lua_pushinteger(L, index + 1);
  } else {
    lua_pushboolean(L, 0);
  }
  lua_rawseti(L, -2, ++*k);
}

/// Pushes the segments of `path` as a table (see add_segment), with the
/// syntax of `Value.pathSegments`: `.` and `[` separate segments, `]` is
/// dropped, empty segments are skipped, and double quotes protect a key with
/// dots in it.
static void push_segments(lua_State *L, const char *path, size_t length) {
  lua_createtable(L, 8, 0);
  lua_Integer k = 0;
  if (memchr(path, '"', length) == NULL) {
    size_t start = 0;
    for (size_t i = 0; i <= length; i++) {
      char ch = i < length ? path[i] : '.';
      if (ch != '.' && ch != '[' && ch != ']') continue;
      if (i > start) add_segment(L, path + start, i - start, &k);
      start = i + 1;
    }
    return;
  }
  luaL_Buffer segment;
  int quoted = 0;
  size_t pending = 0;
  luaL_buffinit(L, &segment);
  for (size_t i = 0; i <= length; i++) {
    char ch = i < length ? path[i] : '.';
    if (ch == '"') {
      quoted = !quoted;
    } else if ((ch == '.' || ch == '[') && (!quoted || i == length)) {
      luaL_pushresult(&segment);  // the segment, above the table
      if (pending > 0) {
        size_t n;
        const char *key = lua_tolstring(L, -1, &n);
        lua_pushvalue(L, -2);  // the table on top, to add to it
        add_segment(L, key, n, &k);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      pending = 0;
      luaL_buffinit(L, &segment);
    } else if (ch == ']' && !quoted) {
      continue;
    } else {
      luaL_addchar(&segment, ch);
      pending++;
    }
  }
  luaL_pushresult(&segment);
  lua_pop(L, 1);
}

/// Parsed paths kept per plugin (each chunk's environment has its own
/// `steward.get`), at most this many and this many bytes: a check asks for
/// the same literal paths on every subject, and a plugin that asked for
/// endless new ones filled a cache every plugin of the VM shared, whose
/// memory counted against them all.
#define STW_GET_CACHE_ENTRIES 1024
#define STW_GET_CACHE_BYTES ((lua_Integer)256 << 10)
/// Segments walked for free in one call; longer paths are charged.
#define STW_GET_FREE_SEGMENTS 32

/// `steward.get(value, "a.b[0].c")`, in C: checks call it for nearly every
/// field they read, and the Swift version cost more than the walk. Each path
/// is parsed once into its segments and kept (upvalue 2, keyed by the path
/// string, which the table keeps alive; upvalue 3 counts the entries and
/// upvalue 4 their bytes, roughly). Upvalue 1 is `steward.null`, which reads
/// as nil. Read-only proxies are walked through to their tables.
static int stw_get(lua_State *L) {
  if (lua_type(L, 2) != LUA_TSTRING) {
    const char *type = lua_rawequal(L, 2, lua_upvalueindex(1)) ? "steward.null"
                                                                 : luaL_typename(L, 2);
    luaL_where(L, 1);
    lua_pushfstring(L, "steward.get: the path must be a string, got %s", type);
    lua_concat(L, 2);
    return lua_error(L);
  }
  lua_settop(L, 2);
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TTABLE) {  // 3: the segments
    lua_pop(L, 1);
    size_t length;
    const char *path = lua_tolstring(L, 2, &length);
    stw_budget_charge(L, (int64_t)(length / 4) + 1);
    push_segments(L, path, length);
    lua_Integer cached = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer bytes = lua_tointeger(L, lua_upvalueindex(4));
    // The key, its segment strings and the table of them.
    lua_Integer cost = 2 * (lua_Integer)length + 24 * (lua_Integer)lua_rawlen(L, 3) + 96;
    if (cached < STW_GET_CACHE_ENTRIES && cost <= STW_GET_CACHE_BYTES - bytes) {
      lua_pushvalue(L, 2);
      lua_pushvalue(L, 3);
      lua_rawset(L, lua_upvalueindex(2));
      lua_pushinteger(L, cached + 1);
      lua_replace(L, lua_upvalueindex(3));
      lua_pushinteger(L, bytes + cost);
      lua_replace(L, lua_upvalueindex(4));
    }
  }
  lua_pushvalue(L, 1);  // 4: the node reached so far
  lua_Integer n = (lua_Integer)lua_rawlen(L, 3);
  if (n > 2 * STW_GET_FREE_SEGMENTS) stw_budget_charge(L, (int64_t)(n / 2));
  // Once behind a proxy, every table below is read-only data: the tables in
  // between are walked as they are, and only the one returned is wrapped.
  int guarded = 0;
  for (lua_Integer k = 1; k < n; k += 2) {
    if (lua_type(L, 4) != LUA_TTABLE) {
      lua_pushnil(L);
      return 1;
    }
    if (stw_readonly_target(L, 4)) {
      lua_replace(L, 4);
      guarded = 1;
    }
    lua_rawgeti(L, 3, k);  // 5: the key
    lua_pushvalue(L, 5);
    if (lua_rawget(L, 4) == LUA_TNIL) {  // 6: the value
      // No such key: a key of digits also names a list index.
      if (lua_rawgeti(L, 3, k + 1) == LUA_TNUMBER) {
        lua_Integer index = lua_tointeger(L, 7);
        lua_settop(L, 4);
        lua_pushinteger(L, index);
        lua_rawgeti(L, 4, index);
      } else {
        lua_settop(L, 6);
      }
    }
    if (guarded && k + 2 >= n) stw_readonly_wrap_child(L, 4, 5);
    lua_replace(L, 4);
    lua_settop(L, 4);
  }
  lua_settop(L, 4);
  if (lua_rawequal(L, 4, lua_upvalueindex(1))) lua_pushnil(L);
  return 1;
}

void stw_push_get(lua_State *L) {
  lua_createtable(L, 0, 16);  // parsed paths
  lua_pushinteger(L, 0);      // how many
  lua_pushinteger(L, 0);      // their bytes
  lua_pushcclosure(L, stw_get, 4);
}
