export { feedObject, feedUrls, feedParts, emitStoreWideFeeds, feedLinks, type FeedParts } from './app-feeds.js';
export { electronSuffix, tauriTarget } from './desktop.js';
export { versionSpecs } from './nextcloud.js';
