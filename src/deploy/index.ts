export { deploySite, type DeployOptions, type DeployProgress, type DeployResult } from './deploy.js';
