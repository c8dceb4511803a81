/**
 * The public API of `sel`. Explicit exports only: what is not listed here is internal.
 */
export { canonicalize, assertJcsValue, JcsError, type JsonValue, type JcsErrorReason } from './canonical/jcs.js';
export { digestOf, sha256Digest, checkDigest, GENESIS_PREV_HASH, SHA256_PREFIX, type DigestCheck } from './canonical/digest.js';
export { scanCanonical, scanStrict, type ScanReason, type ScanFailure } from './canonical/scan.js';
export { ChainWriter, ProducerError, type EventInput, type Appended } from './producer/producer.js';
export { checkLine, CONTRACT_VERSION, type CheckOptions } from './envelope/check.js';
export type { SelEvent, Decision, Action, TrustZone, DecisionSeverity, EventRecord, PlacedEvent, Hole, LineRef } from './envelope/types.js';
export { ChainVerifier, DEFAULT_CHAIN_OPTIONS, type ChainOptions, type ChainPosition, type ChainSummary } from './chain/chain.js';
export {
  IntegrityVerifier,
  DEFAULT_VERIFY_OPTIONS,
  type VerifyOptions,
  type IntegrityResult,
  type IntegritySummary,
  type FindingCounts,
  type FileSummary,
} from './verify/verifier.js';
export { verifyLogs, type RunOptions } from './verify/run.js';
export { runShard, parseShard, SHARD_VERSION, type ShardHeader, type ShardTrailer } from './shard/shard.js';
export { mergeShards, readShardHeader, type MergeInput } from './shard/merge.js';
export { CODES, ALL_CODES, type FindingCode, type Severity, type CodeInfo, type FindingClass } from './findings/codes.js';
export { makeFinding, type Finding, type Location } from './findings/finding.js';
export { buildReport, fails, type Report, type ReportSummary, type FailOn } from './report/report.js';
export { renderJson, renderJsonl } from './report/json.js';
export { renderText } from './report/text.js';
export { OperatorError } from './errors.js';
export { VERSION } from './version.js';
