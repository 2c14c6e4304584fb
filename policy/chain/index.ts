/** The discovery chain: compile config entries into a router/splitter/resolver graph per service, and validate entry sets against it. */
export { compileDiscoveryChain } from './compile.ts';
export { crossEntryErrors, validateConfigEntrySet, validateConfigEntryWrite, validateConfigEntryDelete } from './validate-entry-set.ts';
export type { SetValidationOptions } from './validate-entry-set.ts';
export { targetId, targetSni, serviceNodeName } from './names.ts';
export type {
  ChainOverrides,
  CompileRequest,
  CompileResult,
  CompiledDiscoveryChain,
  DiscoveryGraphNode,
  DiscoveryResolver,
  DiscoveryRoute,
  DiscoverySplit,
  DiscoveryTarget,
  ResolverNode,
  RouterNode,
  SplitterNode,
} from './types.ts';
