// Release-mode benchmarks, one command: `scripts/bench` (or `--quick`).
// Figures are printed, never asserted: speed targets live here, not in tests.
import Foundation

let quick = CommandLine.arguments.contains("--quick")
print("steward benchmarks (\(quick ? "quick" : "full"); release build expected)")
YAMLBench.run(quick: quick)
LuaBench.run(quick: quick)
StartupBench.run(quick: quick)
GateBench.run(quick: quick)
print(String(format: "peak RSS of the benchmark process: %.1f MiB", PeakRSS.mebibytes()))
