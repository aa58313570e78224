// Release-mode benchmarks, one command: `scripts/bench [--quick] [yaml|lua|startup|gate|readonly|hfcards|survey|runbook|hash|csv]…`
// (all but readonly by default). Figures are printed, never asserted: speed targets
// live here, not in tests.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let quick = arguments.contains("--quick")
let chosen = Set(arguments.filter { !$0.hasPrefix("--") })
func wanted(_ name: String) -> Bool { chosen.isEmpty || chosen.contains(name) }

print("steward benchmarks (\(quick ? "quick" : "full"); release build expected)")
if wanted("yaml") { YAMLBench.run(quick: quick) }
if wanted("lua") { LuaBench.run(quick: quick) }
if wanted("startup") { StartupBench.run(quick: quick) }
if wanted("gate") { GateBench.run(quick: quick) }
if chosen.contains("readonly") { ReadOnlyBench.run(quick: quick) }
if wanted("hfcards") { HFCardBench.run(quick: quick) }
if wanted("survey") { SurveyBench.run(quick: quick) }
if wanted("runbook") { RunbookBench.run(quick: quick) }
if wanted("hash") { HashBench.run(quick: quick) }
if wanted("csv") { CSVBench.run(quick: quick) }
print(String(format: "peak RSS of the benchmark process: %.1f MiB", PeakRSS.mebibytes()))
