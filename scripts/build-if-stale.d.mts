// Types of build-if-stale.mjs for the TypeScript that imports it (tests, scripts).
export declare const root: string;
export declare function buildIfStale(name: string, sources: string[], output: string, command: string, args: string[]): boolean;
export declare function buildServerIfStale(): boolean;
export declare function buildDashboardIfStale(): boolean;
