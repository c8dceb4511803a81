/**
 * Renders docs/findings.md from the registry, so the documentation of every code is the
 * registry itself (`npm run docs` writes it; a test fails when it is stale).
 */
import { ALL_CODES, CODES, type CodeInfo } from './codes.js';

const CLASS_TEXT: Record<CodeInfo['class'], string> = {
  integrity: 'integrity (the bytes of the log)',
  diverged: 'diverged (the evidence says the decision was wrong)',
  unverifiable: 'unverifiable (the evidence needed to decide is missing)',
  policy: 'policy (a policy bundle is invalid or questionable)',
};

export function renderFindingsDoc(): string {
  const out: string[] = [
    '# Finding codes',
    '',
    '<!-- Generated from src/findings/codes.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every problem `sel` finds is reported as a finding with one of these codes (SPEC.md §6).',
    'A code keeps its meaning once released. Severity decides the exit status with `--fail-on`.',
    'Codes marked *extension* are added by this project to the ones SPEC.md §6 names.',
    '',
    '| code | severity | class |',
    '|---|---|---|',
    ...ALL_CODES.map((c) => `| [\`${c}\`](#${c.toLowerCase()}) | ${CODES[c].severity} | ${CODES[c].class}${(CODES[c] as CodeInfo).extension ? ' (extension)' : ''} |`),
    '',
  ];
  for (const code of ALL_CODES) {
    const info: CodeInfo = CODES[code];
    out.push(
      `## ${code}`,
      '',
      `**${info.title}.** Severity: ${info.severity}. Class: ${CLASS_TEXT[info.class]}.${info.extension ? ' *Extension.*' : ''}`,
      '',
      info.help,
      '',
      `Example: ${info.example}`,
      '',
    );
  }
  return out.join('\n');
}
