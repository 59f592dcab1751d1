/** The source workflow's wire contract (ids are part of the format: never rename). */
export const SOURCE_WORKFLOW_ID_PREFIX = 'source:';
export const sourceWorkflowId = (channelId: string): string => `${SOURCE_WORKFLOW_ID_PREFIX}${channelId}`;
/** The long-running activity that holds a source's connection (its pending-activity type name). */
export const RUN_SOURCE_ACTIVITY = 'runSource';
