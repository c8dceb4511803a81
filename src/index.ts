/**
 * The public API of `sel`. Explicit exports only: what is not listed here is internal. Every
 * type a caller needs to call what is listed (its options, hooks and results) is listed too.
 */
export { canonicalize, assertJcsValue, JcsError, type JsonValue, type JcsErrorReason } from './canonical/jcs.js';
export { digestOf, sha256Digest, checkDigest, GENESIS_PREV_HASH, SHA256_PREFIX, type DigestCheck } from './canonical/digest.js';
export { scanCanonical, scanStrict, type ScanReason, type ScanFailure, type CanonicalScan, type StrictScan, type MemberSpan } from './canonical/scan.js';
export { ChainWriter, ProducerError, type EventInput, type Appended, type ChainWriterOptions } from './producer/producer.js';
export { checkLineChecked as checkLine, CONTRACT_VERSION, type CheckOptions } from './envelope/check.js';
export type { SelEvent, Decision, Action, TrustZone, DecisionSeverity, EventRecord, PlacedEvent, Hole, LineRef } from './envelope/types.js';
export { ChainVerifier, DEFAULT_CHAIN_OPTIONS, type ChainOptions, type ChainPosition, type ChainSummary, type AcceptHook, type SetAsideHook, type BranchHook } from './chain/chain.js';
export {
  IntegrityVerifier,
  DEFAULT_VERIFY_OPTIONS,
  type VerifyOptions,
  type IntegrityResult,
  type IntegritySummary,
  type FindingCounts,
  type FileSummary,
  type EventHook,
  type FileStart,
} from './verify/verifier.js';
export { verifyLogs, type RunOptions, type VerifyExtension } from './verify/run.js';
export { runShard, parseShard, SHARD_VERSION, type ShardHeader, type ShardTrailer, type ShardOptions } from './shard/shard.js';
export { mergeShards, readShardHeader, type MergeInput } from './shard/merge.js';
export { CODES, ALL_CODES, type FindingCode, type Severity, type CodeInfo, type FindingClass } from './findings/codes.js';
export { makeFinding, type Finding, type FindingInit, type Location } from './findings/finding.js';
export { buildReport, fails, type Report, type ReportSummary, type FailOn, type ReplayStatus } from './report/report.js';
export type { ReplaySummary } from './verify/replay-run.js';
export { renderJson, renderJsonl } from './report/json.js';
export { renderText } from './report/text.js';
export { OperatorError } from './errors.js';
export { VERSION } from './version.js';
