export { ElasticEmailConfigSchema, parseElasticEmailConfig } from './config.js';
export type { ElasticEmailConfig, ElasticEmailConfigInput } from './config.js';
export { ElasticEmailProvider, createElasticEmailProvider } from './client.js';
export { MockElasticEmailProvider } from './mock.js';
