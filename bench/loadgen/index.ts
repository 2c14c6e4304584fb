/** The xDS load generator: simulated Envoy proxies against a control plane in a child process, and the scenarios it measures. */
export { runBenchmark, DEFAULT_OPTIONS, SMOKE_OPTIONS, type BenchOptions, type BenchResult, type ScenarioReport } from './run-bench.ts';
export { SCENARIOS, type ScenarioName } from './scenarios.ts';
export { formatTable } from './report.ts';
export { encodeOnceExcess, encodeOnceSlack, ENCODE_ONCE_SCENARIOS, type EncodeOnce } from './encode-once.ts';
export { ReceivedVersions } from './received-versions.ts';
export { planMesh, type MeshPlan, type MeshShape, type PlannedInstance } from './mesh-plan.ts';
export { SimProxy, SIM_CHANNEL_OPTIONS } from './sim-proxy.ts';
export { Fleet } from './fleet.ts';
export { replayCeiling, type ReplayResult } from './replay.ts';
export { startServerChild, type ServerChild } from './server-child.ts';
