/**
 * Static assets shipped with the package (the JSON Schemas in `schemas/`). Loaded once, at
 * start-up, from the package root, which is found by walking up from this module: the
 * compiled code runs from `dist/src/`, the test suite from `src/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
let root = null;
export function packageRoot() {
    if (root !== null)
        return root;
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
        if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) {
            root = dir;
            return dir;
        }
        const up = dirname(dir);
        if (up === dir)
            throw new Error('cannot find the sel package root (package.json beside schemas/)');
        dir = up;
    }
}
/** Parses `schemas/<name>`; these files are ours, so a failure here is a packaging bug. */
export function loadSchema(name) {
    return JSON.parse(readFileSync(join(packageRoot(), 'schemas', name), 'utf8'));
}
//# sourceMappingURL=assets.js.map