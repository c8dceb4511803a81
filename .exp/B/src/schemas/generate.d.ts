/** Schema file name → generated module name (`audit-event.schema.json` → `audit-event`). */
export declare function moduleName(schemaFile: string): string;
/** The generated module for one schema. */
export declare function generateValidator(schemaText: string): string;
export declare function schemaFiles(root: string): string[];
