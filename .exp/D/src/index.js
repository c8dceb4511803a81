/**
 * The public API of `sel`. Explicit exports only: what is not listed here is internal.
 */
export { canonicalize, assertJcsValue, JcsError } from './canonical/jcs.js';
export { digestOf, sha256Digest, checkDigest, GENESIS_PREV_HASH, SHA256_PREFIX } from './canonical/digest.js';
export { scanCanonical, scanStrict } from './canonical/scan.js';
export { ChainWriter, ProducerError } from './producer/producer.js';
export { checkLine, CONTRACT_VERSION } from './envelope/check.js';
export { ChainVerifier, DEFAULT_CHAIN_OPTIONS } from './chain/chain.js';
export { IntegrityVerifier, DEFAULT_VERIFY_OPTIONS, } from './verify/verifier.js';
export { verifyLogs } from './verify/run.js';
export { CODES, ALL_CODES } from './findings/codes.js';
export { makeFinding } from './findings/finding.js';
export { buildReport, fails } from './report/report.js';
export { renderJson, renderJsonl } from './report/json.js';
export { renderText } from './report/text.js';
export { OperatorError } from './errors.js';
export { VERSION } from './version.js';
//# sourceMappingURL=index.js.map