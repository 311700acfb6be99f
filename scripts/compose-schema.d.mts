/** Types of scripts/compose-schema.mjs (test/reference/schema.test.ts imports it). */
export declare function extractSchema(binary: string): string;
export declare function sha256(text: string): string;
