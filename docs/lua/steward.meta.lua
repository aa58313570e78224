---@meta steward
-- luacheck: ignore
-- (Declarations, whose arguments are unused by design: `luacheck .` in a
-- plugin folder also reaches the copy in .steward/lua/.)
-- Type annotations of the `steward` Lua API for lua-language-server, so that an
-- editor completes and checks plugin code. Point the server at this file's
-- folder: `.luarc.json` in Steward's repository does ({ "workspace.library":
-- ["docs/lua"] }); in a plugin author's folder, `steward new plugin NAME`
-- writes this file as .steward/lua/steward.meta.lua with a .luarc.json that
-- points at it, and `steward plugins meta` prints it. The reference with
-- examples is docs/lua-api.md; a test checks that every function of the real
-- API is declared here.

---@class steward
---@field version string The version of Steward.
---@field null steward.Null A frozen value standing for a null in the data.
---@field log steward.Log Logging to the host (never to standard output).
---@field stats steward.Stats Statistics from Steward's core.
steward = {}

---@class steward.Null

---@alias steward.Severity "info"|"low"|"medium"|"high"|"critical"
---@alias steward.Status "pass"|"fail"|"skip"|"error"

---@class steward.Param
---@field type "string"|"number"|"integer"|"boolean"|"list"|"map"|"any"
---@field default any
---@field description string?
---@field required boolean?
---@field min number? The smallest value a number or integer parameter may take.
---@field max number? The largest value a number or integer parameter may take.

---@class steward.Example
---@field subject table The subject the check runs on.
---@field expect steward.Status The expected status.
---@field at string? The dotted path the result must point at.
---@field params table? Parameters for this example.
---@field deferred boolean? ctx.deferred for this example (default: true when the check declares defers_to).

---@class steward.Context
---@field check string The check's id in the playbook.
---@field subject_id string The subject's id.
---@field playbook string The playbook's name.
---@field today string Today as YYYY-MM-DD.
---@field deferred boolean True when the check declares defers_to and every check it names is in this run.

---@class steward.Result
---@field status steward.Status
---@field message string?
---@field at string? The dotted path of the field that decided the result.
---@field evidence table? The values the check read.

---@class steward.CheckSpec
---@field id string snake_case, unique per plugin.
---@field description string
---@field severity steward.Severity?
---@field remediation string?
---@field tags string[]?
---@field defers_to (string|string[])? Checks of this plugin that report a cause this check then leaves to them.
---@field params table<string, steward.Param>?
---@field run fun(subject: table, params: table, ctx: steward.Context): (steward.Result|boolean|steward.Status)
---@field examples steward.Example[]

---@class steward.RegistrationSpec
---@field id string
---@field run function

---@class steward.Plugin
---@field name string
---@field version string
local Plugin = {}

---Registers a check.
---@param spec steward.CheckSpec
---@return steward.Plugin
function Plugin:check(spec) end

---Registers a scorer (survey scoring in Lua).
---@param spec steward.RegistrationSpec
---@return steward.Plugin
function Plugin:scorer(spec) end

---Registers a presenter-rotation strategy: `run(people, n, ctx)` returns
---one of `people` ({ id, name, team, presented, last }) or its id; `n`
---counts occurrences from 0; `ctx` is { ritual, date, previous, params }.
---@param spec steward.RegistrationSpec
---@return steward.Plugin
function Plugin:rotation(spec) end

---What a runbook step type gets as `ctx`.
---@class steward.StepContext
---@field vars table<string, string> The runbook's variables.
---@field steps table<string, table> Earlier steps' results by id (status, ok, exit, output, captures…).
---@field step string This step's id.
---@field playbook string The runbook's name.

---@class steward.StepSpec
---@field id string
---@field description string?
---@field run fun(params: table, ctx: steward.StepContext): ({ ok: boolean, output: string?, message: string?, captures: table<string, string>? }|boolean)

---Registers a runbook step type (docs/runbook.md), used as `use: PLUGIN.ID`.
---@param spec steward.StepSpec
---@return steward.Plugin
function Plugin:step(spec) end

---Registers an item of any kind ("check", "scorer", "rotation", "step").
---@param kind string
---@param spec steward.RegistrationSpec
---@return steward.Plugin
function Plugin:register(kind, spec) end

---Creates the plugin a file returns.
---@param spec { name: string, version: string, description: string? }
---@return steward.Plugin
function steward.plugin(spec) end

---True for `steward.null` only.
---@param v any
---@return boolean
function steward.isnull(v) end

---Marks `t` (or a new table) as a map, so an empty table comes back as a map.
---@generic T: table
---@param t T?
---@return T
function steward.map(t) end

---What `steward.run` returns.
---@class steward.RunResult
---@field exit integer? The exit code; nil when a signal ended the command.
---@field output string The output kept (head and tail), redacted.
---@field ok boolean Exit 0 within the timeout.

---Runs a command through the host. Only in a runbook that grants the
---capability (`capabilities: { run: [EXECUTABLE] }`); an error otherwise.
---@param args string[] The executable and its arguments (no shell).
---@return steward.RunResult
function steward.run(args) end

---Follows a dotted path ("evaluation.validation.split", "metrics[0].name");
---nil when a segment is missing or the value is null.
---@param value any
---@param path string
---@return any
function steward.get(value, path) end

---@class steward.Log
steward.log = {}
---@param ... any
function steward.log.debug(...) end
---@param ... any
function steward.log.info(...) end
---@param ... any
function steward.log.warn(...) end
---@param ... any
function steward.log.error(...) end

---@class steward.Interval
---@field lower number
---@field upper number
---@field estimate number

---@class steward.ChiSquare
---@field statistic number
---@field df integer
---@field p number

---@class steward.Stats
steward.stats = {}
---@param xs number[]
---@return number?
function steward.stats.mean(xs) end
---@param xs number[]
---@return number?
function steward.stats.median(xs) end
---@param xs number[]
---@param q number 0 <= q <= 1
---@return number?
function steward.stats.quantile(xs, q) end
---@param xs number[]
---@return number?
function steward.stats.variance(xs) end
---@param xs number[]
---@return number?
function steward.stats.stdev(xs) end
---@param xs number[]
---@return number[]?
function steward.stats.zscores(xs) end
---@param successes integer
---@param trials integer
---@param z number? above 0; Φ⁻¹(0.975) = 1.959963984540054 (95 %) by default; no continuity correction
---@return steward.Interval?
function steward.stats.wilson(successes, trials, z) end
---@param observed number[]
---@param weights number[]
---@return steward.ChiSquare?
function steward.stats.chisq_gof(observed, weights) end
---@param answers integer[] 0-10
---@return number?
function steward.stats.enps(answers) end
---@param answers integer[]
---@param scale_max integer? 5 by default
---@return number?
function steward.stats.top_two_box(answers, scale_max) end
---Lowest selection rate over the highest (the four-fifths rule flags < 0.8).
---@param selection_rates number[] one rate per group, 0-1
---@return number?
function steward.stats.disparate_impact(selection_rates) end
---Largest gap between the groups' true-positive rates.
---@param true_positive_rates number[] one rate per group, 0-1
---@return number?
function steward.stats.equal_opportunity_difference(true_positive_rates) end
