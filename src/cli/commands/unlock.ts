import { lockCommand } from './lock.js';

export const command = lockCommand(false);
