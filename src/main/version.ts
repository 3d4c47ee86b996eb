/** This package's version, sent to SwanLab as `X-SwanLab-SDK-Version` and written in metadata. */
export const VERSION: string = (require('../../../package.json') as { version: string }).version;
