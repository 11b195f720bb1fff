// Files that survive a crash, a SIGKILL or a power cut: atomic replace (temp + fsync + rename + directory
// fsync), shared by the runner's store and the tracking run store.
export { writeFileAtomic, writeJsonAtomic, cleanupTempFiles, fsyncDir, isErrno } from './atomic-write.js';
export { tempPathFor, isTempFileName } from './temp-names.js';
export { FileSystemError, fileSystemError, namingRefusals } from './fs-errors.js';
