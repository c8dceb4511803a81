export declare function positiveInt(name: string, max?: number): (value: string) => number;
export declare function nonNegativeInt(name: string): (value: string) => number;
export declare function oneOf<T extends string>(name: string, values: readonly T[]): (value: string) => T;
