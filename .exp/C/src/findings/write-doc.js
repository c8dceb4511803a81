/** `npm run docs`: writes docs/findings.md from the registry. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../assets.js';
import { renderFindingsDoc } from './doc.js';
const path = join(packageRoot(), 'docs', 'findings.md');
writeFileSync(path, renderFindingsDoc());
process.stdout.write(`wrote ${path}\n`);
//# sourceMappingURL=write-doc.js.map