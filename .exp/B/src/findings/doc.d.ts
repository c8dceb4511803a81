export declare function renderFindingsDoc(): string;
