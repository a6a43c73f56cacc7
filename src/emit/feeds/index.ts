export { feedObject, feedUrls, feedParts, emitFeedSites, feedLinks, type FeedParts } from './app-feeds.js';
export { electronSuffix, tauriTarget } from './desktop.js';
export { versionSpecs } from './nextcloud.js';
