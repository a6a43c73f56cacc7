// Worker thread of TreeWriter: makes folder trees (objects of the site) while the main thread emits the next.
import { serveTasks } from '../util/worker-pool.js';
import { runTreeJob } from './_tree.js';

serveTasks(runTreeJob);
