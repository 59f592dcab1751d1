export { ElasticEmailConfigSchema, parseElasticEmailConfig } from './config.js';
export type { ElasticEmailConfig, ElasticEmailConfigInput } from './config.js';
export { ElasticEmailProvider, createElasticEmailProvider } from './provider.js';
export { MockElasticEmailProvider } from './mock.js';
