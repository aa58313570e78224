// Release-mode benchmarks: `swift run -c release steward-bench [--quick]`.
let quick = CommandLine.arguments.contains("--quick")
YAMLBench.run(quick: quick)
LuaBench.run(quick: quick)
