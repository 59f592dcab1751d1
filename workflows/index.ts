/** Workflow bundle entry: only deterministic code is reachable from here (ARCHITECTURE.md §3). */
export { roomWorkflow } from './room/workflow.js';
export { sourceWorkflow } from './source/workflow.js';
