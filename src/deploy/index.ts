export { deploySite, STEP_NAMES, type DeployOptions, type DeployProgress, type DeployResult } from './deploy.js';
export { INVENTORY_KEY, type Inventory } from './inventory.js';
