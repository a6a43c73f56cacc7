import { electronFeed } from './electron.js';
import type { RegisteredFeed } from './format.js';
import { nextcloudFeed } from './nextcloud.js';
import { sparkleFeed } from './sparkle.js';
import { squirrelMacFeed } from './squirrel-mac.js';
import { tauriFeed } from './tauri.js';

/**
 * The feed formats a build publishes, in the order the API document and the store front list
 * them. A new feed is its schema in `src/schema/feeds.ts`, its module here and one line below.
 */
export const FEED_FORMATS: readonly RegisteredFeed[] = [electronFeed, sparkleFeed, tauriFeed, squirrelMacFeed, nextcloudFeed];
