/** policy: what others may use of intentions (and, later, the discovery-chain compiler). */
export * from './intentions/index.ts';
