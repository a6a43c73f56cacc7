export { feedObject, feedUrls, feedParts, emitFeedSites, feedLinks, type FeedParts } from './app-feeds.js';
export type { FeedContext, FeedFormat, FeedName } from './format.js';
export { electronSuffix, tauriTarget } from './desktop.js';
export { versionSpecs } from './nextcloud.js';
