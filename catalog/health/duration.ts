/** Durations for check definitions: the catalog's Go-duration parser. */
export { parseDuration, formatDuration } from '../durations.ts';
