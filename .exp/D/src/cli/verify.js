/** `sel verify LOG... [options]` (SPEC.md §7). */
import { Command, Option } from 'commander';
import { verifyLogs } from '../verify/run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../verify/verifier.js';
import { buildReport, FAIL_ON_VALUES } from '../report/report.js';
import { renderJson, renderJsonl } from '../report/json.js';
import { renderText } from '../report/text.js';
import { nonNegativeInt, oneOf, positiveInt } from './options.js';
import { writeOut } from './output.js';
export const FORMATS = ['text', 'json', 'jsonl'];
export function render(report, format, chalk) {
    switch (format) {
        case 'text': return renderText(report, chalk);
        case 'json': return renderJson(report);
        case 'jsonl': return renderJsonl(report);
    }
}
export function verifyCommand(chalk) {
    return new Command('verify')
        .description('verify the integrity of sel.audit/1 logs: canonical form, hashes, fingerprints, chain order and linkage')
        .argument('<log...>', 'a log file, a directory of *.jsonl files, or - for standard input')
        .addOption(new Option('--format <format>', 'report format').argParser(oneOf('--format', FORMATS)).default('text'))
        .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').argParser(oneOf('--fail-on', FAIL_ON_VALUES)).default('error'))
        .addOption(new Option('--max-line-bytes <n>', 'longest line read; longer lines are reported unread')
        .argParser(positiveInt('--max-line-bytes', 2 ** 30))
        .default(DEFAULT_VERIFY_OPTIONS.maxLineBytes))
        .addOption(new Option('--max-depth <n>', 'deepest nesting accepted in an event').argParser(positiveInt('--max-depth', 10_000)).default(DEFAULT_VERIFY_OPTIONS.maxDepth))
        .addOption(new Option('--max-findings <n>', 'findings listed in the report (all are counted); 0 for no limit')
        .argParser(nonNegativeInt('--max-findings'))
        .default(DEFAULT_VERIFY_OPTIONS.maxFindings))
        .addOption(new Option('--reorder-window <n>', 'early events per chain held while waiting for a missing one')
        .argParser(positiveInt('--reorder-window', 1_000_000))
        .default(DEFAULT_VERIFY_OPTIONS.chain.reorderWindow))
        .action(async (logs, flags) => {
        const result = await verifyLogs(logs, {
            maxLineBytes: flags.maxLineBytes,
            maxDepth: flags.maxDepth,
            maxFindings: flags.maxFindings,
            chain: { ...DEFAULT_VERIFY_OPTIONS.chain, reorderWindow: flags.reorderWindow },
        });
        const report = buildReport(result, { performed: false, reason: 'no --repo given' }, flags.failOn);
        await writeOut(render(report, flags.format, chalk()));
        process.exitCode = report.summary.result === 'fail' ? 1 : 0;
    });
}
//# sourceMappingURL=verify.js.map